"""QNN plots: training loss curves, and the variance of the initial loss gradient against qubits.

A gradient variance that falls exponentially with the qubit count is the barren-plateau
signature (McClean et al. 2018): random initialisations land on a flat landscape and
training stalls.  The runner stores the loss curve (<= 200 points) and the variance of
the gradient at initialisation per job.
"""

from __future__ import annotations


import numpy as np

from qbench.report.figures import (Figure, backend_colour, backend_meta, empty, finite, layout, model_symbol,
                                   ptext, shared_colour)
from qbench.report.diagnostics import variance_against_qubits
from qbench.report.suite_data import SuiteData, artifact

MAX_CURVES = 40


def _epochs(curve: list, epochs) -> list[float]:
    """x positions of a (possibly downsampled) curve of ``epochs`` points, 1-based."""
    n = len(curve)
    total = int(epochs) if isinstance(epochs, (int, float)) and epochs and epochs >= n else n
    if n == 1:
        return [1.0]
    return [1 + i * (total - 1) / (n - 1) for i in range(n)]


def _same(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    x = np.array([np.nan if v is None else v for v in a], float)
    y = np.array([np.nan if v is None else v for v in b], float)
    return bool(np.allclose(x, y, rtol=1e-6, atol=1e-9, equal_nan=True))


def loss_curves(suite: SuiteData) -> Figure:
    """One line per distinct loss curve: curves that agree across backends (same model and seed) are drawn once
    and named with every backend they stand for."""
    title = "QNN training loss"
    done = suite.done
    qnn = done[done["task"] == "qnn"]
    has = [isinstance(artifact(a, "loss_curve"), list) and len(artifact(a, "loss_curve")) > 0 for a in qnn["artifacts"]]
    qnn = qnn[has]
    if qnn.empty:
        why = "no QNN in this suite" if (done["task"] == "qnn").sum() == 0 else "no loss curve stored for these jobs"
        return empty("qnn-loss", title, why)
    qnn = qnn.sort_values(["seed", "backend"], kind="stable")
    # distinct curves per model and seed, each with the backends that produced it
    curves: list[dict] = []
    for _, row in qnn.iterrows():
        curve = [finite(v) for v in artifact(row["artifacts"], "loss_curve")]
        for c in curves:
            if c["model"] == row["model"] and c["seed"] == row["seed"] and _same(c["y"], curve):
                c["backends"].append(str(row["backend"]))
                break
        else:
            curves.append({"model": str(row["model"]), "seed": row["seed"], "y": curve, "label": row["label"],
                           "x": _epochs(curve, artifact(row["artifacts"], "loss_curve_epochs")),
                           "backends": [str(row["backend"])]})
    shown = curves[:MAX_CURVES]
    seen = set()
    traces = []
    for c in shown:
        group = f"{c['model']} · {' = '.join(c['backends'])}"
        colour = backend_colour(c["backends"][0]) if len(c["backends"]) == 1 else shared_colour()
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": ptext(group), "legendgroup": ptext(group),
            "showlegend": group not in seen, "x": c["x"], "y": c["y"], "meta": backend_meta(c["backends"]),
            "line": {"color": colour, "width": 1.5}, "opacity": 0.85,
            "marker": {"size": 5, "color": colour, "symbol": model_symbol(c["model"])},
            "hovertemplate": f"{ptext(c['model'])} seed {c['seed']} on {ptext(', '.join(c['backends']))}"
                             "<br>epoch %{x:.0f}: loss %{y:.4g}<extra></extra>",
        })
        seen.add(group)
    note = f" (the first {MAX_CURVES} of {len(curves)})" if len(curves) > MAX_CURVES else ""
    return Figure("qnn-loss", title, traces, layout(title, "epoch", "training loss"),
                  caption=f"One line per distinct curve{note}, one per seed; {len(qnn)} jobs. Curves that agree to "
                          "1e-6 on several backends are drawn once, in black, and named with each of them; a "
                          "backend's own colour marks a curve only it produced.")


def gradient_variance(suite: SuiteData) -> Figure:
    """Var over random initialisations of dL/dtheta_k, against qubits (McClean et al. 2018's barren-plateau test)."""
    return variance_against_qubits(
        suite, "qnn", "gradient_variance_over_inits", "qnn-gradient",
        "Barren plateaus: gradient variance over random initialisations against qubits",
        "Var over initialisations of ∂L/∂θ_k, mean over k (log)", "gradient variance",
        "An exponential fall with qubits is the barren-plateau signature.",
        "no QNN job with a stored gradient variance")
