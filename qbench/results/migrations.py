"""The store's schema as numbered migrations, applied in order and recorded in the file (``migrations`` table).

``PRAGMA user_version`` is the number of migrations applied.  A new store runs them all; an
older one runs the rest, inside the caller's transaction, so a migration is all or nothing.
Never edit a migration that has shipped: add the next one (and a test from a file written
before it, as ``tests/results/store_v1.db`` is for v2).
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Callable

from qbench.suite.jobs import config_id

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]):
    MIGRATIONS.append(fn)
    return fn


#: The v1 table, frozen as v1 wrote it.
V1_COLUMNS = [
    ("job_key", "TEXT PRIMARY KEY"), ("suite", "TEXT NOT NULL"), ("label", "TEXT"), ("status", "TEXT NOT NULL"),
    ("dataset", "TEXT"), ("n_samples", "INTEGER"), ("n_features", "INTEGER"), ("test_size", "REAL"),
    ("dataset_params", "JSON"), ("preprocess", "JSON"), ("model", "TEXT"), ("kind", "TEXT"), ("baseline", "TEXT"),
    ("model_params", "JSON"), ("grid", "JSON"), ("cv", "INTEGER"), ("backend", "TEXT"), ("framework", "TEXT"),
    ("mode", "TEXT"), ("shots", "INTEGER"), ("seed", "INTEGER"), ("n_qubits", "INTEGER"), ("n_train", "INTEGER"),
    ("n_test", "INTEGER"), ("test_accuracy", "REAL"), ("balanced_accuracy", "REAL"), ("f1", "REAL"),
    ("roc_auc", "REAL"), ("train_accuracy", "REAL"), ("best_params", "JSON"), ("cv_score", "REAL"),
    ("fit_time", "REAL"), ("refit_time", "REAL"), ("predict_time", "REAL"), ("kernel_time", "REAL"),
    ("circuit_time", "REAL"), ("total_time", "REAL"), ("wall_time", "REAL"), ("circuit_executions", "INTEGER"),
    ("shots_used", "INTEGER"), ("peak_memory", "INTEGER"), ("python_version", "TEXT"), ("qbench_version", "TEXT"),
    ("framework_version", "TEXT"), ("git_commit", "TEXT"), ("cpu_model", "TEXT"), ("hostname", "TEXT"),
    ("environment", "JSON"), ("error_type", "TEXT"), ("error_message", "TEXT"), ("artifacts", "JSON"),
    ("config", "JSON"), ("started_at", "TEXT"), ("finished_at", "TEXT"),
]

#: Columns v2 adds: the configuration identity, the time split, the lease of a claimed job.
V2_COLUMNS = [("config_id", "TEXT"), ("quantum_time", "REAL"), ("classical_time", "REAL"), ("overhead_time", "REAL"),
              ("lease_owner", "TEXT"), ("lease_expires", "REAL")]


@migration
def m001_jobs_and_meta(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE jobs (\n  " + ",\n  ".join(f"{c} {t}" for c, t in V1_COLUMNS) + "\n)")
    conn.execute("CREATE INDEX jobs_suite ON jobs (suite, status)")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('created', ?)", (time.strftime("%Y-%m-%dT%H:%M:%S"),))


@migration
def m002_identity_time_split_leases(conn: sqlite3.Connection) -> None:
    for name, kind in V2_COLUMNS:
        conn.execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")
    conn.execute("CREATE INDEX jobs_config ON jobs (config_id)")
    conn.execute("CREATE TABLE suite_definitions (suite TEXT NOT NULL, definition TEXT NOT NULL, "
                 "config_ids JSON NOT NULL, first_run REAL NOT NULL, last_run REAL NOT NULL, "
                 "PRIMARY KEY (suite, definition))")
    cur = conn.execute("SELECT job_key, config, kind, circuit_time, fit_time, predict_time, wall_time FROM jobs")
    names = [d[0] for d in cur.description]
    for values in cur.fetchall():
        row = dict(zip(names, values))
        ident = config_id(json.loads(row["config"])) if row["config"] else None
        split = time_split(row)
        conn.execute("UPDATE jobs SET config_id = ?, quantum_time = ?, classical_time = ?, overhead_time = ? "
                     "WHERE job_key = ?", (ident, split["quantum_time"], split["classical_time"],
                                           split["overhead_time"], row["job_key"]))


@migration
def m003_remote_jobs(conn: sqlite3.Connection) -> None:
    """The remote job journal: every hardware submission of a job, recorded before its result is awaited."""
    conn.execute("CREATE TABLE remote_jobs (job_key TEXT NOT NULL, submission TEXT NOT NULL, backend TEXT, "
                 "remote_id TEXT NOT NULL, status TEXT NOT NULL, submitted_at REAL NOT NULL, message TEXT, "
                 "PRIMARY KEY (job_key, submission))")


@migration
def m004_repair_negative_time_split(conn: sqlite3.Connection) -> None:
    """Stores migrated to version 2 by qbench before the split was capped hold negative classical (or overhead)
    times for v1 rows that timed circuits while scoring: recompute those rows' split from their v1 columns."""
    cur = conn.execute("SELECT job_key, kind, circuit_time, fit_time, predict_time, wall_time FROM jobs "
                       "WHERE quantum_time < 0 OR classical_time < 0 OR overhead_time < 0")
    names = [d[0] for d in cur.description]
    for values in cur.fetchall():
        row = dict(zip(names, values))
        split = time_split(row)
        conn.execute("UPDATE jobs SET quantum_time = ?, classical_time = ?, overhead_time = ? WHERE job_key = ?",
                     (split["quantum_time"], split["classical_time"], split["overhead_time"], row["job_key"]))


def time_split(row: dict) -> dict:
    """Quantum (inside the backend), classical (the rest of fit and predict) and overhead (dispatch) seconds.

    ``None`` where an input is missing; a classical baseline runs no circuits, so its quantum time is 0.
    Never negative: v1 timed circuits also while scoring (outside fit and predict), so the quantum time
    is capped at fit + predict, and the overhead at 0 (as :func:`qbench.run.metrics.time_split` does).
    """
    circuit = 0.0 if row.get("kind") == "baseline" and row.get("circuit_time") is None else row.get("circuit_time")
    fit, predict, wall = row.get("fit_time"), row.get("predict_time"), row.get("wall_time")
    model = None if fit is None or predict is None else fit + predict
    quantum = circuit if model is None or circuit is None else min(circuit, model)
    return {"quantum_time": quantum,
            "classical_time": None if model is None or quantum is None else model - quantum,
            "overhead_time": None if model is None or wall is None else max(wall - model, 0.0)}


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations a store has not had yet (inside the caller's transaction); their names, in order."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at TEXT)")
    recorded = {v for (v,) in conn.execute("SELECT version FROM migrations")}
    for v in range(1, version + 1):  # applied before the table existed (stores written by v1)
        if v not in recorded:
            conn.execute("INSERT INTO migrations VALUES (?, ?, NULL)", (v, MIGRATIONS[v - 1].__name__))
    applied = []
    for v, fn in enumerate(MIGRATIONS[version:], start=version + 1):
        fn(conn)
        conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (v, fn.__name__, time.strftime("%Y-%m-%dT%H:%M:%S")))
        applied.append(fn.__name__)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    return applied
