"""Results as tables: every stored job (:func:`load`) and the comparison with classical baselines (:func:`compare`).

The comparison groups jobs by data-set configuration x model x backend x mode (x shots)
and summarises them over seeds: the mean test accuracy with a 95% t-interval; the
difference from the best classical baseline on the same splits (the same data set,
size, test size and seed) with a paired t-test over the seeds both have, read as
better / worse / indistinguishable at the 5% level; and the mean fit time (hyperparameter
search included) with its ratio to that baseline and to the ``numpy`` reference backend.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from qbench.errors import QBenchError
from qbench.results.store import COLUMNS, JSON_COLUMNS, Store, default_db

ALPHA = 0.05
REFERENCE_BACKEND = "numpy"
DATA_KEY = ("dataset", "n_samples", "n_features", "test_size", "dataset_params", "preprocess")
GROUP = ("model", "kind", "backend", "mode", "shots")
FORMATS = ("table", "csv", "json", "parquet")


def load(db: str | Path | None = None, suite: str | None = None, keys=None) -> pd.DataFrame:
    """One row per stored job (JSON columns decoded to dicts); ``suite`` limits it to one suite."""
    db = Path(db) if db is not None else default_db()
    with Store(db, create=False) as store:
        rows = store.rows(suite, keys)
        if suite is not None and not rows and keys is None:
            names = ", ".join(store.suites()) or "(none)"
            raise QBenchError(f"no results for suite {suite!r} in {db}; suites there: {names}")
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in ("n_samples", "n_features", "shots", "seed", "n_qubits", "cv", "n_train", "n_test",
              "circuit_executions", "shots_used", "peak_memory"):
        df[c] = df[c].astype("Int64")
    return df


def _interval(values: np.ndarray) -> tuple[float, float]:
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    if n < 2:
        return mean, math.nan
    from scipy import stats

    half = float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean, half


def paired_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of ``a - b`` and the two-sided paired t-test p-value (0 or 1 when the differences do not vary)."""
    d = np.asarray(a, float) - np.asarray(b, float)
    if len(d) < 2:
        return (float(d.mean()) if len(d) else math.nan), math.nan
    if np.allclose(d, d[0]):
        return float(d.mean()), (1.0 if abs(d[0]) < 1e-12 else 0.0)
    from scipy import stats

    return float(d.mean()), float(stats.ttest_rel(a, b).pvalue)


def verdict(diff: float, p: float, n: int) -> str:
    if n < 2 or math.isnan(p):
        return "too few seeds"
    if p < ALPHA:
        return "better" if diff > 0 else "worse"
    return "indistinguishable"


def _plain(v):
    if isinstance(v, (dict, list)):
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _key(df: pd.DataFrame, cols) -> pd.Series:
    """One hashable text key per row from the given columns (dict columns included)."""
    values = df[list(cols)].to_dict("records")
    return pd.Series([json.dumps([_plain(r[c]) for c in cols], sort_keys=True, default=str) for r in values],
                     index=df.index)


def compare(df: pd.DataFrame) -> pd.DataFrame:
    """The comparison table: one row per data-set configuration x model x backend x mode x shots.

    One pass over plain records, so the cost stays linear in the number of jobs.
    """
    columns = ["dataset", "n_samples", "n_features", "model", "kind", "backend", "mode", "shots", "seeds",
               "accuracy", "ci95", "baseline", "baseline_accuracy", "diff", "p_value", "verdict",
               "fit_time", "fit_vs_baseline", "fit_vs_numpy", "failed", "skipped", "note"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    keep = ["dataset", "n_samples", "n_features", "model", "kind", "backend", "mode", "shots", "status", "seed",
            "test_accuracy", "fit_time", "error_type", "error_message"]
    recs = df[keep].assign(_data=_key(df, DATA_KEY), _group=_key(df, GROUP),
                           _ref=_key(df, ("model", "mode", "shots"))).to_dict("records")
    groups: dict[tuple, list[dict]] = {}
    for r in recs:
        groups.setdefault((r["_data"], r["_group"]), []).append(r)
    # best baseline per data configuration (first model with the highest mean accuracy, in order of appearance)
    base_acc: dict[str, dict[str, list]] = {}
    for r in recs:
        if r["status"] == "done" and r["kind"] == "baseline":
            base_acc.setdefault(r["_data"], {}).setdefault(r["model"], []).append(r)
    best = {}
    for data, models in base_acc.items():
        means = {m: np.mean([x["test_accuracy"] for x in rows]) for m, rows in models.items()}
        name = max(means, key=lambda m: (means[m], -list(means).index(m)))
        best[data] = (name, models[name])
    ref_fit: dict[tuple, list] = {}
    for r in recs:
        if r["status"] == "done" and r["backend"] == REFERENCE_BACKEND:
            ref_fit.setdefault((r["_data"], r["_ref"]), []).append(r["fit_time"])
    out = []
    for (data, _), rows in groups.items():
        first = rows[0]
        ok = sorted((r for r in rows if r["status"] == "done"), key=lambda r: r["seed"])
        acc = np.array([r["test_accuracy"] for r in ok], float)
        mean, half = _interval(acc)
        fit = float(np.mean([r["fit_time"] for r in ok])) if ok else math.nan
        row = {c: first[c] for c in ("dataset", "n_samples", "n_features", "model", "kind", "backend", "mode", "shots")}
        row.update(seeds=len(ok), accuracy=mean, ci95=half, fit_time=fit,
                   failed=sum(r["status"] == "failed" for r in rows), skipped=sum(r["status"] == "skipped" for r in rows),
                   baseline=None, baseline_accuracy=math.nan, diff=math.nan, p_value=math.nan, verdict="",
                   fit_vs_baseline=math.nan, fit_vs_numpy=math.nan, note="")
        bad = [r for r in rows if r["status"] != "done"]
        if bad:
            row["note"] = f"{bad[0]['error_type']}: {bad[0]['error_message']}"
        if first["kind"] != "baseline" and ok and data in best:
            name, base = best[data]
            by_seed: dict = {}
            for b in base:
                by_seed.setdefault(b["seed"], []).append(b["test_accuracy"])
            pairs = [(r["test_accuracy"], b) for r in ok for b in by_seed.get(r["seed"], [])]
            a = np.array([p[0] for p in pairs], float)
            b = np.array([p[1] for p in pairs], float)
            diff, p = paired_test(a, b)
            row.update(baseline=name, baseline_accuracy=float(np.mean([x["test_accuracy"] for x in base])), diff=diff,
                       p_value=p, verdict=verdict(diff, p, len(pairs)),
                       fit_vs_baseline=fit / float(np.mean([x["fit_time"] for x in base])))
        if first["kind"] != "baseline" and ok:
            ref = ref_fit.get((data, first["_ref"]))
            if ref:
                row["fit_vs_numpy"] = fit / float(np.mean(ref))
        out.append(row)
    table = pd.DataFrame(out, columns=columns)
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
            p = f", p={r.p_value:.2g}" if not math.isnan(r.p_value) else ""
            vs = f"{r.diff:+.3f} vs {r.baseline} ({r.verdict}{p})"
        classical = r.kind == "baseline"
        rows.append({
            "data set": r.dataset + (f"[{size}]" if size else ""), "model": r.model,
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
