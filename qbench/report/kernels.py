"""Kernel plots: samples of the training Gram matrix, and kernel concentration against the qubit count.

Exponential concentration (Thanasilp et al. 2022): as qubits grow, off-diagonal kernel
values concentrate around a constant and their variance vanishes, so the Gram matrix
looks like the identity and the model cannot generalise.  The runner stores the variance
of the off-diagonal entries and a <= 16 x 16 sample (rows sorted by class) per job.
"""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import ptext, Figure, empty, finite, layout, series_colours
from qbench.report.suite_data import SuiteData, artifact

MAX_HEATMAPS = 8


def _describe(row) -> str:
    size = ", ".join(f"{k}={int(v)}" for k, v in (("n", row["n_samples"]), ("d", row["n_features"])) if not pd.isna(v))
    mode = str(row["mode"]) + (f"@{int(row['shots'])}" if not pd.isna(row["shots"]) else "")
    return f"{row['model']} · {row['backend']} · {mode} on {row['dataset']}" + (f" [{size}]" if size else "")


def heatmaps(suite: SuiteData) -> tuple[list[Figure], str]:
    """One heatmap per kernel configuration (its lowest seed), at most :data:`MAX_HEATMAPS`."""
    title = "Kernel matrices"
    done = suite.done
    kern = done[done["kind"] == "kernel"]
    samples = kern[[isinstance(artifact(a, "kernel_sample"), list) and len(artifact(a, "kernel_sample")) > 0
                    for a in kern["artifacts"]]]
    if samples.empty:
        why = "no kernel model in this suite" if kern.empty else "no kernel matrix sample stored for these jobs"
        return [empty("kernel-heatmap", title, why)], ""
    samples = samples.sort_values("seed", kind="stable")
    firsts = samples.drop_duplicates(subset=["dataset", "n_samples", "n_features", "model", "backend", "mode", "shots"])
    figures = []
    for i, (_, row) in enumerate(firsts.head(MAX_HEATMAPS).iterrows()):
        z = [[finite(v) for v in line] for line in artifact(row["artifacts"], "kernel_sample")]
        name = f"{_describe(row)} (seed {row['seed']})"
        lay = layout(name, "training sample (sorted by class)", "training sample", height=340)
        lay["yaxis"]["autorange"] = "reversed"
        lay["title"]["font"] = {"size": 12}
        figures.append(Figure(f"kernel-heatmap-{i}", name, [{
            "type": "heatmap", "z": z, "zmin": 0, "zmax": 1, "colorscale": "Viridis",
            "hovertemplate": "K[%{y}, %{x}] = %{z:.3f}<extra></extra>", "colorbar": {"thickness": 12},
        }], lay))
    more = len(firsts) - MAX_HEATMAPS
    note = (f"Showing {MAX_HEATMAPS} of {len(firsts)} kernel configurations (lowest seed of each)." if more > 0
            else "The lowest seed of each kernel configuration; up to 16 x 16 training samples, rows sorted by class.")
    return figures, note


def concentration(suite: SuiteData) -> Figure:
    """Variance of the off-diagonal kernel values against qubits, one point per job, median line per model."""
    title = "Kernel concentration: off-diagonal variance against qubits"
    done = suite.done
    kern = done[done["kind"] == "kernel"]
    var = [finite(artifact(a, "kernel_offdiag_variance")) for a in kern["artifacts"]]
    qubits = [finite(q) if not pd.isna(q) else finite(artifact(a, "n_qubits"))
              for q, a in zip(kern["n_qubits"], kern["artifacts"])]
    kern = kern.assign(_var=var, _qubits=qubits)
    kern = kern[kern["_var"].notna() & kern["_qubits"].notna()]
    kern = kern[kern["_var"].astype(float) > 0]
    if kern.empty:
        return empty("kernel-concentration", title, "no kernel job with a stored off-diagonal variance")
    models = list(dict.fromkeys(kern["model"].astype(str)))
    colours = series_colours(models)
    traces = []
    for model in models:
        sub = kern[kern["model"].astype(str) == model]
        traces.append({
            "type": "scatter", "mode": "markers", "name": ptext(model), "legendgroup": ptext(model),
            "x": [float(v) for v in sub["_qubits"]], "y": [float(v) for v in sub["_var"]],
            "text": [ptext(v) for v in sub["label"]],
            "hovertemplate": "%{text}<br>qubits %{x}<br>variance %{y:.3g}<extra></extra>",
            "marker": {"color": colours[model], "size": 7, "opacity": 0.6},
        })
        med = sub.groupby("_qubits")["_var"].median().sort_index()
        traces.append({"type": "scatter", "mode": "lines", "name": ptext(f"{model} (median)"),
                       "legendgroup": ptext(model), "showlegend": False,
                       "x": [float(v) for v in med.index], "y": [float(v) for v in med],
                       "line": {"color": colours[model], "width": 2}, "hoverinfo": "skip"})
    return Figure("kernel-concentration", title, traces,
                  layout(title, "qubits", "variance of off-diagonal kernel values (log)", ylog=True),
                  caption="A variance falling exponentially with qubits is the exponential-concentration "
                          "signature: the kernel approaches the identity and stops generalising.")
