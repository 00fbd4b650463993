"""Kernel plots: samples of the training Gram matrix, and kernel concentration against the qubit count.

Exponential concentration (Thanasilp et al. 2022): as qubits grow, off-diagonal kernel
values concentrate around a constant and their variance vanishes, so the Gram matrix
looks like the identity and the model cannot generalise.  The runner stores the variance
of the off-diagonal entries and a <= 16 x 16 sample (rows sorted by class) per job.
"""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import Figure, empty, finite, layout
from qbench.report.diagnostics import variance_against_qubits
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
    kern = done[done["task"] == "kernel"]
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
    return variance_against_qubits(
        suite, "kernel", "kernel_offdiag_variance", "kernel-concentration",
        "Kernel concentration: off-diagonal variance against qubits", "variance of off-diagonal kernel values (log)",
        "variance", "A variance falling exponentially with qubits is the exponential-concentration "
                    "signature: the kernel approaches the identity and stops generalising.",
        "no kernel job with a stored off-diagonal variance")
