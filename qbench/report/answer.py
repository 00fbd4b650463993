"""The two answers on the landing page: is a quantum model better than the classical baselines, and which backend
is fastest.

Per data-set configuration of each suite, the best quantum group (highest mean accuracy among the
groups with the most seeds) is set against the best classical baseline on the same splits, as the
comparison table (:func:`qbench.results.tables.compare`) paired them by identity: the paired
difference over the seeds, the interval at the level Holm's step-down used for it (so the drawn interval
excludes 0 exactly when the verdict is better or worse), the Holm-adjusted p (per suite) and the verdict;
a row with fewer than ``MIN_SEEDS`` pairs has no verdict and no bar.  Per backend, the quantum time (seconds
inside the backend) of each job over the ``numpy`` reference's on the same configuration and seed, summarised
per qubit count by :func:`qbench.results.stats.geometric_ratio`, the one definition of "x numpy".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qbench.report.figures import (CLASSICAL, REFERENCE_BACKEND, Figure, backend_colour, backend_meta, empty, finite,
                                   layout, model_symbol, ptext)
from qbench.report.page import esc, no_data
from qbench.report.runtime import quantum_seconds
from qbench.report.suite_data import SuiteData
from qbench.results.stats import MIN_SEEDS, VERDICTS, geometric_ratio

TASK_TITLES = {"kernel": "quantum kernels", "qnn": "QNNs"}


def _config_text(r) -> str:
    size = ", ".join(f"{k}={int(v)}" for k, v in (("n", r["n_samples"]), ("d", r["n_features"])) if not pd.isna(v))
    return f"{r['dataset']}" + (f" [{size}]" if size else "")


def _same(series: pd.Series, value) -> pd.Series:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return series.isna()
    return series == value


def verdict_rows(suites: list[SuiteData]) -> list[dict]:
    """One row per suite and data-set configuration: best quantum group against the best baseline."""
    out = []
    for s in suites:
        table = s.table
        if table.empty:
            continue
        table = table.assign(_config=[_config_text(r) for r in table.to_dict("records")])
        for config, sub in table.groupby("_config", sort=False):
            quantum = sub[(sub["kind"] != "baseline") & (sub["seeds"] > 0) & sub["accuracy"].notna()]
            if quantum.empty:
                continue
            # among the groups with the most seeds (a group with fewer seeds says less), the highest accuracy
            quantum = quantum[quantum["seeds"] == quantum["seeds"].max()]
            best = quantum.loc[quantum["accuracy"].astype(float).idxmax()].to_dict()
            if best["baseline"] is None or (isinstance(best["baseline"], float) and math.isnan(best["baseline"])):
                continue
            out.append({"suite": s.name, "config": config, "model": best["model"], "backend": best["backend"],
                        "mode": best["mode"], "accuracy": best["accuracy"], "baseline": best["baseline"],
                        "baseline_accuracy": best["baseline_accuracy"], "diff": best["diff"],
                        "half": best["diff_ci_adjusted"], "level": best["ci_level"], "pairs": int(best["pairs"]),
                        "test": best["test"], "p": best["p_adjusted"], "adjusted": True,
                        "family": int(best["family_size"]), "verdict": best["verdict"] or "",
                        "quantum_vs_numpy": best.get("quantum_vs_numpy")})
    return out


def _num(v, spec: str, empty: str = "") -> str:
    v = finite(v)
    return empty if v is None else format(v, spec)


def verdict_html(rows: list[dict], pages: dict[str, str]) -> str:
    """Counts of better / worse / indistinguishable, and the table of data sets with colour-coded verdicts."""
    if not rows:
        return no_data("no data set has both a finished quantum model and a classical baseline")
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    other = len(rows) - sum(counts.values())
    cards = "".join(f'<div class="card {v}"><b>{counts[v]}</b>{esc(v)}</div>' for v in VERDICTS)
    if other:
        cards += f'<div class="card"><b>{other}</b>too few seeds to tell (under {MIN_SEEDS})</div>'
    head = "".join(f"<th>{h}</th>" for h in ("suite", "data set", "best quantum model", "accuracy", "best baseline",
                                             "accuracy", "Δ (quantum − classical) ± Holm-level interval",
                                             "p", "verdict"))
    body = []
    for r in rows:
        delta = _num(r["diff"], "+.3f") + (f" ± {r['half']:.3f} ({r['level']:.1%})"
                                           if finite(r["half"]) is not None else "")
        if r["test"] == "sign":
            delta += " (identical over seeds: sign test)"
        p = _num(r["p"], ".2g") + (" (adj.)" if r["adjusted"] and finite(r["p"]) is not None else "")
        swatch = f'<span class="swatch" style="background:{backend_colour(r["backend"])}"></span>'
        body.append(
            f'<tr><td><a class="suite-link" href="{esc(pages.get(r["suite"], ""))}#comparison">{esc(r["suite"])}</a></td>'
            f'<td>{esc(r["config"])}</td><td>{swatch}{esc(r["model"])} · {esc(r["backend"])} · {esc(r["mode"])}</td>'
            f'<td>{_num(r["accuracy"], ".3f")}</td><td>{esc(r["baseline"])}</td>'
            f'<td>{_num(r["baseline_accuracy"], ".3f")}</td><td>{esc(delta)}</td><td>{esc(p)}</td>'
            f'<td class="{esc(r["verdict"]) if r["verdict"] in VERDICTS else ""}">{esc(r["verdict"])}</td></tr>')
    return (f'<div class="answer">{cards}</div><div class="table-wrap"><table id="verdicts" class="verdicts">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def has_bar(r: dict) -> bool:
    """Whether the landing plot draws an interval for a verdict row (a t-tested row in its suite's Holm family)."""
    return r["test"] == "t" and finite(r["half"]) is not None


def difference_figure(rows: list[dict]) -> Figure:
    """Quantum minus classical accuracy per data set with the interval its verdict uses; colour: backend,
    symbol: model; an open marker without a bar where there is no interval (too few seeds, identical differences)."""
    title = "Best quantum model minus best classical baseline"
    rows = [r for r in rows if finite(r["diff"]) is not None]
    if not rows:
        return empty("answer-difference", title, "no paired difference to show")
    traces = []
    for i, r in enumerate(rows):
        label = f"{r['suite']}: {r['config']}"
        bar = has_bar(r)
        why = "" if bar else (" (identical differences over seeds: sign test, no interval)" if r["test"] == "sign"
                              else " (no interval)")
        symbol = model_symbol(r["model"]) + ("" if bar else "-open")
        traces.append({
            "type": "scatter", "mode": "markers", "orientation": "h", "name": ptext(f"{r['model']} · {r['backend']}"),
            "legendgroup": ptext(f"{r['model']} · {r['backend']}"), "meta": {**backend_meta([r["backend"]]),
                                                                          "verdict": r["verdict"], "bar": bar},
            "showlegend": all((x["model"], x["backend"]) != (r["model"], r["backend"]) for x in rows[:i]),
            "x": [finite(r["diff"])], "y": [ptext(label)],
            "error_x": {"type": "data", "array": [finite(r["half"]) if bar else 0], "visible": bar, "thickness": 1.5},
            "marker": {"size": 11, "color": backend_colour(r["backend"]), "symbol": symbol},
            "hovertemplate": ptext(f"{label}<br>{r['model']} · {r['backend']} vs {r['baseline']}: {r['verdict']}{why}")
                             + "<br>Δ %{x:+.3f}<extra></extra>",
        })
    lay = layout(title, "accuracy difference (quantum − classical), Holm-level interval",
                 "", height=max(320, 120 + 34 * len(rows)))
    lay["shapes"] = [{"type": "line", "xref": "x", "x0": 0, "x1": 0, "yref": "paper", "y0": 0, "y1": 1,
                      "line": {"color": backend_colour(CLASSICAL), "dash": "dash", "width": 1.5}}]
    lay["yaxis"]["autorange"] = "reversed"
    return Figure("answer-difference", title, traces, lay,
                  caption="Right of the dashed line the quantum model scored higher. Each bar is the paired "
                          "t-interval at the level Holm's adjustment over the suite used for the verdict: a bar "
                          "that crosses the line reads indistinguishable, one that does not reads better or worse. "
                          f"Open markers have no bar: fewer than {MIN_SEEDS} paired seeds (no verdict), or the same "
                          "difference on every seed (decided by a sign test). Colour: backend; symbol: model.")


def speed_ratios(suites: list[SuiteData]) -> pd.DataFrame:
    """Per backend and qubit count: geometric-mean quantum time over numpy's on the same configuration and seed."""
    frames = []
    for s in suites:
        done = s.done
        quantum = done[done["task"] != "baseline"]
        if quantum.empty:
            continue
        # paired by identity: the same configuration on numpy (the selection's ref_id) and the same seed
        pairs = [f"{r}:{seed}" for r, seed in zip(quantum["ref_id"], quantum["seed"])]
        quantum = quantum.assign(_q=quantum_seconds(quantum).astype(float), _pair=pairs)
        ref = quantum[quantum["backend"] == REFERENCE_BACKEND].groupby("_pair")["_q"].first()
        other = quantum[quantum["_pair"].isin(ref.index)]
        frames.append(pd.DataFrame({"backend": other["backend"].astype(str), "kind": other["task"].astype(str),
                                    "qubits": other["n_qubits"].astype("Float64"), "time": other["_q"].values,
                                    "reference": ref.reindex(other["_pair"]).values}))
    if not frames:
        return pd.DataFrame(columns=["backend", "kind", "qubits", "ratio", "jobs"])
    data = pd.concat(frames, ignore_index=True).dropna(subset=["qubits"])
    data = data[(data["time"] > 0) & (data["reference"] > 0)]
    out = [{"backend": b, "kind": k, "qubits": q, "ratio": geometric_ratio(sub["time"], sub["reference"]),
            "jobs": len(sub)} for (b, k, q), sub in data.groupby(["backend", "kind", "qubits"], sort=True)]
    return pd.DataFrame(out, columns=["backend", "kind", "qubits", "ratio", "jobs"])


def speed_html(ratios: pd.DataFrame) -> str:
    """Backends (fastest first, by the geometric mean over every width) x qubit counts, per task."""
    if ratios.empty:
        return no_data("no quantum job with a numpy reference on the same configuration")
    blocks = []
    for kind, sub in ratios.groupby("kind", sort=True):
        widths = sorted(sub["qubits"].unique())
        overall = sub.groupby("backend")["ratio"].apply(lambda r: float(np.exp(np.mean(np.log(r))))).sort_values()
        head = "<th>backend</th>" + "".join(f"<th>{int(q)} qubits</th>" for q in widths) + "<th>all widths</th>"
        body = []
        for backend, total in overall.items():
            cells = []
            for q in widths:
                hit = sub[(sub["backend"] == backend) & (sub["qubits"] == q)]
                cells.append(f'<td data-v="{float(hit["ratio"].iloc[0])!r}">× {hit["ratio"].iloc[0]:.3g}</td>'
                             if len(hit) else "<td></td>")
            swatch = f'<span class="swatch" style="background:{backend_colour(backend)}"></span>'
            body.append(f"<tr><td>{swatch}{esc(backend)}</td>{''.join(cells)}<td><b>× {total:.3g}</b></td></tr>")
        what = TASK_TITLES.get(kind, kind)
        blocks.append(f'<h3>{esc(what)}</h3><div class="table-wrap"><table class="speed" data-kind="{esc(kind)}">'
                      f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
    return "".join(blocks)


def speed_figure(ratios: pd.DataFrame) -> Figure:
    """Quantum-time ratio to numpy against qubits, one line per backend and task (log y)."""
    title = "Quantum time against numpy, by qubit count"
    ratios = ratios[ratios["backend"] != REFERENCE_BACKEND] if len(ratios) else ratios
    if ratios.empty:
        return empty("answer-speed", title, "no backend other than numpy has a matching numpy job")
    traces = []
    dashes = {"kernel": "solid", "qnn": "dot"}
    for (backend, kind), sub in ratios.groupby(["backend", "kind"], sort=True):
        sub = sub.sort_values("qubits")
        colour = backend_colour(backend)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": ptext(f"{backend} · {kind}"),
            "meta": backend_meta([backend]), "x": [finite(v) for v in sub["qubits"]],
            "y": [finite(v) for v in sub["ratio"]], "customdata": [int(n) for n in sub["jobs"]],
            "line": {"color": colour, "dash": dashes.get(kind, "dash"), "width": 2},
            "marker": {"color": colour, "size": 8, "symbol": "circle" if kind == "kernel" else "diamond"},
            "hovertemplate": f"{ptext(backend)} · {ptext(kind)}<br>%{{x}} qubits: × %{{y:.3g}} numpy"
                             "<br>(%{customdata} jobs)<extra></extra>",
        })
    lay = layout(title, "qubits", "quantum time / numpy's (log; geometric mean over jobs)", ylog=True)
    lay["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": 1, "y1": 1,
                      "line": {"color": backend_colour(REFERENCE_BACKEND), "dash": "dash", "width": 1.5}}]
    return Figure("answer-speed", title, traces, lay,
                  caption="Below the dashed line (numpy = 1) a backend spends less time inside the simulator than "
                          "numpy on the same jobs. Solid: quantum kernels; dotted: QNNs.")
