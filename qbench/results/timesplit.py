"""Where each result group's seconds went: quantum, classical and harness time, and the quantum time against numpy.

:func:`add_time_split` adds to a comparison table (:func:`qbench.results.tables.compare`) the mean
``quantum_time``, ``classical_time`` and ``overhead_time`` of each group's finished jobs, and
``quantum_vs_numpy``: the group's mean quantum time over the ``numpy`` reference's for the same
data-set configuration, model, mode and shots.  Speed rankings use this ratio rather than the fit
time, which on small problems is mostly classical search and calibration.  Rows are matched to
jobs on every identity column the table carries, so the join follows the table's own grouping.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qbench.results.tables import DATA_KEY, GROUP, REFERENCE_BACKEND, _key

TIME_COLUMNS = ("quantum_time", "classical_time", "overhead_time")


def _identity(table: pd.DataFrame, jobs: pd.DataFrame) -> list[str]:
    cols = [c for c in (*DATA_KEY, *GROUP) if c in table.columns and c in jobs.columns]
    # a table that adds its own configuration identity column is joined on that too
    cols += [c for c in ("config_id", "config_key") if c in table.columns and c in jobs.columns]
    return cols


def _norm(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df[cols].copy()
    for c in ("n_samples", "n_features", "shots"):
        if c in out:
            out[c] = out[c].astype("Int64")
    return out


def add_time_split(table: pd.DataFrame, jobs: pd.DataFrame) -> pd.DataFrame:
    """``table`` with :data:`TIME_COLUMNS` (mean seconds over finished jobs) and ``quantum_vs_numpy``."""
    table = table.copy()
    for c in (*TIME_COLUMNS, "quantum_vs_numpy"):
        table[c] = math.nan
    if table.empty or jobs.empty:
        return table
    done = jobs[jobs["status"] == "done"]
    for c in TIME_COLUMNS:
        if c not in done.columns:
            done = done.assign(**{c: np.nan})
    cols = _identity(table, done)
    ref_cols = [c for c in cols if c != "backend" and c != "kind"]
    job_key = _key(_norm(done, cols), cols)
    means = done[list(TIME_COLUMNS)].apply(pd.to_numeric, errors="coerce").groupby(job_key.values).mean()
    ref = done[done["backend"] == REFERENCE_BACKEND]
    ref_means = (ref["quantum_time"].astype(float).groupby(_key(_norm(ref, ref_cols), ref_cols).values).mean()
                 if len(ref) else pd.Series(dtype=float))
    row_key = _key(_norm(table, cols), cols)
    row_ref = _key(_norm(table, ref_cols), ref_cols)
    for c in TIME_COLUMNS:
        table[c] = [means[c].get(k, math.nan) for k in row_key]
    quantum = table["kind"] != "baseline"
    ratios = []
    for k, q, is_quantum in zip(row_ref, table["quantum_time"], quantum):
        r = ref_means.get(k, math.nan)
        ratios.append(q / r if is_quantum and r and r > 0 and not math.isnan(q) else math.nan)
    table["quantum_vs_numpy"] = ratios
    return table
