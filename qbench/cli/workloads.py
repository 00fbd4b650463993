"""Micro-benchmarks of the two tasks on any backend (``qbench bench``), for docs/performance.md."""

from __future__ import annotations

import time

import numpy as np

from qbench.backends.memory import check_fits
from qbench.circuits.feature_maps import AngleFeatureMap, ZZFeatureMap
from qbench.circuits.ansatze import HardwareEfficientAnsatz
from qbench.circuits.observables import parity_observable
from qbench.plugin.manager import open_backend


def _best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def kernel_step(backend: str, n_qubits: int, n_samples: int = 200, mode: str = "exact", seed: int = 0, **options):
    """One symmetric Gram matrix of the ZZ map (reps 2, full entanglement) on ``backend``, as a callable."""
    fm = ZZFeatureMap(reps=2, entanglement="full")
    circuit = fm.circuit(n_qubits)
    check_fits(circuit, n_samples, mode, "kernel")  # the Gram matrix of a million samples is 15 TiB
    rng = np.random.default_rng(seed)
    angles = fm.angles(rng.uniform(0, np.pi, size=(n_samples, n_qubits)))
    b = open_backend(backend, mode=mode, seed=seed, **options)
    return lambda: b.kernel(circuit, angles)


def kernel_time(backend: str, n_qubits: int, n_samples: int = 200, repeat: int = 3, mode: str = "exact",
                seed: int = 0, **options) -> float:
    """Best-of-``repeat`` seconds for the symmetric Gram matrix of the ZZ map (reps 2, full entanglement)."""
    return _best_of(kernel_step(backend, n_qubits, n_samples, mode, seed, **options), repeat)


def interleaved(steps: dict, repeat: int) -> dict:
    """Best-of-``repeat`` seconds of each callable, timed in turn within each round, so a slow spell of a shared
    machine falls on every backend alike and ratios between them survive it."""
    best = {name: float("inf") for name in steps}
    for _ in range(repeat):
        for name, fn in steps.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def qnn_time(backend: str, n_qubits: int = 6, layers: int = 3, n_samples: int = 100, repeat: int = 3,
             mode: str = "exact", seed: int = 0, **options) -> float:
    """Best-of-``repeat`` seconds for one forward pass plus one VJP (angle map + hardware-efficient ansatz, parity)."""
    return _best_of(qnn_step(backend, n_qubits, layers, n_samples, mode, seed, **options), repeat)


def qnn_step(backend: str, n_qubits: int = 6, layers: int = 3, n_samples: int = 100, mode: str = "exact",
             seed: int = 0, **options):
    """One forward pass plus one VJP (angle map + hardware-efficient ansatz, parity) on ``backend``, as a callable."""
    fm, an = AngleFeatureMap("Y"), HardwareEfficientAnsatz(layers=layers)
    circuit = fm.circuit(n_qubits).then(an.circuit(n_qubits))
    check_fits(circuit, n_samples, mode, "qnn")
    rng = np.random.default_rng(seed)
    angles = fm.angles(rng.uniform(0, np.pi, size=(n_samples, n_qubits)))
    weights = rng.uniform(-np.pi, np.pi, circuit.n_weights)
    obs = parity_observable(n_qubits)
    cot = rng.normal(size=n_samples)
    b = open_backend(backend, mode=mode, seed=seed, **options)

    def step():
        b.expval(circuit, angles, weights, obs)
        b.vjp(circuit, angles, weights, obs, cot)

    return step


def machine_limits(size_mb: int = 256, repeat: int = 5) -> dict:
    """Measured memory bandwidth (GB/s, read + write of a copy) and complex128 matmul rate (GFLOP/s)."""
    n = size_mb * 2**20 // 8
    src, dst = np.ones(n), np.empty(n)
    copy = _best_of(lambda: np.copyto(dst, src), repeat)
    a = np.random.default_rng(0).normal(size=(1024, 1024)) + 0j
    mm = _best_of(lambda: a @ a, repeat)
    return {"bandwidth_gbs": 2 * n * 8 / copy / 1e9, "matmul_gflops": 8 * 1024**3 / mm / 1e9}


def kernel_floor(n_qubits: int, n_samples: int, limits: dict) -> dict:
    """Lower bounds for an exact Gram matrix: write + read the states once; the Gram product's flops."""
    state_bytes = n_samples * 2**n_qubits * 16
    gram_flops = 8 * n_samples**2 * 2**n_qubits  # complex multiply-add = 8 real flops
    return {"memory_s": 2 * state_bytes / (limits["bandwidth_gbs"] * 1e9),
            "matmul_s": gram_flops / (limits["matmul_gflops"] * 1e9)}
