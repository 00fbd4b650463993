"""Remote jobs persist: the Qiskit hardware path journals every submission in the store before waiting, and a
re-run (after ``kill -9`` too) re-attaches to the remote jobs instead of paying for them again.

The provider is :mod:`fake_ibm_service`: a fake service whose jobs really run on FakeManilaV2's Aer simulation
(qiskit-ibm-runtime local testing mode), kept in a folder that outlives the runner.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from requires import require  # noqa: E402

for _module in ("qiskit", "qiskit_aer", "qiskit_ibm_runtime"):
    require(_module, "qiskit")

from qbench.results.store import Store  # noqa: E402
from qbench.run.worker import run_job  # noqa: E402
from qbench.suite.jobs import expand  # noqa: E402
from qbench.suite.parse import parse_suite  # noqa: E402

FAKE = Path(__file__).with_name("fake_ibm_service.py")
PROVIDER_MESSAGE = "Job failed: 8004 the circuit is too deep for this device"


def suite(shots: int = 200) -> str:
    return f"""
[suite]
name = "remote"
backends = ["test.fake_ibm"]
modes = ["hardware"]
shots = {shots}
seeds = [3]
plugins = ["{FAKE}"]

[[datasets]]
name = "moons"
n_samples = 16
params = {{ noise = 0.1 }}

[[models]]
name = "qsvm"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = 1 }} }}
"""


def lines(root: Path, name: str) -> list[str]:
    path = root / name
    return path.read_text(encoding="ascii").split() if path.exists() else []


def submissions(root: Path) -> list[str]:
    """The hash of what each submission sent, in order."""
    return [line.split()[1] for line in (root / "submissions").read_text().splitlines()] \
        if (root / "submissions").exists() else []


@pytest.fixture
def provider(tmp_path, monkeypatch):
    root = tmp_path / "provider"
    root.mkdir()
    monkeypatch.setenv("QBENCH_FAKE_IBM", str(root))
    return root


def run_here(db: Path, shots: int = 200) -> dict:
    """One job run as a worker runs it, journalled in ``db`` (the store the runner would pass)."""
    job = expand(parse_suite(suite(shots)))[0]
    Store(db).close()
    return run_job({**job.payload(), "remote_journal": str(db)}) | {"job_key": job.key}


def test_submissions_are_journalled_and_a_rerun_reattaches(provider, tmp_path):
    (provider / "release").touch()
    db = tmp_path / "results.db"
    first = run_here(db)
    assert first["status"] == "done", first.get("error_message")
    sent = submissions(provider)
    assert len(sent) >= 2 and not lines(provider, "lookups")  # train and test kernels, nothing re-attached
    journal = Store(db, create=False).remote_jobs(first["job_key"])
    assert [r["remote_id"] for r in journal] == [line.split()[0] for line in (provider / "submissions").read_text().splitlines()]
    assert {r["status"] for r in journal} == {"done"} and {r["backend"] for r in journal} == {"fake_manila"}
    assert first["artifacts"]["backend_usage"]["remote_jobs"] == {"submitted": len(sent), "reattached": 0}

    again = run_here(db)  # the same job again: every remote job is found by id, none is submitted
    assert submissions(provider) == sent
    assert len(lines(provider, "lookups")) == len(sent)
    assert again["artifacts"]["backend_usage"]["remote_jobs"] == {"submitted": 0, "reattached": len(sent)}
    for metric in ("test_accuracy", "train_accuracy", "roc_auc"):
        assert again[metric] == first[metric]


def test_a_job_whose_result_is_stored_measures_again_when_rerun(provider, tmp_path):
    """``qbench run --rerun`` of a done job means measuring again: no re-attaching once its row is stored."""
    (provider / "release").touch()
    db = tmp_path / "results.db"
    first = run_here(db)
    sent = submissions(provider)
    with Store(db) as store:
        store.record({"job_key": first["job_key"], "suite": "remote", "status": "done"})
    again = run_here(db)
    assert again["artifacts"]["backend_usage"]["remote_jobs"] == {"submitted": len(sent), "reattached": 0}
    assert len(submissions(provider)) == 2 * len(sent) and not lines(provider, "lookups")
    journal = Store(db, create=False).remote_jobs(first["job_key"])
    assert [r["remote_id"] for r in journal] == [line.split()[0] for line in
                                                 (provider / "submissions").read_text().splitlines()[len(sent):]]


def test_another_configuration_submits_its_own_remote_jobs(provider, tmp_path):
    (provider / "release").touch()
    db = tmp_path / "results.db"
    run_here(db)
    sent = submissions(provider)
    changed = run_here(db, shots=300)  # another job (its key differs), and other submissions
    assert changed["status"] == "done"
    assert len(submissions(provider)) == 2 * len(sent) and not set(submissions(provider)[len(sent):]) & set(sent)
    assert not lines(provider, "lookups")


def test_a_job_that_fails_remotely_is_a_failed_row_with_the_providers_message(provider, tmp_path):
    (provider / "release").touch()
    (provider / "fail").write_text(PROVIDER_MESSAGE)
    db = tmp_path / "results.db"
    result = run_here(db)
    assert result["status"] == "failed" and result["error_type"] == "RemoteJobError"
    assert PROVIDER_MESSAGE in result["error_message"] and "fake_manila" in result["error_message"]
    journal = Store(db, create=False).remote_jobs(result["job_key"])
    assert journal[0]["status"] == "failed" and PROVIDER_MESSAGE in journal[0]["message"]
    # a re-run submits the failed remote job anew (the provider may have recovered), never re-attaches to it
    (provider / "fail").unlink()
    assert run_here(db)["status"] == "done"
    assert not lines(provider, "lookups") and len(submissions(provider)) >= 2


def stored(db: Path) -> tuple[list[tuple], dict]:
    """The journal (remote id, status) and the job rows with a result, read as another process would."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        journal = conn.execute("SELECT remote_id, status FROM remote_jobs ORDER BY submitted_at, rowid").fetchall()
        cur = conn.execute("SELECT * FROM jobs WHERE status != 'running'")
        names = [d[0] for d in cur.description]
        return journal, {row[0]: dict(zip(names, row)) for row in cur.fetchall()}
    finally:
        conn.close()


