"""Diagnostics tables (docs/diagnostics.md): why a quantum model did what it did, and whether it could do better.

* :func:`geometry`: per data-set configuration x quantum kernel, the geometric difference
  g(K_C || K_Q) to the best classical kernel baseline on the same splits (the one with the highest
  CV score on the training data), the model complexities s_Q and s_C, and a one-line reading.
* :func:`kernels`: alignment, effective dimension and off-diagonal variance of every Gram matrix,
  with qubits and bandwidth.
* :func:`ablations`: entangled minus separable (``entangling = false``) test accuracy, paired over seeds.

Every table reads its rows through :func:`qbench.results.selection.select_rows` (current definitions, grouped by
configuration identity, one row per seed) and its tests from :mod:`qbench.results.stats`, like the comparison.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from qbench.errors import QBenchError
from qbench.results.selection import display_order, select_rows
from qbench.results.stats import paired, verdict

VIEWS = ("geometry", "kernels", "ablation")
PAIR = ("backend", "mode", "shots", "seed")
CLASSICAL_KERNELS = ("svc_rbf", "svc_linear", "svc_poly")
#: g below this fraction of sqrt(N) reads as "a classical kernel can match it" (Huang et al. compare g with sqrt(N)).
SMALL_G = 0.5
NA = "n/a"


def _text(v) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "null"
    return json.dumps(v.item() if hasattr(v, "item") else v, sort_keys=True, default=str)


def _key(row, cols) -> str:
    return "|".join(_text(None if row[c] is pd.NA else row[c]) for c in cols)


def _art(row) -> dict:
    a = row["artifacts"]
    return a if isinstance(a, dict) else {}


def _data_label(row) -> str:
    size = ",".join(f"{k}={row[c]}" for k, c in (("n", "n_samples"), ("d", "n_features")) if not pd.isna(row[c]))
    return f"{row['dataset']}[{size}]" if size else str(row["dataset"])


def bandwidth(row) -> str:
    """The kernel's bandwidth: gamma of a projected kernel, a feature map's ``bandwidth`` parameter, else '-'."""
    params = dict(row["model_params"] or {})
    params.update(row["best_params"] or {})
    if params.get("kernel") == "projected":
        return f"gamma={params.get('gamma', 1.0):g}"
    fm = params.get("feature_map_params") or {}
    return f"{fm['bandwidth']:g}" if isinstance(fm, dict) and "bandwidth" in fm else "-"


def reading(g: float, n_train: int) -> str:
    """The one-line reading of a geometric difference."""
    if g is None or math.isnan(g):
        return NA
    if g < SMALL_G * math.sqrt(n_train):
        return "small g: a classical kernel can match this quantum kernel on this data"
    return "large g: an advantage is possible, not certain (compare s_Q with s_C and the test accuracy)"


def _select(df: pd.DataFrame, history: bool) -> pd.DataFrame:
    """The rows a diagnostics table reads: :func:`qbench.results.selection.select_rows`, finished ones only."""
    rows = select_rows(df, history=history)
    return rows[rows["status"] == "done"]


def _group_key(r) -> str:
    return f"{r.get('suite', '')}#{r['config_id']}"


def geometry(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """One row per suite and quantum kernel configuration (``config_id``): g and s over its seeds (means)."""
    cols = ["dataset", "model", "backend", "mode", "qubits", "bandwidth", "seeds", "classical_kernel", "g",
            "g_over_sqrt_n", "s_quantum", "s_classical", "classical_training_error", "reading"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    done = _select(df, history)
    kernel_base = done[(done["task"] == "baseline") & done["baseline"].isin(CLASSICAL_KERNELS)]
    if kernel_base.empty:
        raise QBenchError("no classical kernel baseline (" + ", ".join(CLASSICAL_KERNELS) + ") among these results: "
                          "the geometric difference compares a quantum kernel with one; add one to the suite")
    best: dict[str, tuple] = {}  # (suite, data, seed) -> (cv score, model, panel key)
    for r in kernel_base.to_dict("records"):
        k = f"{r.get('suite', '')}#{r['data_id']}#{_text(r['seed'])}"
        score = -math.inf if pd.isna(r["cv_score"]) else float(r["cv_score"])
        if k not in best or score > best[k][0]:
            best[k] = (score, r["model"], _art(r).get("classical_kernel"))
    groups: dict[str, dict] = {}
    for r in done[done["task"] == "kernel"].to_dict("records"):
        g = groups.setdefault(_group_key(r), {"row": r, "g": [], "sq": [], "sc": [], "err": [], "classical": set(),
                                              "n": [], "why": set(), "seeds": 0})
        g["seeds"] += 1
        art = _art(r)
        g["sq"].append((art.get("kernel_diagnostics") or {}).get("model_complexity", math.nan))
        b = best.get(f"{r.get('suite', '')}#{r['data_id']}#{_text(r['seed'])}")
        panel = (art.get("geometric_difference") or {}).get("classical") or {}
        if b is None:
            g["why"].add("no classical kernel baseline on these splits")
            continue
        entry = panel.get(b[2]) if b[2] else None
        if entry is None:
            g["why"].add(f"{b[1]}'s chosen kernel is outside the stored panel" if panel else "no diagnostics stored")
            continue
        g["classical"].add(f"{b[1]} ({b[2]})")
        g["g"].append(entry["g"])
        g["sc"].append(entry.get("model_complexity", math.nan))
        g["err"].append(entry.get("training_error", math.nan))
        g["n"].append(int(r["n_train"]))
    out = []
    for g in groups.values():
        r = g["row"]
        mean = lambda v: float(np.nanmean(v)) if len(v) and not np.all(np.isnan(v)) else math.nan  # noqa: E731
        gm = mean(g["g"])
        n = int(np.mean(g["n"])) if g["n"] else 0
        out.append({
            "dataset": _data_label(r), "model": r["model"], "backend": r["backend"], "mode": r["mode"],
            "qubits": r["n_qubits"], "bandwidth": bandwidth(r), "seeds": g["seeds"],
            "classical_kernel": ", ".join(sorted(g["classical"])) or NA, "g": gm,
            "g_over_sqrt_n": gm / math.sqrt(n) if n else math.nan, "s_quantum": mean(g["sq"]),
            "s_classical": mean(g["sc"]), "classical_training_error": mean(g["err"]),
            "reading": reading(gm, n) if n else f"{NA}: " + "; ".join(sorted(g["why"])),
            "kind": r["kind"], "shots": r.get("shots"), "suite": r.get("suite"),
        })
    return _ordered(pd.DataFrame(out), cols)


def _ordered(table: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Rows in the one display order (:func:`qbench.results.selection.display_order`), then ``cols`` (led by
    ``suite`` when the rows come from several suites)."""
    if table.empty:
        return pd.DataFrame(columns=cols)
    if "suite" in table and table["suite"].astype(str).nunique() > 1:
        cols = ["suite"] + cols
    return display_order(table)[cols].reset_index(drop=True)


