"""A Dask worker killed mid-suite loses no stored row and costs at most the jobs it was running.

Each Dask future is released as soon as its row is stored; before that, the scheduler recomputed every
finished job whose result had lived on the dead worker.  Evaluations are counted by the counting backend
(``tests/results/counting_backend.py``), on a ``LocalCluster`` of worker processes and on an external
scheduler (``dask scheduler`` and ``dask worker`` processes on localhost), each with two one-thread workers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sys as _sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from requires import require

require("distributed", "dask")

_sys.path.insert(0, str(Path(__file__).parents[1] / "results"))
from results_helpers import COUNTING, sql  # noqa: E402

N_JOBS = 10
#: Rows stored before a worker is killed: with two workers, each has finished some.
STORED_BEFORE_KILL = 4
SUITE = textwrap.dedent(f"""
    [suite]
    name = "daskfault"
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


def _wait(predicate, seconds: float, what: str):
    t0 = time.time()
    while time.time() - t0 < seconds:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


def _done(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        return sql(db, "SELECT count(*) FROM jobs WHERE status = 'done'")[0][0]
    except Exception:  # the runner is creating the store
        return 0


def _worker_pids(address: str) -> dict[str, int]:
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run(os.getpid)


@pytest.fixture
def counting_env(tmp_path, monkeypatch):
    log = tmp_path / "evaluations.log"
    monkeypatch.setenv("QBENCH_TEST_EVALUATIONS", str(log))
    return log


@pytest.fixture
def local_cluster(counting_env):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def external_scheduler(tmp_path, counting_env):
    """``dask scheduler`` and two ``dask worker --no-nanny`` processes on localhost; their address."""
    info = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [subprocess.Popen(dask + ["--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0",
                                      "--scheduler-file", str(info)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait(lambda: info.exists() and info.stat().st_size > 0, 60, "the scheduler")
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
                                           str(info), "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        address = json.loads(info.read_text())["address"]
        _wait(lambda: len(_worker_pids(address)) == 2, 60, "two workers")
        yield address
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.slow
@pytest.mark.integration  # a cluster of processes and kill -9: CI runs it with -m integration
@pytest.mark.parametrize("cluster", ["local_cluster", "external_scheduler"])
def test_a_killed_dask_worker_costs_only_its_running_jobs(request, cluster, counting_env, tmp_path):
    address = request.getfixturevalue(cluster)
    suite, db, log = tmp_path / "s.toml", tmp_path / "r.db", counting_env
    suite.write_text(SUITE)
    runner = subprocess.Popen([sys.executable, "-m", "qbench", "run", str(suite), "--db", str(db), "--executor",
                               "dask", "--address", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=os.environ.copy())
    try:
        _wait(lambda: _done(db) >= STORED_BEFORE_KILL or runner.poll() is not None, 240, "rows to be stored")
        assert runner.poll() is None, "the suite finished before a worker could be killed"
        stored_before = _done(db)
        victim = sorted(_worker_pids(address).values())[0]
        os.kill(victim, signal.SIGKILL)
        out, err = runner.communicate(timeout=300)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 0, err
    assert stored_before < N_JOBS
    # 0 lost rows: every job done, nothing left claimed
    assert sql(db, "SELECT status, count(*) FROM jobs GROUP BY status") == [("done", N_JOBS)]
    assert sql(db, "SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL") == [(0,)]
    # at most the killed worker's running job (one thread) evaluated again
    per_job = Counter(int(line.split()[0]) for line in log.read_text().splitlines())
    assert len(per_job) == N_JOBS
    once = min(per_job.values())
    redone = {seed: n for seed, n in per_job.items() if n > once}
    assert len(redone) <= 1 and all(n <= 2 * once for n in redone.values()), (per_job, stored_before)
