"""Stopping and resuming: Ctrl-C and ``kill -9`` midway, then a restart finishes the suite, every job exactly once."""

from __future__ import annotations

import pytest
import os
import signal
import sqlite3
import subprocess
import sys
import time

import psutil
from runner_helpers import TINY_DATA, suite_text

N_JOBS = 40  # jobs of a fraction of a second: enough that neither interruption lands after the last
SLOW_SUITE = suite_text("resume", f"""
    backends = ["numpy"]
    seeds = {list(range(N_JOBS))}
""", TINY_DATA + """
    [[models]]
    name = "qnn"
    kind = "qnn"
    params = { ansatz_params = { layers = 2 }, max_iter = 40, batch_size = 8 }
""")


def start(suite, db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qbench", "run", str(suite), "--db", str(db), "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(db) -> dict[str, str]:
    """job key -> finished_at of the rows stored so far (read-only, as another process would)."""
    if not db.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            # a claimed job's placeholder row (status running) is not a result
            return dict(conn.execute("SELECT job_key, finished_at FROM jobs WHERE status != 'running'"))
        finally:
            conn.close()
    except sqlite3.OperationalError:  # the store is still being created
        return {}


def wait_for_rows(proc, db, n, limit=120.0) -> dict[str, str]:
    t0 = time.time()
    while time.time() - t0 < limit:
        rows = finished(db)
        if len(rows) >= n:
            return rows
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} jobs finished in {limit} s")


def workers_of(proc) -> list[psutil.Process]:
    return [c for c in psutil.Process(proc.pid).children(recursive=True) if "qbench.run.worker" in " ".join(c.cmdline())]


def assert_gone(processes, limit=10.0) -> None:
    gone, alive = psutil.wait_procs(processes, timeout=limit)
    assert not alive, f"worker processes outlived the runner: {alive}"


@pytest.mark.integration  # several processes, kill -9 or a 15 s timeout: CI runs it with -m integration
def test_ctrl_c_then_kill_9_then_resume(write_suite, tmp_path):
    suite, db = write_suite(SLOW_SUITE), tmp_path / "resume.db"

    # 1. Ctrl-C midway: exits 130, keeps what finished, stops its worker
    proc = start(suite, db)
    wait_for_rows(proc, db, 2)
    workers = workers_of(proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted, finished jobs kept" in err and "Traceback" not in err
    assert_gone(workers)
    after_interrupt = finished(db)
    assert 2 <= len(after_interrupt) < N_JOBS

    # 2. kill -9 midway: nothing is cleaned up by the runner, yet nothing finished is lost
    proc = start(suite, db)
    wait_for_rows(proc, db, len(after_interrupt) + 2)
    workers = workers_of(proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert_gone(workers)  # the worker notices its runner is gone and exits
    after_kill = finished(db)
    assert len(after_interrupt) + 2 <= len(after_kill) < N_JOBS, "the runner finished before it was killed"

    # 3. restart: finishes the rest, re-runs nothing that was done
    proc = start(suite, db)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"{N_JOBS - len(after_kill)} done, 0 failed, 0 skipped, {len(after_kill)} already done" in err

    conn = sqlite3.connect(db)
    keys = [k for (k,) in conn.execute("SELECT job_key FROM jobs")]
    statuses = {s for (s,) in conn.execute("SELECT status FROM jobs")}
    seeds = sorted(s for (s,) in conn.execute("SELECT seed FROM jobs"))
    final = dict(conn.execute("SELECT job_key, finished_at FROM jobs"))
    leases = conn.execute("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL").fetchone()[0]
    conn.close()
    assert leases == 0  # the killed runner's claim was taken over, the last runner released its own
    assert len(keys) == len(set(keys)) == N_JOBS and statuses == {"done"} and seeds == list(range(N_JOBS))
    assert all(final[k] == v for k, v in after_kill.items())  # finished jobs were kept, not run again
