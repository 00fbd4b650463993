"""Results as tables: every stored job (:func:`load`) and the comparison with classical baselines (:func:`compare`).

The comparison groups jobs by their configuration identity (``config_id``: everything that
determines a result but the seed, whichever suite reached it) and summarises each group
over its seeds: the mean test accuracy with a 95% t-interval; the paired difference from
the best classical baseline on the same splits (the same data-set configuration and seed),
that baseline chosen by its cross-validation score on the training splits (never by test
accuracy); a two-sided paired t-test, its p-value Holm-adjusted over the rows of the table,
read as better / worse / indistinguishable at the 5% level; effect sizes with intervals;
the mean quantum / classical / harness seconds (``quantum_time``... the speed rankings use the quantum
time, which on small problems is a small part of the fit time) with ``quantum_vs_numpy``, the ratio to
the same configuration on the ``numpy`` reference backend; and the mean fit time with its ratios.
Rows of superseded suite definitions are left out unless ``history=True``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from qbench.errors import QBenchError
from qbench.results.store import COLUMNS, JSON_COLUMNS, Store, default_db
from qbench.results.stats import effect_size, holm, mean_interval, paired_test, verdict
from qbench.suite.jobs import config_id, config_identity, job_key

__all__ = ["load", "compare", "identities", "export", "format_table", "flat", "paired_test", "verdict", "holm", "ALPHA"]

ALPHA = 0.05
REFERENCE_BACKEND = "numpy"
DATA_KEY = ("dataset", "n_samples", "n_features", "test_size", "dataset_params", "preprocess")
#: Stored columns that make up a configuration, for rows without a stored ``config`` (frames built by hand).
CONFIG_COLUMNS = DATA_KEY + ("model", "kind", "baseline", "model_params", "grid", "cv", "backend", "mode", "shots")
FORMATS = ("table", "csv", "json", "parquet")
INT_COLUMNS = ("n_samples", "n_features", "shots", "seed", "n_qubits", "cv", "n_train", "n_test",
               "circuit_executions", "shots_used", "peak_memory")


def load(db: str | Path | None = None, suite: str | None = None, keys=None) -> pd.DataFrame:
    """One row per stored job (JSON columns decoded to dicts); ``suite`` limits it to one suite.

    ``superseded`` is True for rows whose configuration is not in the latest definition their
    suite was run with (suites never run by this qbench keep every row current).
    """
    db = Path(db) if db is not None else default_db()
    with Store(db, create=False) as store:
        rows = store.rows(suite, keys)
        if suite is not None and not rows and keys is None:
            names = ", ".join(store.suites()) or "(none)"
            raise QBenchError(f"no results for suite {suite!r} in {db}; suites there: {names}")
        current = store.current_configs()
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in INT_COLUMNS:
        df[c] = df[c].astype("Int64")
    df["config_id"] = df["config_id"].astype(object)
    missing = df["config_id"].isna() & df["config"].map(lambda v: isinstance(v, dict))
    if missing.any():  # rows of a v1 store read without migrating it (a read-only file)
        df.loc[missing, "config_id"] = df.loc[missing, "config"].map(config_id)
    df["superseded"] = [s in current and c not in current[s] for s, c in zip(df["suite"], df["config_id"])]
    return df


def _plain(v):
    if isinstance(v, (dict, list)):
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def identities(r: dict) -> tuple[str, str, str]:
    """(configuration, data-set configuration, same configuration on the numpy reference backend) ids of a row."""
    config = r.get("config")
    if isinstance(config, dict):
        ident = config_identity(config)
        data = ident.get("dataset")
        stored = r.get("config_id")
        cid = stored if isinstance(stored, str) else job_key(ident)
    else:
        ident = {c: _plain(r.get(c)) for c in CONFIG_COLUMNS}
        data = {c: ident[c] for c in DATA_KEY}
        cid = job_key(ident)
    ref = {**ident, "backend": REFERENCE_BACKEND}
    if "backend_options" in ref:
        ref["backend_options"] = {}
    ref = job_key(ref)
    return cid, job_key(data), ref


def _dedupe(rows: list[dict]) -> list[dict]:
    """One row per seed: a configuration reached from two suites (or stored twice) counts once; done rows first."""
    best: dict = {}
    for r in rows:
        rank = (r["status"] == "done", str(r.get("finished_at") or ""))
        seed = r["seed"]
        if seed not in best or rank > best[seed][0]:
            best[seed] = (rank, r)
    return [r for _, r in best.values()]


def _mean(rows: list[dict], column: str) -> float:
    values = [r[column] for r in rows if r.get(column) is not None and not pd.isna(r[column])]
    return float(np.mean(values)) if values else math.nan


COMPARE_COLUMNS = [
    "dataset", "n_samples", "n_features", "model", "kind", "backend", "mode", "shots", "config_id", "superseded",
    "seeds", "accuracy", "ci95", "baseline", "baseline_cv_score", "baseline_accuracy", "diff", "diff_ci95",
    "effect_size", "effect_size_low", "effect_size_high", "p_value", "p_adjusted", "verdict",
    "quantum_time", "classical_time", "overhead_time", "quantum_vs_numpy",
    "fit_time", "fit_vs_baseline", "fit_vs_numpy", "failed", "skipped", "note"]
#: Where a job's seconds went: inside the backend, in classical code (SVM, optimiser, search), in the harness.
TIME_COLUMNS = ("quantum_time", "classical_time", "overhead_time")


def compare(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """The comparison table: one row per configuration (``config_id``), over its seeds.

    ``history=True`` adds the groups of superseded suite definitions (``superseded`` True).
    One pass over plain records, so the cost stays linear in the number of jobs.
    """
    if df.empty:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    recs = df.to_dict("records")
    groups: dict[str, list[dict]] = {}
    for r in recs:
        flag = r.get("superseded")
        r["_superseded"] = isinstance(flag, (bool, np.bool_)) and bool(flag)
        if r["_superseded"] and not history:
            continue
        r["_config"], r["_data"], r["_ref"] = identities(r)
        groups.setdefault(r["_config"], []).append(r)
    groups = {cid: _dedupe(rows) for cid, rows in groups.items()}
    superseded = {cid: all(r["_superseded"] for r in rows) for cid, rows in groups.items()}
    done = {cid: sorted((r for r in rows if r["status"] == "done"), key=lambda r: r["seed"])
            for cid, rows in groups.items()}

    # the best baseline per data-set configuration: highest mean CV score on the training splits
    candidates: dict[str, list[str]] = {}
    for cid, rows in groups.items():
        if rows[0]["kind"] == "baseline" and done[cid]:
            candidates.setdefault(rows[0]["_data"], []).append(cid)
    best: dict[str, str | None] = {}
    for data, cids in candidates.items():
        live = [c for c in cids if not superseded[c]] or cids
        scored = [(c, _mean(done[c], "cv_score")) for c in live]
        scored = [(c, s) for c, s in scored if not math.isnan(s)]
        best[data] = max(scored, key=lambda cs: cs[1])[0] if scored else None  # max keeps the first of equals
    ref_fit = {cid: _mean(rows, "fit_time") for cid, rows in done.items()
               if rows and rows[0]["backend"] == REFERENCE_BACKEND}
    ref_quantum = {cid: _mean(rows, "quantum_time") for cid, rows in done.items()
                   if rows and rows[0]["backend"] == REFERENCE_BACKEND}

    out = []
    for cid, rows in groups.items():
        first, ok = rows[0], done[cid]
        acc = np.array([r["test_accuracy"] for r in ok], float)
        mean, half = mean_interval(acc)
        fit = _mean(ok, "fit_time")
        row = {c: _plain(first.get(c)) for c in ("dataset", "n_samples", "n_features", "model", "kind", "backend",
                                                  "mode", "shots")}
        row.update(config_id=cid, superseded=superseded[cid], seeds=len(ok), accuracy=mean, ci95=half, fit_time=fit,
                   failed=sum(r["status"] == "failed" for r in rows), skipped=sum(r["status"] == "skipped" for r in rows),
                   baseline=None, baseline_cv_score=math.nan, baseline_accuracy=math.nan, diff=math.nan,
                   diff_ci95=math.nan, effect_size=math.nan, effect_size_low=math.nan, effect_size_high=math.nan,
                   p_value=math.nan, p_adjusted=math.nan, verdict="", fit_vs_baseline=math.nan,
                   fit_vs_numpy=math.nan, quantum_vs_numpy=math.nan, note="",
                   **{c: _mean(ok, c) for c in TIME_COLUMNS})
        bad = [r for r in rows if r["status"] != "done"]
        if bad:
            row["note"] = f"{bad[0]['error_type']}: {bad[0]['error_message']}"
        quantum = first["kind"] != "baseline"
        data = first["_data"]
        if quantum and ok and data in best and best[data] is None and not row["note"]:
            row["note"] = "no baseline with a cross-validation score to compare with"
        if quantum and ok and best.get(data):
            base = done[best[data]]
            by_seed = {b["seed"]: b["test_accuracy"] for b in base}
            pairs = [(r["test_accuracy"], by_seed[r["seed"]]) for r in ok if r["seed"] in by_seed]
            a = np.array([p[0] for p in pairs], float)
            b = np.array([p[1] for p in pairs], float)
            diff, p = paired_test(a, b)
            d_half = mean_interval(a - b)[1]
            es, lo, hi = effect_size(a - b)
            row.update(baseline=base[0]["model"], baseline_cv_score=_mean(base, "cv_score"),
                       baseline_accuracy=_mean(base, "test_accuracy"), diff=diff, diff_ci95=d_half,
                       effect_size=es, effect_size_low=lo, effect_size_high=hi, p_value=p,
                       fit_vs_baseline=fit / _mean(base, "fit_time"), _pairs=len(pairs))
        if quantum and ok and first["_ref"] in ref_fit:
            row["fit_vs_numpy"] = fit / ref_fit[first["_ref"]]
            ref_q = ref_quantum[first["_ref"]]
            if ref_q > 0 and not math.isnan(row["quantum_time"]):
                row["quantum_vs_numpy"] = row["quantum_time"] / ref_q
        out.append(row)
    # one family per table: the current rows, and (with history) the superseded rows on their own
    for flag in (False, True):
        family = [r for r in out if r["superseded"] == flag and not math.isnan(r["p_value"])]
        for r, adj in zip(family, holm([r["p_value"] for r in family])):
            r["p_adjusted"] = adj
    for r in out:
        if "_pairs" in r:
            r["verdict"] = verdict(r["diff"], r["p_adjusted"], r.pop("_pairs"), ALPHA)
    table = pd.DataFrame(out, columns=COMPARE_COLUMNS)
    for c in ("shots", "n_samples", "n_features"):
        table[c] = table[c].astype("Int64")
    return table


def _fmt(value, spec: str, empty: str = "-") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return empty
    return format(value, spec)


def format_table(table: pd.DataFrame) -> str:
    """The comparison as aligned text for a terminal."""
    if table.empty:
        return "(no results)"
    rows = []
    for r in table.itertuples(index=False):
        size = ",".join(f"{k}={v}" for k, v in (("n", r.n_samples), ("d", r.n_features)) if not pd.isna(v))
        mode = r.mode + (f"@{r.shots}" if not pd.isna(r.shots) else "")
        acc = "-" if r.seeds == 0 else _fmt(r.accuracy, ".3f")
        if r.seeds and not math.isnan(r.ci95):
            acc += f" ± {r.ci95:.3f}"
        vs = ""
        if r.kind != "baseline" and not pd.isna(r.baseline) and r.seeds:
            p = f", p={r.p_value:.2g}, Holm {r.p_adjusted:.2g}" if not math.isnan(r.p_value) else ""
            ci = f" ± {r.diff_ci95:.3f}" if not math.isnan(r.diff_ci95) else ""
            vs = f"{r.diff:+.3f}{ci} vs {r.baseline} ({r.verdict}{p})"
        classical = r.kind == "baseline"
        rows.append({
            "data set": r.dataset + (f"[{size}]" if size else ""),
            "model": r.model + (f" [{r.config_id[:8]}, superseded]" if r.superseded else ""),
            "backend": "(classical)" if classical else r.backend, "mode": "" if classical else mode,
            "seeds": r.seeds, "accuracy (95% CI)": acc, "vs best baseline": vs,
            "fit s": _fmt(r.fit_time, ".3g"), "x baseline": _fmt(r.fit_vs_baseline, ".3g", ""),
            "x numpy": _fmt(r.fit_vs_numpy, ".3g", ""),
            "failed/skipped": f"{r.failed}/{r.skipped}" if (r.failed or r.skipped) else "",
            "note": (r.note[:70] + "...") if len(r.note) > 73 else r.note,
        })
    return pd.DataFrame(rows).to_string(index=False)


def export(table: pd.DataFrame, fmt: str) -> str | bytes:
    """The comparison in one of :data:`FORMATS` (parquet as bytes)."""
    if fmt == "table":
        return format_table(table)
    if fmt == "csv":
        return table.to_csv(index=False)
    if fmt == "json":
        return table.to_json(orient="records", indent=2)
    if fmt == "parquet":
        import io

        buf = io.BytesIO()
        try:
            table.to_parquet(buf, index=False)
        except ImportError:
            raise QBenchError('parquet output needs pyarrow: pip install -e ".[parquet]" (or ".[all]")') from None
        return buf.getvalue()
    raise QBenchError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """Jobs with JSON columns as text (for CSV/Parquet export of raw rows)."""
    df = df.copy()
    for c in JSON_COLUMNS:
        df[c] = df[c].map(lambda v: None if v is None else json.dumps(v, sort_keys=True, default=str))
    return df
