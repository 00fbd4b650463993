"""Accuracy plots: accuracy against fit time for every job, and per data set each quantum model against the best baseline."""

from __future__ import annotations

import pandas as pd

from qbench.report.figures import (CLASSICAL, Figure, backend_colour, backend_meta, empty, finite, layout, model_symbol,
                                   ptext)
from qbench.report.suite_data import SuiteData

#: At most this many per-data-set figures on a page (the table has every group).
MAX_DATASET_FIGURES = 24


def accuracy_vs_time(suite: SuiteData) -> Figure:
    """One point per finished job: test accuracy against fit time (log), colour = backend, symbol = model."""
    title = "Accuracy against fit time"
    done = suite.done
    done = done[done["test_accuracy"].notna() & (done["fit_time"].astype(float) > 0)]
    if done.empty:
        return empty("accuracy-time", title, "no finished job with an accuracy and a fit time")
    done = done.assign(_backend=[CLASSICAL if k == "baseline" else str(b) for k, b in zip(done["kind"], done["backend"])])
    several_modes = done.loc[done["kind"] != "baseline", "mode"].astype(str).nunique() > 1
    traces = []
    for (backend, model, mode), sub in done.groupby(["_backend", "model", "mode"], sort=True, dropna=False):
        backend, model, mode = str(backend), str(model), str(mode)
        name = f"{model} · {backend}" + (f" · {mode}" if several_modes and backend != CLASSICAL else "")
        traces.append({
            "type": "scatter", "mode": "markers", "name": ptext(name), "meta": backend_meta([backend]),
            "x": [finite(v) for v in sub["fit_time"]], "y": [finite(v) for v in sub["test_accuracy"]],
            "text": [ptext(v) for v in sub["label"]],
            "hovertemplate": "%{text}<br>accuracy %{y:.3f}<br>fit %{x:.3g} s<extra></extra>",
            "marker": {"color": backend_colour(backend), "symbol": model_symbol(model), "size": 9, "opacity": 0.8,
                       "line": {"width": 0.5, "color": "white"}},
        })
    return Figure("accuracy-time", title, traces,
                  layout(title, "fit time (s, log; hyperparameter search included)", "test accuracy", xlog=True),
                  caption="Each point is one job (one seed). Colour: backend; symbol: model.", wide=True)


def _config(row) -> str:
    size = ", ".join(f"{k}={int(v)}" for k, v in (("n", row["n_samples"]), ("d", row["n_features"])) if not pd.isna(v))
    return f"{row['dataset']}" + (f" [{size}]" if size else "")


def _group_label(row) -> str:
    mode = str(row["mode"]) + (f"@{int(row['shots'])}" if not pd.isna(row["shots"]) else "")
    return f"{row['model']} · {row['backend']} · {mode}"


def versus_baseline(suite: SuiteData) -> tuple[list[Figure], str]:
    """Per data-set configuration: mean accuracy with 95% interval of each quantum group, and the best baseline."""
    table = suite.table
    if table.empty:
        return [empty("vs-baseline", "Accuracy against the best classical baseline", "no results")], ""
    table = table.assign(_config=[_config(r) for r in table.to_dict("records")])
    figures: list[Figure] = []
    configs = list(dict.fromkeys(table["_config"]))
    for i, config in enumerate(configs[:MAX_DATASET_FIGURES]):
        sub = table[table["_config"] == config]
        quantum = sub[(sub["kind"] != "baseline") & (sub["seeds"] > 0)]
        base = sub[(sub["kind"] == "baseline") & (sub["seeds"] > 0)]
        title = f"{config}: accuracy against the best baseline"
        if quantum.empty:
            figures.append(empty(f"vs-baseline-{i}", title, f"no finished quantum job on {config}"))
            continue
        labels = [ptext(_group_label(r)) for r in quantum.to_dict("records")]
        traces = []
        for (backend, model), part in quantum.groupby(["backend", "model"], sort=False):
            traces.append({
                "type": "scatter", "mode": "markers", "name": ptext(f"{model} · {backend}"),
                "meta": backend_meta([backend]),
                "x": [ptext(_group_label(r)) for r in part.to_dict("records")],
                "y": [finite(v) for v in part["accuracy"]],
                "error_y": {"type": "data", "array": [finite(v) or 0 for v in part["ci95"]], "visible": True,
                            "thickness": 1.5, "width": 6},
                # under MIN_SEEDS seeds the table has no interval: the hover says so, and no bar is drawn
                "customdata": [[int(s), f"± {c:.3f} (95%" if finite(c) is not None else "(no interval"]
                               for s, c in zip(part["seeds"], part["ci95"])],
                "hovertemplate": "%{x}<br>accuracy %{y:.3f} %{customdata[1]}, %{customdata[0]} seeds)"
                                 "<extra></extra>",
                "marker": {"size": 10, "color": backend_colour(backend), "symbol": model_symbol(model)},
            })
        shapes = []
        if not base.empty:
            best = quantum["baseline"].dropna()
            name = str(best.iloc[0]) if len(best) else str(base.loc[base["accuracy"].idxmax(), "model"])
            row = base[base["model"] == name]
            row = row.iloc[0] if len(row) else base.loc[base["accuracy"].idxmax()]
            acc, ci = finite(row["accuracy"]), finite(row["ci95"]) or 0.0
            traces.append({"type": "scatter", "mode": "lines", "name": ptext(f"best baseline: {name}"),
                           "x": labels, "y": [acc] * len(labels), "meta": backend_meta([CLASSICAL]),
                           "line": {"color": backend_colour(CLASSICAL), "dash": "dash", "width": 2},
                           "hovertemplate": f"{ptext(name)}: %{{y:.3f}} ± {ci:.3f}<extra></extra>"})
            if acc is not None and ci:
                shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                               "y0": acc - ci, "y1": acc + ci, "fillcolor": backend_colour(CLASSICAL),
                               "opacity": 0.12, "line": {"width": 0}, "layer": "below"})
        lows = [a - (c or 0) for a, c in zip(quantum["accuracy"], quantum["ci95"].fillna(0)) if finite(a) is not None]
        bottom = max(0.0, min(lows, default=0.0) - 0.05)
        lay = layout(title, "", "test accuracy (mean, 95% interval over seeds)", shapes=shapes,
                     height=max(380, 300 + 14 * len(labels)))
        lay["yaxis"]["range"] = [bottom, 1.05]  # accuracy ends at 1 even where a t-interval does not
        lay["xaxis"]["tickangle"] = -30
        figures.append(Figure(f"vs-baseline-{i}", title, traces, lay,
                              caption="Dashed line and band: the best classical baseline on the same splits (95% interval)."))
    more = len(configs) - MAX_DATASET_FIGURES
    note = f"{more} more data-set configurations are in the comparison table." if more > 0 else ""
    return figures, note

