"""Schema migrations from a v1 store written by the previous qbench, and refusals that add no file beside the store."""

from __future__ import annotations

import json
import sqlite3

import pytest
from results_helpers import V1_STORE, V1_SUITE, sql, v1_copy

from qbench.results.migrations import MIGRATIONS
from qbench.results.store import SCHEMA_VERSION, Store, StoreError
from qbench.results.tables import compare, load
from qbench.suite.jobs import config_id


def schema(db) -> dict:
    conn = sqlite3.connect(db)
    try:
        tables = {name: [(c[1], c[2]) for c in conn.execute(f"PRAGMA table_info({name})")]
                  for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = sorted(n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                    "AND name NOT LIKE 'sqlite_%'"))
        return {"tables": tables, "indexes": indexes}
    finally:
        conn.close()


def side_files(db) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name and p.name.startswith(db.name))


def test_the_fixture_is_a_v1_store():
    assert sql(V1_STORE, "PRAGMA user_version") == [(1,)]
    assert "config_id" not in {c for (_, c, *rest) in sql(V1_STORE, "PRAGMA table_info(jobs)")}


def test_v1_store_migrates_to_the_current_schema_keeping_every_row(tmp_path):
    db = v1_copy(tmp_path)
    before = sql(db, "SELECT job_key, status, test_accuracy, fit_time, config FROM jobs ORDER BY job_key")
    with Store(db) as store:
        assert store.version == SCHEMA_VERSION == len(MIGRATIONS) >= 2
    assert sql(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert sql(db, "SELECT version, name FROM migrations ORDER BY version") == \
        [(i + 1, fn.__name__) for i, fn in enumerate(MIGRATIONS)]
    assert sql(db, "SELECT job_key, status, test_accuracy, fit_time, config FROM jobs ORDER BY job_key") == before
    # the same schema as a store created new
    Store(tmp_path / "fresh.db").close()
    assert schema(db) == schema(tmp_path / "fresh.db")

    rows = {r["job_key"]: r for r in Store(db).rows()}
    assert len(rows) == 5
    for r in rows.values():
        assert r["config_id"] == config_id(r["config"])
        if r["status"] == "done" and r["kind"] != "baseline":
            assert r["quantum_time"] == pytest.approx(r["circuit_time"])
            assert r["classical_time"] == pytest.approx(r["fit_time"] + r["predict_time"] - r["circuit_time"])
            assert r["overhead_time"] == pytest.approx(r["wall_time"] - r["fit_time"] - r["predict_time"])
        elif r["status"] == "done":  # a classical baseline runs no circuits
            assert r["quantum_time"] == 0.0
            assert r["classical_time"] == pytest.approx(r["fit_time"] + r["predict_time"])
        else:  # the failed job stored no fit or predict time: nothing can be derived
            assert r["classical_time"] is None and r["overhead_time"] is None
        assert r["lease_owner"] is None and r["lease_expires"] is None
    # seeds of one configuration share a config id; the job keys (and so resuming) are unchanged
    qsvm = {r["config_id"] for r in rows.values() if r["model"] == "qsvm" and r["backend"] == "numpy"}
    assert len(qsvm) == 1


def test_the_migrated_store_compares_and_resumes(cli, write_suite, tmp_path):
    db = v1_copy(tmp_path)
    table = compare(load(db))
    q = table[(table["model"] == "qsvm") & (table["backend"] == "numpy")].iloc[0]
    assert q["seeds"] == 2 and q["baseline"] == "svc_linear" and not q["superseded"]
    # the job keys are those v1 wrote: the suite that wrote them has nothing left to do
    code, out, err = cli("run", write_suite(V1_SUITE), "--db", db)
    assert code == 0 and "v1fixture: 4 jobs: 0 done, 0 failed, 0 skipped, 4 already done" in err, err


def test_migration_is_all_or_nothing(tmp_path, monkeypatch):
    db = v1_copy(tmp_path)
    before = sql(db, "SELECT * FROM jobs ORDER BY job_key")

    def broken(conn):
        conn.execute("ALTER TABLE jobs ADD COLUMN half_done TEXT")
        raise sqlite3.OperationalError("injected failure in a migration")

    monkeypatch.setattr("qbench.results.migrations.MIGRATIONS", MIGRATIONS[:1] + [broken])
    with pytest.raises(StoreError, match="injected failure"):
        Store(db)
    assert sql(db, "PRAGMA user_version") == [(1,)] and sql(db, "SELECT * FROM jobs ORDER BY job_key") == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_newer_store_is_refused_and_nothing_appears_beside_it(tmp_path, journal):
    db = tmp_path / "newer.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert side_files(db) == []
    data = db.read_bytes()
    with pytest.raises(StoreError, match="newer qbench"):
        Store(db)
    with pytest.raises(StoreError, match="newer qbench"):
        load(db)
    assert side_files(db) == [] and db.read_bytes() == data


def test_a_foreign_wal_database_is_refused_and_nothing_appears_beside_it(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE jobs (id INTEGER)")
    conn.execute("INSERT INTO jobs VALUES (1)")
    conn.commit()
    conn.close()
    assert side_files(db) == []
    data = db.read_bytes()
    for open_it in (Store, lambda p: Store(p, create=False), load):
        with pytest.raises(StoreError, match="not a qbench results store"):
            open_it(db)
    assert side_files(db) == [] and db.read_bytes() == data


def test_suite_definitions_are_recorded(tmp_path):
    with Store(tmp_path / "r.db") as store:
        first = store.define("s", ["b", "a", "a"])
        store.define("s", ["c"])
        assert store.current_configs() == {"s": {"c"}}
        assert store.define("s", ["a", "b"]) == first  # back to the first definition: it is the latest again
        assert store.current_configs() == {"s": {"a", "b"}}
    assert json.loads(sql(tmp_path / "r.db", "SELECT config_ids FROM suite_definitions WHERE definition = ?",
                          (first,))[0][0]) == ["a", "b"]


@pytest.mark.parametrize("journal", [None, "wal"])
def test_reading_a_writable_v1_store_never_writes_it(cli, tmp_path, journal):
    """``qbench results`` and ``report`` migrate a copy in memory: the file (bytes, journal mode, side files) stays v1."""
    db = v1_copy(tmp_path)
    if journal:
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA journal_mode = {journal}")
        conn.close()
    data, files = db.read_bytes(), sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli("results", "--db", db, "--format", "json")
    assert code == 0, err
    assert '"config_id"' in out and '"seeds":2' in out.replace(" ", "")  # compared as the migrated store would be
    code, out, err = cli("results", "--db", db, "--jobs", "--format", "csv")
    assert code == 0 and "quantum_time" in out.splitlines()[0], err
    code, out, err = cli("report", "--db", db, "--out", tmp_path / "site")
    assert code == 0, err
    assert db.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files + ["site"])
    assert sql(db, "PRAGMA user_version") == [(1,)]
    # only a writer migrates it
    Store(db).close()
    assert sql(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_migrated_time_split_is_never_negative(tmp_path):
    """v1 timed circuits also while scoring, outside fit and predict: the quantum time is capped, nothing negative."""
    db = v1_copy(tmp_path)
    conn = sqlite3.connect(db)
    with conn:  # a v1 row whose circuit time exceeds fit + predict, and one whose wall time is below them
        conn.execute("UPDATE jobs SET circuit_time = fit_time + predict_time + 0.05 WHERE job_key = '6e67a553b776bebc8bd1'")
        conn.execute("UPDATE jobs SET wall_time = fit_time WHERE job_key = 'fab501b7067c059328be'")
    conn.close()
    for read in (lambda: Store(db, create=False).rows(), lambda: Store(db).rows()):  # in memory, then in the file
        rows = {r["job_key"]: r for r in read()}
        for r in rows.values():
            for column in ("quantum_time", "classical_time", "overhead_time"):
                assert r[column] is None or r[column] >= 0, (r["job_key"], column, r[column])
        capped = rows["6e67a553b776bebc8bd1"]
        assert capped["quantum_time"] == pytest.approx(capped["fit_time"] + capped["predict_time"])
        assert capped["classical_time"] == 0.0
        assert rows["fab501b7067c059328be"]["overhead_time"] == 0.0


def test_a_store_migrated_by_the_older_code_has_its_negative_times_repaired(tmp_path):
    """Before the cap, migration 2 wrote classical = fit + predict - circuit, negative for rows that timed circuits
    while scoring; migration 4 recomputes such rows (in memory for readers, in the file for writers)."""
    db = v1_copy(tmp_path)
    Store(db).close()
    conn = sqlite3.connect(db)
    with conn:  # what the older migration left: version 3, a negative classical time
        conn.execute("UPDATE jobs SET circuit_time = fit_time + predict_time + 0.05, "
                     "quantum_time = fit_time + predict_time + 0.05, classical_time = -0.05 "
                     "WHERE job_key = '6e67a553b776bebc8bd1'")
        conn.execute("DELETE FROM migrations WHERE version = 4")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    others = sql(db, "SELECT job_key, quantum_time, classical_time, overhead_time FROM jobs "
                     "WHERE job_key != '6e67a553b776bebc8bd1' ORDER BY job_key")
    data = db.read_bytes()
    for read, writes in ((lambda: Store(db, create=False).rows(), False), (lambda: Store(db).rows(), True)):
        row = {r["job_key"]: r for r in read()}["6e67a553b776bebc8bd1"]
        assert row["quantum_time"] == pytest.approx(row["fit_time"] + row["predict_time"])
        assert row["classical_time"] == 0.0
        if not writes:
            assert db.read_bytes() == data  # a reader repairs its copy in memory; the writer's file is read below
    assert sql(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)] and SCHEMA_VERSION >= 4
    assert sql(db, "SELECT classical_time FROM jobs WHERE job_key = '6e67a553b776bebc8bd1'") == [(0.0,)]
    assert sql(db, "SELECT job_key, quantum_time, classical_time, overhead_time FROM jobs "
                   "WHERE job_key != '6e67a553b776bebc8bd1' ORDER BY job_key") == others  # the rest untouched


def test_the_remote_job_journal_is_written_by_runners_and_read_without_writing(tmp_path):
    """Migration 3's ``remote_jobs``: a v1 store read by a reader shows an empty journal and stays v1;
    a writer journals a submission, marks it done or failed, and a reader sees it as written."""
    db = v1_copy(tmp_path)
    data = db.read_bytes()
    with Store(db, create=False) as reader:  # migrated in memory only
        assert reader.remote_jobs() == []
    assert db.read_bytes() == data and sql(db, "PRAGMA user_version") == [(1,)]
    with Store(db) as store:
        store.record_remote_job("job-a", "0:abc", "ibm_torino", "d1f3")
        store.record_remote_job("job-a", "1:def", "ibm_torino", "d1f4")
        store.record_remote_job("job-b", "0:abc", "ibm_torino", "e5")
        store.finish_remote_job("job-a", "0:abc", "done")
        store.finish_remote_job("job-a", "1:def", "failed", "Job failed: 8004")
        store.record_remote_job("job-b", "0:abc", "ibm_torino", "e6")  # submitted anew: the new id replaces the old
    with Store(db, create=False) as reader:
        got = [(r["job_key"], r["submission"], r["remote_id"], r["status"], r["message"]) for r in reader.remote_jobs()]
        assert got == [("job-a", "0:abc", "d1f3", "done", None), ("job-a", "1:def", "d1f4", "failed", "Job failed: 8004"),
                       ("job-b", "0:abc", "e6", "submitted", None)]
        assert [r["remote_id"] for r in reader.remote_jobs("job-b")] == ["e6"]