def kernels(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """Alignment, effective dimension, concentration of every Gram matrix, against qubits and bandwidth (means over seeds)."""
    cols = ["dataset", "model", "kind", "backend", "mode", "qubits", "bandwidth", "seeds", "alignment",
            "effective_dimension", "offdiag_variance", "top_eigenvalue", "test_accuracy"]
    groups: dict[str, list] = {}
    for r in (_select(df, history).to_dict("records") if not df.empty else []):
        diag = _art(r).get("kernel_diagnostics")
        if diag:
            groups.setdefault(_group_key(r), []).append((r, diag))
    out = []
    for rows in groups.values():
        r = rows[0][0]
        m = lambda k: float(np.nanmean([d.get(k, math.nan) for _, d in rows]))  # noqa: E731
        var = [_art(x).get("kernel_offdiag_variance", math.nan) for x, _ in rows]
        out.append({"dataset": _data_label(r), "model": r["model"], "kind": r["kind"], "backend": r["backend"],
                    "mode": r["mode"], "qubits": r["n_qubits"] if r["task"] != "baseline" else r["n_features"],
                    "bandwidth": bandwidth(r), "seeds": len(rows), "alignment": m("alignment"),
                    "effective_dimension": m("effective_dimension"),
                    "offdiag_variance": float(np.nanmean(var)) if not np.all(np.isnan(var)) else math.nan,
                    "top_eigenvalue": float(np.nanmean([(d.get("spectrum") or [math.nan])[0] for _, d in rows])),
                    "test_accuracy": float(np.mean([float(x["test_accuracy"]) for x, _ in rows])),
                    "shots": r.get("shots"), "suite": r.get("suite")})
    return _ordered(pd.DataFrame(out), cols)


def _without_flag(value):
    """``value`` with every ``entangling`` entry of nested tables removed, and whether one was false."""
    if isinstance(value, dict):
        sep = False
        clean = {}
        for k, v in value.items():
            if k == "entangling":
                sep = sep or v is False
                continue
            c, s = _without_flag(v)
            sep = sep or s
            if c not in ({}, None):  # feature_map_params = { entangling = false } is no parameters once cleaned
                clean[k] = c
        return clean, sep
    if isinstance(value, list):
        parts = [_without_flag(v) for v in value]
        return [p[0] for p in parts], any(p[1] for p in parts)
    return value, False


def ablations(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """Entangled minus separable test accuracy, paired by suite, data-set configuration, backend, mode and seed.

    The test and the seed minimum are :func:`qbench.results.stats.paired`'s; p is not adjusted (each row is its
    own question, not part of the comparison's Holm family).
    """
    cols = ["dataset", "entangled", "separable", "backend", "mode", "seeds", "entangled_accuracy",
            "separable_accuracy", "diff", "p_value", "verdict"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    done = _select(df, history)
    done = done[done["task"] != "baseline"]
    # configurations that differ only in the entangling flag: clean identity -> {separable?: {config_id: rows}}
    configs: dict[str, dict[bool, dict[str, list]]] = {}
    for r in done.to_dict("records"):
        clean, sep = _without_flag({"kind": r["kind"], "params": r["model_params"], "grid": r["grid"]})
        side = configs.setdefault(_text(clean), {True: {}, False: {}})[sep]
        side.setdefault(r["config_id"], []).append(r)
    out = []
    for sides in configs.values():
        for ent_rows in sides[False].values():
            for sep_rows in sides[True].values():
                pair_key = lambda r: (r.get("suite"), r["data_id"], _key(r, PAIR))  # noqa: E731
                a = {pair_key(r): r for r in ent_rows}
                b = {pair_key(r): r for r in sep_rows}
                by_data: dict[tuple, list] = {}
                for k in sorted(set(a) & set(b), key=str):
                    by_data.setdefault(k[:2] + (_key(a[k], PAIR[:-1]),), []).append((a[k], b[k]))
                for pairs in by_data.values():
                    r = pairs[0][0]
                    x = np.array([float(p[0]["test_accuracy"]) for p in pairs])
                    y = np.array([float(p[1]["test_accuracy"]) for p in pairs])
                    test = paired(x, y)
                    out.append({"suite": r.get("suite"), "kind": r["kind"], "model": r["model"], "shots": r.get("shots"),
                                "dataset": _data_label(r), "entangled": r["model"], "separable": pairs[0][1]["model"],
                                "backend": r["backend"], "mode": r["mode"], "seeds": test.n,
                                "entangled_accuracy": float(x.mean()), "separable_accuracy": float(y.mean()),
                                "diff": test.diff, "p_value": test.p, "verdict": _verdict(test.diff, test.p, test.n)})
    return _ordered(pd.DataFrame(out), cols)


def _verdict(diff: float, p: float, n: int) -> str:
    v = verdict(diff, p, n)
    return {"better": "entanglement helps", "worse": "entanglement hurts"}.get(v, v)


def view(df: pd.DataFrame, name: str, history: bool = False) -> pd.DataFrame:
    """The named diagnostics table (rows of superseded definitions only with ``history``)."""
    if name not in VIEWS:
        raise QBenchError(f"unknown diagnostics view {name!r}; expected one of {', '.join(VIEWS)}")
    return {"geometry": geometry, "kernels": kernels, "ablation": ablations}[name](df, history=history)
