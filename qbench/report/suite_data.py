"""What the dashboard reads: the store's jobs per suite and their comparison table, read once.

The only entries into the data are :func:`qbench.results.tables.load`, :func:`qbench.results.selection.select_rows`
(the rows every plot and table reads: current definitions by configuration identity, one per seed) and
:func:`qbench.results.tables.compare` (the same table, the same per-suite Holm family, ``qbench results``
prints), so the dashboard and the command line never disagree.  Columns and artifacts an older or partial
store lacks read as missing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qbench.results import tables as results
from qbench.results.selection import select_rows

@dataclass
class SuiteData:
    """One suite: its stored jobs, the selected rows (current definitions, one per configuration and seed) and its
    comparison table (one row per configuration); plots read :attr:`done`, the selected rows that finished."""

    name: str
    jobs: pd.DataFrame
    table: pd.DataFrame
    rows: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.rows is None:
            self.rows = select_rows(self.jobs)

    @property
    def done(self) -> pd.DataFrame:
        return self.rows[self.rows["status"] == "done"]

    def counts(self) -> dict[str, int]:
        c = self.jobs["status"].value_counts()
        return {s: int(c.get(s, 0)) for s in ("done", "failed", "skipped")}


def artifact(row_artifacts, key: str, default=None):
    """``artifacts[key]`` of a job row, tolerating a missing or non-dict artifacts column."""
    if isinstance(row_artifacts, dict):
        return row_artifacts.get(key, default)
    return default


def load_suites(db: str | Path, suite: str | None = None, timings: dict | None = None) -> list[SuiteData]:
    """Every suite in the store (or just ``suite``), ordered by name; raises ``QBenchError`` for a bad store or name.

    ``timings`` (if given) receives the seconds spent reading the store and computing the comparisons.
    """
    t0 = time.perf_counter()
    jobs = results.load(db, suite=suite)
    t1 = time.perf_counter()
    out = []
    for name, sub in jobs.groupby("suite", sort=True):
        sub = sub.reset_index(drop=True)
        out.append(SuiteData(str(name), sub, results.compare(sub)))
    if timings is not None:
        timings.update(load=t1 - t0, compare=time.perf_counter() - t1)
    return out
