"""The results store: schema version, refusing foreign or newer files untouched, upserts, several writers."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

import pytest
from runner_helpers import file_state, newer_schema_store

from qbench.results.store import APPLICATION_ID, SCHEMA_VERSION, Store, StoreError


def test_new_store_is_marked_versioned_and_in_wal_mode(tmp_path):
    db = tmp_path / "sub" / "r.db"
    with Store(db) as store:
        store.record({"job_key": "k1", "suite": "s", "status": "done", "best_params": {"C": 1.0}, "test_accuracy": 0.5})
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_record_replaces_a_row_by_job_key(tmp_path):
    with Store(tmp_path / "r.db") as store:
        store.record({"job_key": "k1", "suite": "s", "status": "failed", "error_type": "Timeout"})
        store.record({"job_key": "k1", "suite": "s", "status": "done", "test_accuracy": 0.75, "best_params": {"C": 10}})
        rows = store.rows("s")
    assert len(rows) == 1
    assert rows[0]["status"] == "done" and rows[0]["error_type"] is None and rows[0]["best_params"] == {"C": 10}


@pytest.mark.parametrize("content", [b"this is a CSV file, not a database\n1,2,3\n", bytes(range(256)) * 8])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, content):
    db = tmp_path / "notes.db"
    db.write_bytes(content)
    before = file_state(db)
    with pytest.raises(StoreError, match="is not a qbench results store"):
        Store(db)
    assert file_state(db) == before


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE jobs (id INTEGER)")
    conn.commit()
    conn.close()
    before = file_state(db)
    with pytest.raises(StoreError, match="an SQLite database but not a qbench results store"):
        Store(db)
    assert file_state(db) == before


def test_a_newer_schema_is_refused_untouched(tmp_path):
    db = newer_schema_store(tmp_path / "new.db")
    before = file_state(db)
    with pytest.raises(StoreError, match=f"newer qbench \\(store schema {SCHEMA_VERSION + 1}"):
        Store(db)
    assert file_state(db) == before


def test_reading_a_missing_store_does_not_create_it(tmp_path):
    with pytest.raises(StoreError, match="no results store at"):
        Store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def _writer(db, start, n):
    with Store(db) as store:
        for i in range(start, start + n):
            store.record({"job_key": f"k{i % 30}", "suite": "s", "status": "done", "test_accuracy": i / 100})


def test_several_processes_write_at_once(tmp_path):
    db = tmp_path / "shared.db"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db, 40 * p, 40)) for p in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with Store(db) as store:
        rows = store.rows()
    assert sorted(r["job_key"] for r in rows) == sorted(f"k{i}" for i in range(30))