@pytest.mark.integration  # three runs that import Qiskit, one killed with -9 mid-wait (about 30 s)
def test_kill_9_mid_wait_then_a_rerun_submits_nothing_twice_and_loses_no_result(provider, tmp_path, monkeypatch):
    import psutil  # a core dependency of qbench
    suite_file = tmp_path / "remote.toml"
    suite_file.write_text(suite())
    db = tmp_path / "results.db"
    command = [sys.executable, "-m", "qbench", "run", str(suite_file), "--db", str(db), "-j", "1"]

    # 1. the runner submits, then waits for a result the provider holds back: kill -9 it there
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not (provider / "waiting").exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.time() - t0 < 180, "the runner never waited for a remote result"
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    psutil.wait_procs(workers, timeout=10)
    sent = submissions(provider)
    ids = [line.split()[0] for line in (provider / "submissions").read_text().splitlines()]
    journal, rows = stored(db)
    assert sent and not rows  # submitted, no result yet
    assert journal == [(i, "submitted") for i in ids]  # in the store before the result was awaited

    # 2. the provider finishes its queue; the re-run re-attaches to what was submitted, and submits the rest
    (provider / "release").touch()
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "1 done, 0 failed" in rerun.stderr
    after = submissions(provider)
    assert after[:len(sent)] == sent and len(set(after)) == len(after)  # nothing submitted twice
    assert lines(provider, "lookups") == ids  # the killed run's remote jobs, each fetched by id
    journal, rows = stored(db)
    assert len(journal) == len(after) and {status for _, status in journal} == {"done"}
    (row,) = rows.values()
    assert row["status"] == "done"

    # 3. no result lost: the same job, never interrupted, submits as many jobs and scores the same
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "release").touch()
    monkeypatch.setenv("QBENCH_FAKE_IBM", str(clean))
    reference = run_here(tmp_path / "clean.db")
    assert len(submissions(clean)) == len(after)
    for metric in ("test_accuracy", "train_accuracy", "roc_auc", "shots_used", "circuit_executions"):
        assert row[metric] == reference[metric], metric
