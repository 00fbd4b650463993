"""Fault injection: a job that raises, segfaults, hangs or allocates too much fails alone; the suite goes on."""

from __future__ import annotations

import pytest
import json

from runner_helpers import FAULTY, TINY_DATA, rows, suite_text

#: The per-job timeout: long enough that the healthy jobs (worker start, imports, a tiny fit) finish on a loaded
#: 2-core machine, short enough that the sleeping job's timeout does not dominate the test.
TIMEOUT = 15

FAULT_SUITE = suite_text("faults", f"""
    backends = ["numpy", "test.raises", "test.segfault", "test.sleeps", "test.hog", "test.missing"]
    plugins = ["{FAULTY}"]
    timeout = {TIMEOUT}
    memory_limit = "512 MiB"
""", TINY_DATA + """
    [[models]]
    name = "qsvm"
    kind = "kernel"
    params = { feature_map = "zz", feature_map_params = { reps = 1 } }
""")


@pytest.mark.integration  # several processes, kill -9 or a 15 s timeout: CI runs it with -m integration
def test_each_failure_is_recorded_with_its_type_and_the_suite_finishes(cli, write_suite, tmp_path):
    db = tmp_path / "faults.db"
    code, out, err = cli("run", write_suite(FAULT_SUITE), "--db", db, "-j", "2")
    assert code == 1, err  # some jobs failed
    assert "faults: 6 jobs: 1 done, 4 failed, 1 skipped" in err  # a credential option (test.secret) is refused when the suite is read
    by_backend = {r["backend"]: r for r in rows(db)}
    assert len(by_backend) == 6

    ok = by_backend["numpy"]
    assert ok["status"] == "done" and 0.0 <= ok["test_accuracy"] <= 1.0 and ok["fit_time"] > 0

    expected = {
        "test.raises": ("RuntimeError", "injected failure in test.raises"),
        "test.segfault": ("Segfault", "SIGSEGV"),
        "test.sleeps": ("Timeout", f"timeout of {TIMEOUT} s"),
        "test.hog": ("MemoryError", "memory limit of 512 MiB"),
    }
    for backend, (error_type, fragment) in expected.items():
        row = by_backend[backend]
        assert (row["status"], row["error_type"]) == ("failed", error_type), row
        assert fragment in row["error_message"], row["error_message"]
        error = json.loads(row["artifacts"])["error"]
        assert error["type"] == error_type and error["message"] == row["error_message"]
        assert row["python_version"] and row["qbench_version"] and row["finished_at"]

    # a Python exception keeps its traceback; a segfault keeps faulthandler's dump of the Python stack
    assert "faulty_backends.py" in json.loads(by_backend["test.raises"]["artifacts"])["error"]["traceback"]
    segv = json.loads(by_backend["test.segfault"]["artifacts"])["error"]["traceback"]
    assert "Segmentation fault" in segv and "faulty_backends.py" in segv

    # the timeout is enforced close to its value, not after the backend's 120 s sleep
    assert TIMEOUT <= by_backend["test.sleeps"]["wall_time"] < TIMEOUT + 60

    skipped = by_backend["test.missing"]
    assert skipped["status"] == "skipped" and skipped["error_type"] == "Unavailable"
    assert 'pip install "qbench[nosuch]"' in skipped["error_message"]

    # the credential reached the worker (it is in the error the backend raised) but never the store
    raw = db.read_bytes() + (db.with_name(db.name + "-wal").read_bytes() if db.with_name(db.name + "-wal").exists() else b"")
    assert b"tok-5ecret-998877" not in raw

    # re-running retries the failed jobs only (the done one is kept as it was)
    code, out, err = cli("run", write_suite(FAULT_SUITE), "--db", db, "-j", "2", "--only", "test.raises", "--only", "numpy")
    assert code == 1 and "2 jobs: 0 done, 1 failed, 0 skipped, 1 already done" in err
    assert rows(db, "backend = 'numpy'")[0]["finished_at"] == ok["finished_at"]
