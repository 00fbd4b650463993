"""Runtime plots: quantum time (seconds inside the backend) against qubits and samples, per backend.

Quantum time leaves out the classical hyperparameter search, SVM fits and calibration that
dominate the fit time of small problems, so the curves compare the backends themselves;
the ``numpy`` reference is drawn dashed as the floor.  Older rows without a time split fall
back to their recorded circuit time.
"""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import (REFERENCE_BACKEND, Figure, backend_colour, backend_meta, empty, finite, layout,
                                   model_symbol, ptext)
from qbench.report.suite_data import SuiteData

#: Backend tasks (:func:`qbench.models.kinds.task_of`) and their titles; every model kind of a task is drawn.
KIND_TITLES = {"kernel": "quantum kernels", "qnn": "QNNs"}


def _samples(jobs: pd.DataFrame) -> pd.Series:
    """Samples a job used: train + test when recorded, else the configured ``n_samples``."""
    total = jobs["n_train"].astype("Float64") + jobs["n_test"].astype("Float64")
    return total.fillna(jobs["n_samples"].astype("Float64"))


def quantum_seconds(jobs: pd.DataFrame) -> pd.Series:
    """Each job's quantum time, or its circuit time where the row predates the time split."""
    q = pd.to_numeric(jobs["quantum_time"], errors="coerce") if "quantum_time" in jobs else None
    c = pd.to_numeric(jobs["circuit_time"], errors="coerce")
    return c if q is None else q.fillna(c)


def _series(jobs: pd.DataFrame, x: str, xtitle: str, fig_id: str, title: str, xlog: bool) -> Figure:
    jobs = jobs[jobs[x].notna() & jobs["_quantum"].notna()]
    jobs = jobs[jobs["_quantum"].astype(float) > 0]
    if jobs.empty:
        return empty(fig_id, title, f"no finished quantum job with a quantum time and {xtitle}")
    several_modes = jobs["mode"].astype(str).nunique() > 1
    keys = jobs[["backend", "model", "mode"]].astype(str).drop_duplicates().values.tolist()
    keys.sort(key=lambda k: (k[0] != REFERENCE_BACKEND, k[0], k[1], k[2]))
    traces = []
    for backend, model, mode in keys:
        sub = jobs[(jobs["backend"].astype(str) == backend) & (jobs["model"].astype(str) == model)
                   & (jobs["mode"].astype(str) == mode)]
        stats = sub.groupby(x)["_quantum"].agg(["median", "min", "max", "count"]).sort_index()
        name = f"{model} · {backend}" + (f" · {mode}" if several_modes else "")
        colour = backend_colour(backend)
        reference = backend == REFERENCE_BACKEND
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": ptext(name + (" (reference)" if reference else "")),
            "meta": backend_meta([backend]), "x": [finite(v) for v in stats.index],
            "y": [finite(v) for v in stats["median"]],
            "customdata": [[finite(a), finite(b), int(c)] for a, b, c in zip(stats["min"], stats["max"], stats["count"])],
            "hovertemplate": f"{ptext(name)}<br>{xtitle} %{{x}}<br>median %{{y:.3g}} s"
                             "<br>range %{customdata[0]:.3g}–%{customdata[1]:.3g} s (%{customdata[2]} jobs)<extra></extra>",
            "line": {"color": colour, "width": 3 if reference else 1.5, "dash": "dash" if reference else "solid"},
            "marker": {"size": 8, "color": colour, "symbol": model_symbol(model)},
        })
    return Figure(fig_id, title, traces,
                  layout(title, xtitle, "quantum time (s, log; median over jobs)", xlog=xlog, ylog=True),
                  caption=f"Median seconds inside the backend (kernel, forward and gradient evaluations) per backend; "
                          f"the dashed {REFERENCE_BACKEND} line is the reference simulator. Colour: backend; "
                          "symbol: model.")


def runtime_figures(suite: SuiteData) -> list[Figure]:
    done = suite.done
    quantum = done[done["task"].isin(list(KIND_TITLES))]
    if quantum.empty:
        return [empty("runtime-qubits", "Runtime against qubits", "no finished quantum job"),
                empty("runtime-samples", "Runtime against samples", "no finished quantum job")]
    quantum = quantum.assign(_samples=_samples(quantum), _qubits=quantum["n_qubits"].astype("Float64"),
                             _quantum=quantum_seconds(quantum))
    figures = []
    for kind, what in KIND_TITLES.items():
        sub = quantum[quantum["task"] == kind]
        if sub.empty:
            continue
        figures.append(_series(sub, "_qubits", "qubits", f"runtime-qubits-{kind}",
                               f"Quantum time against qubits: {what}", xlog=False))
        figures.append(_series(sub, "_samples", "samples", f"runtime-samples-{kind}",
                               f"Quantum time against samples: {what}", xlog=True))
    return figures
