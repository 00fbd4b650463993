"""Several runners on one store split the work: leases, renewal, takeover when a runner dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter, defaultdict

import pytest
from results_helpers import COUNTING, sql

from qbench.results.store import RUNNING, Store, lease_owner

N_JOBS = 12
SUITE = textwrap.dedent(f"""
    [suite]
    name = "shared"
    backends = ["test.counting"]
    plugins = ["{COUNTING}"]
    seeds = {list(range(N_JOBS))}
    [[datasets]]
    name = "moons"
    n_samples = 24
    params = {{ noise = 0.1 }}
    [[models]]
    name = "qsvm"
    kind = "kernel"
    params = {{ feature_map = "zz", feature_map_params = {{ reps = 1 }} }}
""")


def claim(store, key, owner, seconds=30.0, since="9999"):
    return store.claim(key, "s", key, "c", owner, seconds, since)


def test_a_claim_is_held_until_it_lapses_and_is_void_when_its_owner_is_dead(tmp_path):
    with Store(tmp_path / "r.db") as store:
        far = "another-host:1:abcd"
        assert claim(store, "k1", far, seconds=0.5) == "claimed"
        assert claim(store, "k1", lease_owner()) == "held"
        assert store.statuses() == {"k1": RUNNING} and store.rows() == []  # readers never see placeholders
        time.sleep(0.6)
        me = lease_owner()
        assert claim(store, "k1", me) == "claimed"  # the lease lapsed: taken over
        assert sql(tmp_path / "r.db", "SELECT lease_owner FROM jobs") == [(me,)]

        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        ghost = f"{os.uname().nodename}:{dead.pid}:0000"
        assert claim(store, "k2", ghost, seconds=3600) == "claimed"
        assert claim(store, "k2", me) == "claimed"  # a dead process on this host holds nothing

        store.record({"job_key": "k3", "suite": "s", "status": "done", "finished_at": "2026-01-01T00:00:00"})
        assert claim(store, "k3", me, since="2025") == "done"
        assert store.rows()[0]["lease_owner"] is None
        store.release(me)
        assert store.statuses() == {"k3": "done"}  # released placeholders are gone


def test_leases_are_renewed_while_the_runner_lives(tmp_path, monkeypatch):
    from qbench.run.runner import Leases

    monkeypatch.setenv("QBENCH_LEASE_SECONDS", "0.6")
    with Store(tmp_path / "r.db") as store:
        leases = Leases(store)
        assert claim(store, "k", leases.owner, seconds=0.6) == "claimed"
        time.sleep(1.5)  # more than twice the lease: only renewal keeps it
        assert claim(store, "k", lease_owner()) == "held"
        leases.close()
        assert claim(store, "k", lease_owner()) == "claimed"


def start(suite, db, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qbench", "run", str(suite), "--db", str(db), "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def evaluations(log) -> dict[int, Counter]:
    """backend seed (a function of the job's seed, so one per job) -> evaluations each worker process made."""
    out: dict[int, Counter] = defaultdict(Counter)
    for line in log.read_text().splitlines():
        seed, pid = map(int, line.split())
        out[seed][pid] += 1
    return out


@pytest.fixture
def shared(tmp_path, monkeypatch):
    path = tmp_path / "shared.toml"
    path.write_text(SUITE)
    log = tmp_path / "evaluations.log"
    env = {**os.environ, "QBENCH_TEST_EVALUATIONS": str(log), "QBENCH_LEASE_SECONDS": "5"}
    return path, tmp_path / "shared.db", log, env


@pytest.mark.slow
@pytest.mark.integration  # several processes, kill -9 or a 15 s timeout: CI runs it with -m integration
def test_two_runners_on_one_store_compute_every_job_once(shared):
    suite, db, log, env = shared
    procs = [start(suite, db, env), start(suite, db, env)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    counts = evaluations(log)
    assert len(counts) == N_JOBS
    assert all(len(per_pid) == 1 for per_pid in counts.values()), counts  # no job ran in both runners
    assert len({sum(per_pid.values()) for per_pid in counts.values()}) == 1, counts
    workers = {pid for per_pid in counts.values() for pid in per_pid}
    assert len(workers) == 2, "one runner did all the work: the test did not exercise sharing"
    assert sql(db, "SELECT status, count(*) FROM jobs GROUP BY status") == [("done", N_JOBS)]
    assert sql(db, "SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL") == [(0,)]
    errs = "".join(err for _, err in results)
    assert f"{N_JOBS} jobs" in errs and "run by another runner" in errs


@pytest.mark.slow
@pytest.mark.integration  # several processes, kill -9 or a 15 s timeout: CI runs it with -m integration
def test_kill_9_of_one_runner_loses_nothing(shared):
    suite, db, log, env = shared
    victim, survivor = start(suite, db, env), start(suite, db, env)
    t0 = time.time()
    while time.time() - t0 < 120:  # until the victim has finished a job and is running another
        mine = evaluations(log) if log.exists() else {}
        if sum(1 for per_pid in mine.values() for pid in per_pid) >= 4:
            break
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    assert sql(db, "SELECT status, count(*) FROM jobs GROUP BY status") == [("done", N_JOBS)]
    assert len(evaluations(log)) == N_JOBS
    # a re-run finds nothing left to do
    code = start(suite, db, env)
    out, err = code.communicate(timeout=300)
    assert code.returncode == 0 and f"0 done, 0 failed, 0 skipped, {N_JOBS} already done" in err, err
