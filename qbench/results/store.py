"""The results store: one SQLite file (default ``.qbench/results.db``), one row per job, WAL mode.

Rows are keyed by the job key, so re-running or resuming a suite replaces a row and never
duplicates it.  Every row is written in its own short transaction as soon as the job
finishes, so a killed runner loses at most the jobs that were still running.  The file
carries ``PRAGMA application_id`` (qbench) and ``PRAGMA user_version`` (the schema
version); any other SQLite file, or one from a newer qbench, is refused without being
modified.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable

from qbench.errors import QBenchError

DEFAULT_DB = Path(".qbench") / "results.db"
#: 'qbnc' -- marks a SQLite file as a qbench results store.
APPLICATION_ID = 0x71626E63
SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 60_000
STATUSES = ("done", "failed", "skipped")

#: Column name -> SQLite type.  JSON columns hold text; ``load`` decodes them.
COLUMNS: dict[str, str] = {
    "job_key": "TEXT PRIMARY KEY",
    "suite": "TEXT NOT NULL",
    "label": "TEXT",
    "status": "TEXT NOT NULL",
    "dataset": "TEXT",
    "n_samples": "INTEGER",
    "n_features": "INTEGER",
    "test_size": "REAL",
    "dataset_params": "JSON",
    "preprocess": "JSON",
    "model": "TEXT",
    "kind": "TEXT",
    "baseline": "TEXT",
    "model_params": "JSON",
    "grid": "JSON",
    "cv": "INTEGER",
    "backend": "TEXT",
    "framework": "TEXT",
    "mode": "TEXT",
    "shots": "INTEGER",
    "seed": "INTEGER",
    "n_qubits": "INTEGER",
    "n_train": "INTEGER",
    "n_test": "INTEGER",
    # metrics
    "test_accuracy": "REAL",
    "balanced_accuracy": "REAL",
    "f1": "REAL",
    "roc_auc": "REAL",
    "train_accuracy": "REAL",
    "best_params": "JSON",
    "cv_score": "REAL",
    # timings (seconds)
    "fit_time": "REAL",
    "refit_time": "REAL",
    "predict_time": "REAL",
    "kernel_time": "REAL",
    "circuit_time": "REAL",
    "total_time": "REAL",
    "wall_time": "REAL",
    # where a job's seconds went: inside the backend, in classical code (SVM, optimiser, search), in the harness
    "quantum_time": "REAL",
    "classical_time": "REAL",
    "overhead_time": "REAL",
    # cost
    "circuit_executions": "INTEGER",
    "shots_used": "INTEGER",
    "peak_memory": "INTEGER",
    # environment
    "python_version": "TEXT",
    "qbench_version": "TEXT",
    "framework_version": "TEXT",
    "git_commit": "TEXT",
    "cpu_model": "TEXT",
    "hostname": "TEXT",
    "environment": "JSON",
    # failures and skips
    "error_type": "TEXT",
    "error_message": "TEXT",
    "artifacts": "JSON",
    "config": "JSON",
    "started_at": "TEXT",
    "finished_at": "TEXT",
}
JSON_COLUMNS = tuple(c for c, t in COLUMNS.items() if t == "JSON")

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS jobs (\n  " + ",\n  ".join(f"{c} {t}" for c, t in COLUMNS.items()) + "\n)",
    "CREATE INDEX IF NOT EXISTS jobs_suite ON jobs (suite, status)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
]


class StoreError(QBenchError):
    """A results store that cannot be used (not a qbench store, a newer schema, unreadable)."""


def inspect_file(path: Path) -> int | None:
    """Schema version of an existing store (``None`` for a missing or empty file); refuses foreign files.

    Reads without writing: a file that is refused is left byte-for-byte unchanged.
    """
    if not path.exists():
        return None
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a qbench results store")
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read results store {path}: {exc}") from None
    if not header:
        return None
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a qbench results store (not an SQLite database); "
                         "choose another file with --db")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be read as a qbench results store: {exc}") from None
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite database but not a qbench results store; choose another file with --db")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer qbench (store schema {version}; this qbench reads up to "
                         f"{SCHEMA_VERSION}); upgrade qbench or use another --db")
    return version


class Store:
    """An open results store.  Safe to use from several processes at once (WAL, busy timeout)."""

    def __init__(self, path: str | Path = DEFAULT_DB, create: bool = True) -> None:
        self.path = Path(path)
        version = inspect_file(self.path)
        if version is None and not create:
            raise StoreError(f"no results store at {self.path}; run a suite first (qbench run SUITE --db {self.path})")
        if version is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if version is None or version < SCHEMA_VERSION:
            self._initialise()
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def _initialise(self) -> None:
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:  # another process got there first
                return
            for stmt in _SCHEMA:
                self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            created = time.strftime("%Y-%m-%dT%H:%M:%S")
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('created', ?)", (created,))

    def transaction(self):
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ writing
    def record(self, row: dict) -> None:
        """Insert or replace one job's row (columns not given are NULL)."""
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown store columns: {sorted(unknown)}")
        cols = list(COLUMNS)
        values = [_encode(c, row.get(c)) for c in cols]
        sql = f"INSERT OR REPLACE INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        with self.transaction():
            self.conn.execute(sql, values)

    # ------------------------------------------------------------ reading
    def statuses(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """job key -> status, for the given keys (or every row)."""
        if keys is None:
            return dict(self.conn.execute("SELECT job_key, status FROM jobs").fetchall())
        keys = list(keys)
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT job_key, status FROM jobs WHERE job_key IN ({', '.join('?' * len(chunk))})"
            out.update(self.conn.execute(q, chunk).fetchall())
        return out

    def rows(self, suite: str | None = None, keys: Iterable[str] | None = None) -> list[dict]:
        """Rows as dicts with JSON columns decoded."""
        q, args = "SELECT * FROM jobs", []
        if suite is not None:
            q, args = q + " WHERE suite = ?", [suite]
        cur = self.conn.execute(q + " ORDER BY rowid", args)
        names = [d[0] for d in cur.description]
        wanted = None if keys is None else set(keys)
        out = []
        for values in cur.fetchall():
            row = dict(zip(names, values))
            if wanted is not None and row["job_key"] not in wanted:
                continue
            for c in JSON_COLUMNS:
                if row.get(c) is not None:
                    row[c] = json.loads(row[c])
            out.append(row)
        return out

    def suites(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT suite FROM jobs ORDER BY suite")]


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: takes the write lock up front so concurrent writers queue, not deadlock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, *rest) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _encode(column: str, value):
    if value is None:
        return None
    if COLUMNS[column] == "JSON":
        return json.dumps(value, sort_keys=True, default=str)
    if COLUMNS[column] == "REAL":
        return float(value)
    if COLUMNS[column] == "INTEGER":
        return int(value)
    return str(value)


def default_db() -> Path:
    """``$QBENCH_DB`` if set, else ``.qbench/results.db`` under the current directory."""
    return Path(os.environ.get("QBENCH_DB", DEFAULT_DB))
