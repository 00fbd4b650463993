"""Variance diagnostics against qubit count: kernel concentration and barren plateaus share one plot shape."""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import (Figure, backend_colour, backend_meta, empty, finite, layout, model_symbol, ptext,
                                   shared_colour)
from qbench.report.suite_data import SuiteData, artifact


def variance_against_qubits(suite: SuiteData, task: str, key: str, fig_id: str, title: str, ylabel: str,
                            hover: str, caption: str, missing: str) -> Figure:
    """One point per job of a backend ``task`` (artifact ``key`` against qubits, log y; colour: backend, symbol: model) and a median line
    per model over its backends."""
    done = suite.done
    jobs = done[done["task"] == task]  # every model kind registered for the task
    var = [finite(artifact(a, key)) for a in jobs["artifacts"]]
    qubits = [finite(q) if not pd.isna(q) else finite(artifact(a, "n_qubits"))
              for q, a in zip(jobs["n_qubits"], jobs["artifacts"])]
    jobs = jobs.assign(_var=var, _qubits=qubits)
    jobs = jobs[jobs["_var"].notna() & jobs["_qubits"].notna()]
    jobs = jobs[jobs["_var"].astype(float) > 0]
    if jobs.empty:
        return empty(fig_id, title, missing)
    traces = []
    for (model, backend), sub in jobs.groupby([jobs["model"].astype(str), jobs["backend"].astype(str)], sort=True):
        traces.append({
            "type": "scatter", "mode": "markers", "name": ptext(f"{model} · {backend}"), "legendgroup": ptext(model),
            "meta": backend_meta([backend]),
            "x": [float(v) for v in sub["_qubits"]], "y": [float(v) for v in sub["_var"]],
            "text": [ptext(v) for v in sub["label"]],
            "hovertemplate": f"%{{text}}<br>qubits %{{x}}<br>{hover} %{{y:.3g}}<extra></extra>",
            "marker": {"color": backend_colour(backend), "symbol": model_symbol(model), "size": 8, "opacity": 0.7},
        })
    for model, sub in jobs.groupby(jobs["model"].astype(str), sort=True):
        med = sub.groupby("_qubits")["_var"].median().sort_index()
        backends = sorted(sub["backend"].astype(str).unique())
        colour = backend_colour(backends[0]) if len(backends) == 1 else shared_colour()
        traces.append({"type": "scatter", "mode": "lines", "name": ptext(f"{model} (median over backends)"),
                       "legendgroup": ptext(model), "meta": backend_meta(backends),
                       "x": [float(v) for v in med.index], "y": [float(v) for v in med],
                       "line": {"color": colour, "width": 1.5, "dash": "dot"}, "hoverinfo": "skip"})
    return Figure(fig_id, title, traces, layout(title, "qubits", ylabel, ylog=True), caption=caption)
