"""QNN plots: training loss curves, and the variance of the initial loss gradient against qubits.

A gradient variance that falls exponentially with the qubit count is the barren-plateau
signature (McClean et al. 2018): random initialisations land on a flat landscape and
training stalls.  The runner stores the loss curve (<= 200 points) and the variance of
the gradient at initialisation per job.
"""

from __future__ import annotations


from qbench.report.figures import ptext, Figure, empty, finite, layout, series_colours
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


def loss_curves(suite: SuiteData) -> Figure:
    title = "QNN training loss"
    done = suite.done
    qnn = done[done["kind"] == "qnn"]
    has = [isinstance(artifact(a, "loss_curve"), list) and len(artifact(a, "loss_curve")) > 0 for a in qnn["artifacts"]]
    qnn = qnn[has]
    if qnn.empty:
        why = "no QNN in this suite" if (done["kind"] == "qnn").sum() == 0 else "no loss curve stored for these jobs"
        return empty("qnn-loss", title, why)
    qnn = qnn.sort_values("seed", kind="stable").head(MAX_CURVES)
    groups = list(dict.fromkeys(qnn["model"].astype(str) + " · " + qnn["backend"].astype(str)))
    colours = series_colours(groups)
    seen = set()
    traces = []
    for _, row in qnn.iterrows():
        group = f"{row['model']} · {row['backend']}"
        curve = [finite(v) for v in artifact(row["artifacts"], "loss_curve")]
        traces.append({
            "type": "scatter", "mode": "lines", "name": ptext(group), "legendgroup": ptext(group),
            "showlegend": group not in seen, "x": _epochs(curve, artifact(row["artifacts"], "loss_curve_epochs")),
            "y": curve, "line": {"color": colours[group], "width": 1.5}, "opacity": 0.8,
            "hovertemplate": f"{ptext(row['label'])}<br>epoch %{{x:.0f}}: loss %{{y:.4g}}<extra></extra>",
        })
        seen.add(group)
    note = f" (first {MAX_CURVES} jobs by seed)" if len(done[done["kind"] == "qnn"]) > MAX_CURVES else ""
    return Figure("qnn-loss", title, traces, layout(title, "epoch", "training loss"),
                  caption=f"One line per job{note}; colour: model and backend.")


def gradient_variance(suite: SuiteData) -> Figure:
    """Variance of the loss gradient at initialisation against qubits (the barren-plateau diagnostic)."""
    return variance_against_qubits(
        suite, "qnn", "initial_gradient_variance", "qnn-gradient",
        "Barren plateaus: initial gradient variance against qubits",
        "variance of the loss gradient at initialisation (log)", "gradient variance",
        "An exponential fall with qubits is the barren-plateau signature.",
        "no QNN job with a stored gradient variance")
