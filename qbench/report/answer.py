"""The two answers on the landing page: is a quantum model better than the classical baselines, and which backend
is fastest.

Per data-set configuration of each suite, the best quantum group (highest mean accuracy among the
groups with the most seeds) is set against the best classical baseline on the same splits, as the
comparison table (:func:`qbench.results.tables.compare`) paired them by identity: the paired
difference over the seeds, its 95% t-interval, the Holm-adjusted p and the verdict.  Per backend, the quantum time (seconds inside the backend) of each job over the
``numpy`` reference's on the same configuration and seed, summarised per qubit count as a
geometric mean, so one slow configuration cannot hide the rest.
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
from qbench.results.tables import identities

VERDICTS = ("better", "worse", "indistinguishable")


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
            diff, half, pairs = best["diff"], best.get("diff_ci95", math.nan), int(best["seeds"])
            p = best.get("p_adjusted", best["p_value"])
            out.append({"suite": s.name, "config": config, "model": best["model"], "backend": best["backend"],
                        "mode": best["mode"], "accuracy": best["accuracy"], "baseline": best["baseline"],
                        "baseline_accuracy": best["baseline_accuracy"], "diff": diff, "half": half, "pairs": pairs,
                        "p": p, "adjusted": "p_adjusted" in best, "verdict": best["verdict"] or "",
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
        cards += f'<div class="card"><b>{other}</b>too few seeds to tell</div>'
    head = "".join(f"<th>{h}</th>" for h in ("suite", "data set", "best quantum model", "accuracy", "best baseline",
                                             "accuracy", "Δ (quantum − classical) ± 95%", "p", "verdict"))
    body = []
    for r in rows:
        delta = _num(r["diff"], "+.3f") + (f" ± {r['half']:.3f}" if finite(r["half"]) is not None else "")
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


def difference_figure(rows: list[dict]) -> Figure:
    """Quantum minus classical accuracy per data set, with its 95% interval; colour: backend, symbol: model."""
    title = "Best quantum model minus best classical baseline"
    rows = [r for r in rows if finite(r["diff"]) is not None]
    if not rows:
        return empty("answer-difference", title, "no paired difference to show")
    traces = []
    for i, r in enumerate(rows):
        label = f"{r['suite']}: {r['config']}"
        traces.append({
            "type": "scatter", "mode": "markers", "orientation": "h", "name": ptext(f"{r['model']} · {r['backend']}"),
            "legendgroup": ptext(f"{r['model']} · {r['backend']}"), "meta": backend_meta([r["backend"]]),
            "showlegend": all((x["model"], x["backend"]) != (r["model"], r["backend"]) for x in rows[:i]),
            "x": [finite(r["diff"])], "y": [ptext(label)],
            "error_x": {"type": "data", "array": [finite(r["half"]) or 0], "visible": True, "thickness": 1.5},
            "marker": {"size": 11, "color": backend_colour(r["backend"]), "symbol": model_symbol(r["model"])},
            "hovertemplate": ptext(f"{label}<br>{r['model']} · {r['backend']} vs {r['baseline']}: {r['verdict']}")
                             + "<br>Δ %{x:+.3f}<extra></extra>",
        })
    lay = layout(title, "test accuracy difference (quantum − classical; 95% interval over paired seeds)", "",
                 height=max(320, 120 + 34 * len(rows)))
    lay["shapes"] = [{"type": "line", "xref": "x", "x0": 0, "x1": 0, "yref": "paper", "y0": 0, "y1": 1,
                      "line": {"color": backend_colour(CLASSICAL), "dash": "dash", "width": 1.5}}]
    lay["yaxis"]["autorange"] = "reversed"
    return Figure("answer-difference", title, traces, lay,
                  caption="Right of the dashed line the quantum model scored higher; an interval that crosses it "
                          "cannot tell the two apart. Colour: backend; symbol: model.")


def speed_ratios(suites: list[SuiteData]) -> pd.DataFrame:
    """Per backend and qubit count: geometric-mean quantum time over numpy's on the same configuration and seed."""
    frames = []
    for s in suites:
        done = s.done
        quantum = done[done["kind"] != "baseline"]
        if quantum.empty:
            continue
        # paired by identity: the same configuration on numpy (identities' third id) and the same seed
        refs = [f"{identities(r)[2]}:{r['seed']}" for r in quantum.to_dict("records")]
        quantum = quantum.assign(_q=quantum_seconds(quantum).astype(float), _pair=refs)
        quantum = quantum[quantum["_q"] > 0]
        ref = quantum[quantum["backend"] == REFERENCE_BACKEND].groupby("_pair")["_q"].mean()
        other = quantum[quantum["_pair"].isin(ref.index)]
        frames.append(pd.DataFrame({"backend": other["backend"].astype(str), "kind": other["kind"].astype(str),
                                    "qubits": other["n_qubits"].astype("Float64"),
                                    "ratio": other["_q"].values / ref.reindex(other["_pair"]).values}))
    if not frames:
        return pd.DataFrame(columns=["backend", "kind", "qubits", "ratio", "jobs"])
    data = pd.concat(frames, ignore_index=True).dropna(subset=["qubits"])
    data = data[np.isfinite(data["ratio"].astype(float)) & (data["ratio"].astype(float) > 0)]
    grouped = data.groupby(["backend", "kind", "qubits"])["ratio"]
    out = grouped.apply(lambda r: float(np.exp(np.mean(np.log(r.astype(float)))))).rename("ratio").reset_index()
    out["jobs"] = grouped.size().values
    return out


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
        what = {"kernel": "quantum kernels", "qnn": "QNNs"}.get(kind, kind)
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
