"""The numpy backend within a memory budget: trimmed compiled circuits, chunked simulation, blockwise Grams."""

import os
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

from qbench.backends import statevector as sv
from qbench.backends.gram import blockwise_gram
from qbench.backends.numpy_backend import parse_memory_budget
from qbench.circuits import AngleFeatureMap, IQPFeatureMap, StronglyEntanglingAnsatz, ZZFeatureMap
from qbench.errors import QBenchError
from qbench.plugin.manager import open_backend


def test_compiled_runs_keep_only_rows_that_matter():
    c = AngleFeatureMap().circuit(6).then(StronglyEntanglingAnsatz(2).circuit(6))
    runs = [s for s in sv.compile_circuit(c) if isinstance(s, sv.FusedRun)]
    rows = sum(len(r.weight_rows) for r in runs)
    assert rows == sum(g.name == "RZ" for g in c.gates)  # one phase row per weight RZ, none for the other weights
    assert all(np.all(np.any(r.weight_phase != 0, axis=1)) for r in runs)
    assert sv.compiled_nbytes(c) < 40 * 2**6 * 8 * 2


def test_chunked_simulation_equals_gate_by_gate(rng):
    c = ZZFeatureMap().circuit(4).then(StronglyEntanglingAnsatz(1).circuit(4))
    angles, w = rng.uniform(0, np.pi, (37, c.n_data)), rng.normal(size=c.n_weights)
    assert sv.chunk_rows(37, 4, 4096) == 4  # the budget below does split the batch
    chunked = sv.simulate(c, angles, w, memory_budget=4096)
    assert np.allclose(chunked, sv.simulate_gate_by_gate(c, angles, w), atol=1e-12)


def test_state_batch_peak_is_near_the_states(rng):
    fm = ZZFeatureMap()
    c = fm.circuit(10)
    angles = fm.angles(rng.uniform(0, 1, (1500, 10)))  # 24 MiB of states: simulated in chunks
    sv.compile_circuit(c)
    tracemalloc.start()
    states = sv.simulate(c, angles, np.zeros(0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= 1.5 * states.nbytes


@pytest.mark.parametrize("symmetric", [True, False])
def test_blockwise_gram_equals_one_shot(rng, symmetric):
    fm = IQPFeatureMap(repeats=2)
    c = fm.circuit(3)
    a = fm.angles(rng.uniform(0, np.pi, (23, 3)))
    b = None if symmetric else fm.angles(rng.uniform(0, np.pi, (11, 3)))
    backend = open_backend("numpy")
    exact = backend.kernel_from_states(c, a, b)
    states = lambda x: sv.simulate(c, x, np.zeros(0))  # noqa: E731
    assert np.max(np.abs(blockwise_gram(states, a, b, 5) - exact)) <= 1e-12


def test_backend_switches_to_blocks_beyond_its_budget(rng):
    fm = ZZFeatureMap()
    c = fm.circuit(10)
    a = fm.angles(rng.uniform(0, 1, (40, 10)))
    small = open_backend("numpy", memory_budget="1 MiB")
    assert small.gram_block_rows(c, 40, 0) is not None
    assert open_backend("numpy").gram_block_rows(c, 40, 0) is None
    assert np.max(np.abs(small.kernel(c, a) - open_backend("numpy").kernel(c, a))) <= 1e-12
    assert np.max(np.abs(small.kernel(c, a, a[:7]) - open_backend("numpy").kernel(c, a, a[:7]))) <= 1e-12


def test_memory_budget_option_is_checked():
    assert parse_memory_budget("1 GiB") == 2**30 and parse_memory_budget("512MB") == 512 * 10**6
    assert parse_memory_budget(2**21) == 2**21
    with pytest.raises(QBenchError, match="memory_budget"):
        open_backend("numpy", memory_budget="lots")
    with pytest.raises(QBenchError, match="at least 1 MiB"):
        open_backend("numpy", memory_budget=10)


@pytest.mark.slow
def test_gram_peak_rss_stays_within_the_budget():
    """In a fresh process: a 12-qubit Gram whose states are 10 MiB, under a 2 MiB budget, adds far less than them."""
    script = textwrap.dedent("""
        import resource, numpy as np
        from qbench.circuits import ZZFeatureMap
        from qbench.plugin.manager import open_backend
        fm = ZZFeatureMap(); c = fm.circuit(12)
        a = fm.angles(np.random.default_rng(0).uniform(0, 1, (160, 12)))
        b = open_backend("numpy", memory_budget="2 MiB")
        b.kernel(c, a[:2])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        k = b.kernel(c, a)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
    """)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    states = 160 * 16 * 2**12
    assert int(run.stdout) < 6 * 2**20 < states / 1.5
