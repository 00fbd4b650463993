"""Runtime plots: fit time against qubits and against samples, per backend, with the ``numpy`` reference as the floor."""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import ptext, REFERENCE_BACKEND, Figure, empty, finite, layout, series_colours
from qbench.report.suite_data import SuiteData

KIND_TITLES = {"kernel": "quantum kernels", "qnn": "QNNs"}


def _samples(jobs: pd.DataFrame) -> pd.Series:
    """Samples a job used: train + test when recorded, else the configured ``n_samples``."""
    total = jobs["n_train"].astype("Float64") + jobs["n_test"].astype("Float64")
    return total.fillna(jobs["n_samples"].astype("Float64"))


def _series(jobs: pd.DataFrame, x: str, xtitle: str, fig_id: str, title: str, xlog: bool) -> Figure:
    jobs = jobs[jobs[x].notna() & jobs["fit_time"].notna()]
    jobs = jobs[jobs["fit_time"].astype(float) > 0]
    if jobs.empty:
        return empty(fig_id, title, f"no finished quantum job with a fit time and {xtitle}")
    jobs = jobs.assign(_series=jobs["backend"].astype(str) + " · " + jobs["mode"].astype(str))
    names = sorted(jobs["_series"].unique(), key=lambda s: (not s.startswith(REFERENCE_BACKEND + " "), s))
    colours = series_colours([n.split(" · ")[0] for n in names])
    traces = []
    for name in names:
        sub = jobs[jobs["_series"] == name]
        stats = sub.groupby(x)["fit_time"].agg(["median", "min", "max", "count"]).sort_index()
        backend = name.split(" · ")[0]
        trace = {
            "type": "scatter", "name": ptext(name), "x": [finite(v) for v in stats.index],
            "y": [finite(v) for v in stats["median"]],
            "customdata": [[finite(a), finite(b), int(c)] for a, b, c in zip(stats["min"], stats["max"], stats["count"])],
            "hovertemplate": f"{ptext(name)}<br>{xtitle} %{{x}}<br>median %{{y:.3g}} s"
                             "<br>range %{customdata[0]:.3g}–%{customdata[1]:.3g} s (%{customdata[2]} jobs)<extra></extra>",
        }
        if backend == REFERENCE_BACKEND:
            trace.update(mode="lines+markers", name=ptext(f"{name} (reference floor)"),
                         line={"color": colours[backend], "dash": "dash", "width": 3}, marker={"size": 6})
        else:
            trace.update(mode="lines+markers", line={"color": colours[backend], "width": 1.5},
                         marker={"size": 8, "color": colours[backend]})
        traces.append(trace)
    return Figure(fig_id, title, traces, layout(title, xtitle, "fit time (s, log; median over jobs)", xlog=xlog, ylog=True),
                  caption=f"Median fit time per backend and mode; the dashed {REFERENCE_BACKEND} line is the reference "
                          "simulator, the floor the other backends are measured against.")


def runtime_figures(suite: SuiteData) -> list[Figure]:
    done = suite.done
    quantum = done[done["kind"].isin(list(KIND_TITLES))]
    if quantum.empty:
        return [empty("runtime-qubits", "Runtime against qubits", "no finished quantum job"),
                empty("runtime-samples", "Runtime against samples", "no finished quantum job")]
    quantum = quantum.assign(_samples=_samples(quantum), _qubits=quantum["n_qubits"].astype("Float64"))
    figures = []
    for kind, what in KIND_TITLES.items():
        sub = quantum[quantum["kind"] == kind]
        if sub.empty:
            continue
        figures.append(_series(sub, "_qubits", "qubits", f"runtime-qubits-{kind}",
                               f"Runtime against qubits: {what}", xlog=False))
        figures.append(_series(sub, "_samples", "samples", f"runtime-samples-{kind}",
                               f"Runtime against samples: {what}", xlog=True))
    return figures
