"""Results as tables: every stored job (:func:`load`) and the comparison with classical baselines (:func:`compare`).

The comparison reads its rows through :func:`qbench.results.selection.select_rows` (current definitions by
configuration identity, one row per suite, configuration and seed) and its numbers from
:mod:`qbench.results.stats`, like every other reader.  Per suite and configuration, over the seeds: the mean
test accuracy with a 95% t-interval; the paired difference from the best classical baseline on the same splits
(the same data-set configuration and seed), that baseline chosen by its cross-validation score on the training
splits (never by test accuracy); a two-sided paired test (t, or the sign test for identical differences) with
at least ``MIN_SEEDS`` pairs, Holm-adjusted within its suite, read as better / worse / indistinguishable at the
5% level, and the interval at the level Holm used (``diff_ci_adjusted``, confidence ``ci_level``); effect sizes
with intervals (``effect_size_interval``: exact or approximate); the mean quantum / classical / harness seconds
with ``quantum_vs_numpy``, the geometric mean over seeds of the quantum time over the same configuration's on
the ``numpy`` reference backend and seed; and the mean fit time with its seed-paired ratios.
Rows of superseded suite definitions are left out unless ``history=True``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from qbench.errors import QBenchError
from qbench.results.selection import REFERENCE_BACKEND, _plain, display_order, identities, select_rows
from qbench.results.stats import (ALPHA, MIN_SEEDS, geometric_ratio, holm, holm_family, mean_interval, paired,
                                  paired_test, verdict)
from qbench.results.store import COLUMNS, JSON_COLUMNS, Store, default_db
from qbench.suite.jobs import config_id

__all__ = ["load", "compare", "identities", "export", "flat", "paired_test", "verdict", "holm", "ALPHA",
           "MIN_SEEDS"]

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


def _mean(rows: list[dict], column: str) -> float:
    values = [r[column] for r in rows if r.get(column) is not None and not pd.isna(r[column])]
    return float(np.mean(values)) if values else math.nan


def _by_seed(rows: list[dict], column: str) -> dict:
    return {r["seed"]: r.get(column) for r in rows}


def _ratio(rows: list[dict], refs: list[dict], column: str) -> float:
    """The seed-paired geometric-mean ratio of ``column`` (:func:`qbench.results.stats.geometric_ratio`)."""
    ref = _by_seed(refs, column)
    pairs = [(r.get(column), ref[r["seed"]]) for r in rows if r["seed"] in ref]
    num = lambda v: math.nan if v is None or pd.isna(v) else float(v)  # noqa: E731
    return geometric_ratio([num(a) for a, _ in pairs], [num(b) for _, b in pairs])


COMPARE_COLUMNS = [
    "suite", "dataset", "n_samples", "n_features", "model", "kind", "backend", "mode", "shots", "config_id",
    "superseded", "seeds", "accuracy", "ci95", "baseline", "baseline_cv_score", "baseline_accuracy", "pairs", "diff",
    "diff_ci95", "test", "p_value", "p_adjusted", "family_size", "ci_level", "diff_ci_adjusted", "verdict",
    "effect_size", "effect_size_low", "effect_size_high", "effect_size_interval",
    "quantum_time", "classical_time", "overhead_time", "quantum_vs_numpy",
    "fit_time", "fit_vs_baseline", "fit_vs_numpy", "failed", "skipped", "note"]
#: Where a job's seconds went: inside the backend, in classical code (SVM, optimiser, search), in the harness.
TIME_COLUMNS = ("quantum_time", "classical_time", "overhead_time")


def compare(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """The comparison table: one row per suite and configuration (``config_id``), over its seeds.

    Rows come from :func:`qbench.results.selection.select_rows`; the Holm family is each suite's current rows
    (``history=True`` adds the groups of superseded definitions, ``superseded`` True, as a family of their own).
    One pass over plain records, so the cost stays linear in the number of jobs.
    """
    if df.empty:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    selected = select_rows(df, history=history)
    if selected.empty:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    recs = selected.to_dict("records")
    groups: dict[tuple, list[dict]] = {}
    for r in recs:
        r["_suite"] = str(r.get("suite") or "")
        groups.setdefault((r["_suite"], r["config_id"]), []).append(r)
    superseded = {key: all(r["superseded"] for r in rows) for key, rows in groups.items()}
    done = {key: sorted((r for r in rows if r["status"] == "done"), key=lambda r: r["seed"])
            for key, rows in groups.items()}

    # the best baseline per suite and data-set configuration: highest mean CV score on the training splits
    candidates: dict[tuple, list[tuple]] = {}
    for key, rows in groups.items():
        if rows[0]["task"] == "baseline" and done[key]:
            candidates.setdefault((key[0], rows[0]["data_id"]), []).append(key)
    best: dict[tuple, tuple | None] = {}
    for data, keys in candidates.items():
        live = [k for k in keys if not superseded[k]] or keys
        scored = [(k, _mean(done[k], "cv_score")) for k in live]
        scored = [(k, s) for k, s in scored if not math.isnan(s)]
        best[data] = max(scored, key=lambda ks: ks[1])[0] if scored else None  # max keeps the first of equals
        if best[data] is None and len(live) == 1:
            best[data] = live[0]  # one baseline: nothing to choose between, so no CV score is needed
    refs = {(key[0], rows[0]["ref_id"]): rows for key, rows in done.items()
            if rows and rows[0]["backend"] == REFERENCE_BACKEND}

    out = []
    for key, rows in groups.items():
        first, ok = rows[0], done[key]
        acc = np.array([r["test_accuracy"] for r in ok], float)
        mean, half = mean_interval(acc)
        if len(acc) < MIN_SEEDS:  # a t-interval on 2 seeds has 1 degree of freedom and runs past [0, 1]
            half = math.nan
        fit = _mean(ok, "fit_time")
        row = {c: _plain(first.get(c)) for c in ("dataset", "n_samples", "n_features", "model", "kind", "backend",
                                                  "mode", "shots")}
        row.update(suite=key[0], config_id=key[1], superseded=superseded[key], seeds=len(ok), accuracy=mean,
                   ci95=half, fit_time=fit, failed=sum(r["status"] == "failed" for r in rows),
                   skipped=sum(r["status"] == "skipped" for r in rows), baseline=None, baseline_cv_score=math.nan,
                   baseline_accuracy=math.nan, pairs=0, diff=math.nan, diff_ci95=math.nan, test="",
                   effect_size=math.nan, effect_size_low=math.nan, effect_size_high=math.nan,
                   effect_size_interval="", p_value=math.nan, p_adjusted=math.nan, family_size=0,
                   ci_level=math.nan, diff_ci_adjusted=math.nan, verdict="", fit_vs_baseline=math.nan,
                   fit_vs_numpy=math.nan, quantum_vs_numpy=math.nan, note="", _task=first["task"],
                   **{c: _mean(ok, c) for c in TIME_COLUMNS})
        bad = [r for r in rows if r["status"] != "done"]
        if bad:
            row["note"] = f"{bad[0]['error_type']}: {bad[0]['error_message']}"
        quantum = first["task"] != "baseline"
        data = (key[0], first["data_id"])
        if quantum and ok and data in best and best[data] is None and not row["note"]:
            row["note"] = "no baseline with a cross-validation score to compare with"
        if quantum and ok and best.get(data):
            base = done[best[data]]
            by_seed = _by_seed(base, "test_accuracy")
            pairs = [(r["test_accuracy"], by_seed[r["seed"]]) for r in ok if r["seed"] in by_seed]
            test = paired(np.array([p[0] for p in pairs], float), np.array([p[1] for p in pairs], float))
            row.update(baseline=base[0]["model"], baseline_cv_score=_mean(base, "cv_score"),
                       baseline_accuracy=_mean(base, "test_accuracy"), pairs=test.n, diff=test.diff,
                       diff_ci95=test.half, test=test.test, effect_size=test.effect_size,
                       effect_size_low=test.effect_low, effect_size_high=test.effect_high,
                       effect_size_interval=test.effect_interval, p_value=test.p,
                       fit_vs_baseline=_ratio(ok, base, "fit_time"), _paired=True)
        ref = refs.get((key[0], first["ref_id"]))
        if quantum and ok and ref:
            row["fit_vs_numpy"] = _ratio(ok, ref, "fit_time")
            row["quantum_vs_numpy"] = _ratio(ok, ref, "quantum_time")
        out.append(row)
    # one Holm family per suite: its current rows, and (with history) its superseded rows on their own
    families: dict[tuple, list[dict]] = {}
    for r in out:
        if r.get("_paired"):
            families.setdefault((r["suite"], r["superseded"]), []).append(r)
    for family in families.values():
        adjusted, levels = holm_family([r["p_value"] for r in family], [r["pairs"] for r in family], ALPHA)
        size = sum(not math.isnan(a) for a in adjusted)
        for r, adj, level in zip(family, adjusted, levels):
            r.update(p_adjusted=adj, ci_level=level, family_size=size if not math.isnan(adj) else 0)
            if r["test"] == "t" and not math.isnan(level):
                d = [a - b for a, b in _pairs_of(groups, done, best, r)]
                r["diff_ci_adjusted"] = mean_interval(np.array(d, float), level)[1]
            elif r["test"] == "sign":
                r["diff_ci_adjusted"] = math.nan  # identical differences: no t-interval; the sign test decides
            r["verdict"] = verdict(r["diff"], adj, r["pairs"], ALPHA)
    table = pd.DataFrame(out, columns=COMPARE_COLUMNS)
    for c in ("shots", "n_samples", "n_features"):
        table[c] = table[c].astype("Int64")
    return display_order(table).reset_index(drop=True)


def _pairs_of(groups, done, best, r: dict) -> list[tuple[float, float]]:
    """The (quantum, classical) accuracy pairs of a comparison row, by seed."""
    key = (r["suite"], r["config_id"])
    first = groups[key][0]
    base = done[best[(key[0], first["data_id"])]]
    by_seed = _by_seed(base, "test_accuracy")
    return [(q["test_accuracy"], by_seed[q["seed"]]) for q in done[key] if q["seed"] in by_seed]


def export(table: pd.DataFrame, fmt: str) -> str | bytes:
    """The comparison in one of :data:`FORMATS` (parquet as bytes)."""
    if fmt == "table":
        from qbench.results.display import text_table

        return text_table(table)
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
