"""Runner benchmarks for docs/perf/runner.md (not a test: pytest does not collect it).

    python suites/benchmarks/scripts/runner.py overhead     # runner time per job outside fit/predict
    python suites/benchmarks/scripts/runner.py throughput   # -j 2 against -j 1 on a CPU-bound suite
    python suites/benchmarks/scripts/runner.py grid         # bowles2024 IQP grid: Gram reuse against cache=False
    python suites/benchmarks/scripts/runner.py calibrate    # pure-Python work in 1 and 2 processes: the machine's ceiling

Each prints one JSON line of numbers.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _suite(tmp: Path, name: str, text: str) -> Path:
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def overhead(n_jobs: int = 40) -> dict:
    """Tiny jobs (2-qubit kernel, 30 samples, no grid) with -j 1: what the runner adds around fit and predict."""
    from qbench.run.runner import run_suite
    from qbench.results.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        suite = _suite(tmp, "overhead", f"""
[suite]
name = "overhead"
backends = ["numpy"]
seeds = {list(range(n_jobs))}
[[datasets]]
name = "moons"
n_samples = 30
[[models]]
name = "k"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = 1 }} }}
""")
        t0 = time.perf_counter()
        df = run_suite(suite, db=tmp / "o.db", jobs=1, progress=False)
        total = time.perf_counter() - t0
        model = df["fit_time"] + df["predict_time"]
        import pandas as pd

        started, ended = pd.to_datetime(df["started_at"]), pd.to_datetime(df["finished_at"])
        span = (ended.max() - started.min()).total_seconds()  # first job start to last job end: steady state
        inside = df["wall_time"] - model  # dispatch -> result received, minus fit and predict
        # the parent's share: writing the row (the rest of its loop is bookkeeping)
        row = df.iloc[0].to_dict()
        with Store(tmp / "w.db") as store:
            writes = []
            for i in range(50):
                r = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()
                     if k in ("job_key", "suite", "status", "test_accuracy", "artifacts", "environment", "config",
                              "best_params", "fit_time", "wall_time")}
                r["job_key"] = f"k{i}"
                t = time.perf_counter()
                store.record(r)
                writes.append(time.perf_counter() - t)
    return {
        "jobs": n_jobs,
        "overhead_in_job_median_ms": 1000 * float(inside.median()),
        "overhead_in_job_p90_ms": 1000 * float(inside.quantile(0.9)),
        "store_write_median_ms": 1000 * statistics.median(writes),
        "fit_predict_median_ms": 1000 * float(model.median()),
        "suite_wall_s": total,
        "steady_state_overhead_per_job_ms": 1000 * (span - float(model.sum())) / n_jobs,
        "startup_and_teardown_s": total - span,
        "end_to_end_overhead_per_job_ms": 1000 * (total - float(model.sum())) / n_jobs,
    }


def throughput(n_jobs: int = 12, qubits: int = 12, threads: int = 1) -> dict:
    """A CPU-bound suite (``qubits``-qubit ZZ kernel, 300 samples, no grid) with -j 1 and -j 2, each from a fresh store.

    Every worker gets ``threads`` BLAS/OpenMP threads in both runs, so only the number of jobs differs;
    the runs alternate (-j 2, -j 1, -j 2, -j 1) to spread any drift in the machine's load.
    """
    import os

    from qbench.run.runner import run_suite

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        suite = _suite(tmp, "cpu", f"""
[suite]
name = "cpu"
backends = ["numpy"]
seeds = {list(range(n_jobs))}
[[datasets]]
name = "hidden_manifold"
n_samples = 300
n_features = {qubits}
[[models]]
name = "k"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = 2, entanglement = "full" }}, cache = false }}
""")
        out = {"jobs": n_jobs, "qubits": qubits, "threads_per_worker": threads}
        walls: dict[int, list[float]] = {1: [], 2: []}
        medians: dict[int, list[float]] = {1: [], 2: []}
        busy: dict[int, list[float]] = {1: [], 2: []}
        for rep, j in enumerate((2, 1, 2, 1)):
            t0 = time.perf_counter()
            df = run_suite(suite, db=tmp / f"j{j}-{rep}.db", jobs=j, progress=False)
            walls[j].append(time.perf_counter() - t0)
            medians[j].append(float(df["total_time"].median()))
            # occupancy: the share of (first job start .. last job end) x workers with a job in flight (1.0 = never idle)
            import pandas as pd

            span = (pd.to_datetime(df["finished_at"]).max() - pd.to_datetime(df["started_at"]).min()).total_seconds()
            busy[j].append(float(df["wall_time"].sum()) / (span * j))
            assert set(df["status"]) == {"done"}
        for j in (1, 2):
            out[f"wall_j{j}_s"] = walls[j]
            out[f"job_median_j{j}_s"] = medians[j]
            out[f"occupancy_j{j}"] = busy[j]
        out["speedup"] = statistics.mean(walls[1]) / statistics.mean(walls[2])
    return out


def _spin(n: int) -> float:
    """Pure-Python CPU work: no memory traffic, no libraries."""
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - t0


def _timed_worker(n: int, barrier, results) -> None:
    barrier.wait()
    results.put(_spin(n))


def calibrate(n: int = 30_000_000) -> dict:
    """How much faster two processes do the same CPU work as one on this machine right now (the ceiling for -j 2)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    out = {}
    for k in (1, 2):
        barrier, results = ctx.Barrier(k), ctx.Queue()
        procs = [ctx.Process(target=_timed_worker, args=(n // k, barrier, results)) for _ in range(k)]
        for p in procs:
            p.start()
        out[f"{k}_process_s"] = max(results.get() for _ in procs)
        for p in procs:
            p.join()
    out["machine_speedup"] = out["1_process_s"] / out["2_process_s"]
    return out


def grid(dataset: str = "linearly_separable", n_features: int = 4, seed: int = 0) -> dict:
    """The bowles2024 IQP-kernel job of one data set, run in-process with the kernel cache on and off."""
    from qbench.backends.numpy_backend import NumpyBackend
    from qbench.run.evaluate import evaluate
    from qbench.suite.jobs import expand
    from qbench.suite.parse import load_suite

    suite = load_suite(Path(__file__).resolve().parents[2] / "suites" / "bowles2024.toml")
    job = next(j for j in expand(suite) if j.model == "iqp_kernel" and j.dataset == dataset
               and j.n_features == n_features and j.seed == seed)
    calls = {"n": 0}
    original = NumpyBackend._kernel

    def counting(self, circuit, a, b):
        calls["n"] += 1
        return original(self, circuit, a, b)

    NumpyBackend._kernel = counting
    out = {"job": job.label, "grid_points": 4 * 2, "folds": job.cv}
    walls: dict[str, list[float]] = {"reuse": [], "no_reuse": []}
    try:
        # the first call imports the estimators and warms caches; it is not timed
        for rep, cache in enumerate((True, True, False, True, False)):
            job.model_params = {**job.model_params, "cache": cache}
            calls["n"] = 0
            t0 = time.perf_counter()
            result = evaluate(job)
            if rep == 0:
                continue
            key = "reuse" if cache else "no_reuse"
            walls[key].append(time.perf_counter() - t0)
            out[f"{key}_gram_computations"] = calls["n"]
            out[f"{key}_circuit_executions"] = result["circuit_executions"]
            out[f"{key}_test_accuracy"] = result["test_accuracy"]
            out[f"{key}_best_params"] = result["best_params"]
    finally:
        NumpyBackend._kernel = original
    for key, values in walls.items():
        out[f"{key}_wall_s"] = statistics.mean(values)
    out["wall_saving"] = out["no_reuse_wall_s"] / out["reuse_wall_s"]
    return out


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "overhead"
    args = [int(a) if a.isdigit() else a for a in sys.argv[2:]]
    print(json.dumps({"benchmark": which, **{"overhead": overhead, "throughput": throughput, "grid": grid, "calibrate": calibrate}[which](*args)}))
