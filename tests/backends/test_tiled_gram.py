"""The tiled Dask Gram equals the one-shot Gram; tiles land in a memory-mapped .npy."""

import os

import numpy as np
import pytest
from distributed import Client, LocalCluster

from qbench.backends.tiled_gram import tile_jobs, tiled_gram
from qbench.circuits import IQPFeatureMap
from qbench.errors import QBenchError
from qbench.plugin.manager import open_backend


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture
def data(rng):
    fm = IQPFeatureMap(repeats=2)
    return fm.circuit(3), fm.angles(rng.uniform(0, np.pi, (23, 3))), fm.angles(rng.uniform(0, np.pi, (9, 3)))


def test_tile_jobs_cover_the_upper_triangle_once():
    assert tile_jobs(5, None, 2) == [(0, 0), (0, 2), (0, 4), (2, 2), (2, 4), (4, 4)]
    assert len(tile_jobs(5, 3, 2)) == 3 * 2


@pytest.mark.parametrize("write", ["client", "worker"])
def test_tiled_gram_equals_one_shot(tmp_path, client, data, write):
    c, a, b = data
    exact = open_backend("numpy").kernel(c, a)
    k = tiled_gram(c, a, path=tmp_path / "k", tile=5, client=client, write=write)
    assert isinstance(k, np.memmap) and k.shape == exact.shape
    assert np.max(np.abs(k - exact)) <= 1e-12
    cross = tiled_gram(c, a, b, path=tmp_path / "kab", tile=4, client=client, write=write)
    assert np.max(np.abs(cross - open_backend("numpy").kernel(c, a, b))) <= 1e-12
    assert np.array_equal(np.load(tmp_path / "kab.npy"), np.asarray(cross))


def test_tiled_gram_refuses_bad_arguments(tmp_path, client, data):
    c, a, _ = data
    with pytest.raises(QBenchError, match="write"):
        tiled_gram(c, a, path=tmp_path / "k", client=client, write="nowhere")
    with pytest.raises(QBenchError, match="tile"):
        tiled_gram(c, a, path=tmp_path / "k", client=client, tile=0)


@pytest.mark.slow
def test_tiled_gram_on_a_local_process_cluster(tmp_path, data):
    c, a, _ = data
    k = tiled_gram(c, a, path=tmp_path / "k", tile=8, n_workers=2, memory_limit="1GB")
    assert np.max(np.abs(k - open_backend("numpy").kernel(c, a))) <= 1e-12


def counting_compute_tile(*args):
    """``compute_tile`` that logs each call to ``$QBENCH_TEST_TILES`` (the cluster's workers run in this process)."""
    from qbench.backends import tiled_gram as T

    with open(os.environ["QBENCH_TEST_TILES"], "a", encoding="ascii") as fh:
        fh.write("tile\n")
    return T.real_compute_tile(*args)


@pytest.mark.parametrize("write", ["client", "worker"])
def test_an_interrupted_tiled_gram_resumes_without_recomputing_finished_tiles(tmp_path, client, data, monkeypatch,
                                                                              write):
    import qbench.backends.tiled_gram as T

    c, a, _ = data
    log = tmp_path / "tiles.log"
    monkeypatch.setenv("QBENCH_TEST_TILES", str(log))
    monkeypatch.setattr(T, "real_compute_tile", T.compute_tile, raising=False)
    monkeypatch.setattr(T, "compute_tile", counting_compute_tile)
    total = len(tile_jobs(len(a), None, 5))  # 15 tiles
    k = 6
    journaled = T._journal_tile
    calls = []

    def fault_after_k(journal, i, j):  # the fault: the run dies after k tiles are finished
        if len(calls) == k:
            raise KeyboardInterrupt("killed mid-way")
        calls.append((i, j))
        journaled(journal, i, j)

    monkeypatch.setattr(T, "_journal_tile", fault_after_k)
    with pytest.raises(KeyboardInterrupt):
        tiled_gram(c, a, path=tmp_path / "k", tile=5, client=client, write=write, max_in_flight=1)
    partial, journal = T.unfinished_paths(tmp_path / "k.npy")
    assert not (tmp_path / "k.npy").exists(), "an unfinished Gram must not look finished"
    assert partial.exists() and len(journal.read_text().splitlines()) == 1 + k
    assert len(log.read_text().splitlines()) == k + 1  # the k finished tiles and the one in flight
    log.unlink(missing_ok=True)
    monkeypatch.setattr(T, "_journal_tile", journaled)
    k_full = tiled_gram(c, a, path=tmp_path / "k", tile=5, client=client, write=write, max_in_flight=1)
    assert len(log.read_text().splitlines()) == total - k  # only the tiles the journal did not list
    assert np.max(np.abs(k_full - open_backend("numpy").kernel(c, a))) <= 1e-12
    assert not partial.exists() and not journal.exists()
    # another input under the same name is never resumed from a journal of the first
    other = tiled_gram(c, a[:11], path=tmp_path / "k", tile=5, client=client, write=write)
    assert other.shape == (11, 11)



KILLABLE = """
import os, sys, time
import numpy as np
from distributed import Client, LocalCluster
import qbench.backends.tiled_gram as T
from qbench.circuits import IQPFeatureMap

real = T.compute_tile


def counted(*args):
    time.sleep(float(os.environ.get("TILE_DELAY", "0")))
    with open(os.environ["QBENCH_TEST_TILES"], "a", encoding="ascii") as fh:
        fh.write("tile\\n")
    return real(*args)


T.compute_tile = counted
fm = IQPFeatureMap(repeats=2)
a = fm.angles(np.random.default_rng(0).uniform(0, np.pi, (40, 3)))
with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
    with Client(cluster) as client:
        T.tiled_gram(fm.circuit(3), a, path=sys.argv[1], tile=5, client=client, max_in_flight=1)
"""


@pytest.mark.slow
@pytest.mark.integration  # kill -9 of a process computing a Gram: CI runs it with -m integration
def test_a_tiled_gram_killed_mid_way_resumes_from_its_journal(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    import qbench.backends.tiled_gram as T

    script, log, target = tmp_path / "gram.py", tmp_path / "tiles.log", tmp_path / "k.npy"
    script.write_text(KILLABLE)
    env = {**os.environ, "QBENCH_TEST_TILES": str(log), "TILE_DELAY": "0.2"}
    partial, journal = T.unfinished_paths(target)
    proc = subprocess.Popen([sys.executable, str(script), str(target)], env=env)
    t0 = time.time()
    while time.time() - t0 < 120 and not (journal.exists() and len(journal.read_text().splitlines()) > 10):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert not target.exists() and partial.exists(), "a killed Gram must be marked unfinished"
    finished = len(journal.read_text().split("\n")[1:-1])  # complete lines only, as the resume reads them
    total = len(tile_jobs(40, None, 5))
    assert 10 <= finished < total
    log.unlink()
    done = subprocess.run([sys.executable, str(script), str(target)], env={**env, "TILE_DELAY": "0"}, timeout=300)
    assert done.returncode == 0
    assert len(log.read_text().splitlines()) == total - finished  # not one finished tile computed again
    fm = IQPFeatureMap(repeats=2)
    a = fm.angles(np.random.default_rng(0).uniform(0, np.pi, (40, 3)))
    assert np.max(np.abs(np.load(target) - open_backend("numpy").kernel(fm.circuit(3), a))) <= 1e-12
    assert not partial.exists() and not journal.exists()
