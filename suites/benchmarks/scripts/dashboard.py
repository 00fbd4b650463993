"""Dashboard benchmark: fill a store with synthetic jobs through the store API, time ``qbench report``, size the site.

    python suites/benchmarks/scripts/dashboard.py --jobs 10000 --dir /tmp/qbench-dash-bench

The synthetic rows look like a large real run: 5 data sets x 4 sizes x 5 qubit counts,
a quantum kernel and a QNN on 4 backends in 2 modes, 2 classical baselines, 6 seeds (cut at --jobs),
about 5% failures with tracebacks and some skipped jobs; kernel jobs carry a 16 x 16
kernel sample and QNNs a 200-point loss curve, as the runner stores them.  The target
(issue #7) is under 10 s and under 20 MB for 10,000 jobs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATASETS = ("moons", "circles", "ad_hoc", "two_curves", "hidden_manifold")
SIZES = (50, 100, 200, 400)
QUBITS = (2, 4, 6, 8, 10)
BACKENDS = (("numpy", "numpy"), ("qiskit", "qiskit"), ("pennylane", "pennylane"), ("cirq", "cirq"))
MODES = (("exact", None), ("shots", 1024))
SEEDS = (0, 1, 2, 3, 4, 5)
SLOWDOWN = {"numpy": 1.0, "qiskit": 3.0, "pennylane": 6.0, "cirq": 4.0}
TRACEBACK = "Traceback (most recent call last):\n" + "".join(
    f'  File "/site-packages/qbench/module{i}.py", line {10 * i}, in step{i}\n    result = step{i + 1}(x)\n'
    for i in range(20)) + "RuntimeError: synthetic failure"


def synthetic_rows(n_jobs: int, suite: str = "synthetic", seed: int = 0):
    """``n_jobs`` store rows (dicts), deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    env = {"python": "3.11.7", "qbench": "0.1.0", "hostname": "bench", "cpu_model": "Synthetic CPU", "cpu_count": 16,
           "platform": "Linux", "packages": {"numpy": "2.4", "qiskit": "2.6", "pennylane": "0.45", "cirq-core": "1.7"}}
    models = [("qsvm", "kernel", None, {"feature_map": "zz", "feature_map_params": {"reps": 2}}),
              ("qnn", "qnn", None, {"feature_map": "angle", "ansatz": "hardware_efficient"}),
              ("svc_rbf", "baseline", "svc_rbf", {}), ("logreg", "baseline", "logistic_regression", {})]
    count = 0
    for dataset, n, q in itertools.product(DATASETS, SIZES, QUBITS):
        for (model, kind, baseline, params) in models:
            targets = [("classical", "scikit-learn", "classical", None)] if kind == "baseline" else \
                [(b, f, m, s) for b, f in BACKENDS for m, s in MODES]
            for (backend, framework, mode, shots), seed_ in itertools.product(targets, SEEDS):
                if count >= n_jobs:
                    return
                count += 1
                label = f"{dataset}[n={n},d={q}]/{model}/{backend}/{mode}/seed={seed_}"
                row = {"job_key": f"{suite}-{count:06d}", "suite": suite, "label": label, "dataset": dataset,
                       "n_samples": n, "n_features": q, "test_size": 0.25, "dataset_params": {},
                       "preprocess": {"n_qubits": None, "reduction": None, "scaling": "minmax"}, "model": model,
                       "kind": kind, "baseline": baseline, "model_params": params, "grid": {}, "cv": 3,
                       "backend": backend, "framework": framework, "mode": mode, "shots": shots, "seed": seed_,
                       "environment": env, "python_version": "3.11.7", "qbench_version": "0.1.0",
                       "framework_version": "1.0", "cpu_model": "Synthetic CPU", "hostname": "bench",
                       "finished_at": "2026-01-01T00:00:00+00:00"}
                u = rng.random()
                if kind != "baseline" and u < 0.05:
                    row.update(status="failed", error_type="RuntimeError", error_message=f"synthetic failure {count}",
                               artifacts={"error": {"type": "RuntimeError", "message": "synthetic failure",
                                                    "traceback": TRACEBACK}})
                elif kind != "baseline" and u < 0.07:
                    row.update(status="skipped", error_type="Unsupported", error_message="too many qubits",
                               artifacts={"skip_reason": "too many qubits"})
                else:
                    base = 0.05 * n / 50 * (2 ** (q / 2)) * SLOWDOWN.get(backend, 1.0) * (1.0 if kind != "baseline" else 0.02)
                    acc = float(np.clip(0.85 - 0.02 * q + 0.05 * rng.standard_normal(), 0, 1))
                    artifacts = {"n_qubits": q, "circuit_depth": 4 * q, "two_qubit_gates": 2 * q}
                    if kind == "kernel":
                        k = rng.random((16, 16)) * 2.0 ** -q
                        k = (k + k.T) / 2
                        np.fill_diagonal(k, 1.0)
                        artifacts.update(kernel_sample=np.round(k, 6).tolist(), kernel_offdiag_variance=float(2.0 ** -q))
                    elif kind == "qnn":
                        artifacts.update(loss_curve=[float(0.7 * np.exp(-i / 60) + 0.2) for i in range(200)],
                                         loss_curve_epochs=200, gradient_variance_over_inits=float(2.0 ** -q))
                    row.update(status="done", test_accuracy=acc, balanced_accuracy=acc, f1=acc, roc_auc=acc,
                               train_accuracy=min(1.0, acc + 0.05), fit_time=base * (1 + 0.1 * rng.random()),
                               predict_time=base / 10, total_time=base * 1.2,
                               n_qubits=q if kind != "baseline" else None, n_train=int(n * 0.75),
                               n_test=n - int(n * 0.75), artifacts=artifacts)
                yield row


def fill(db: Path, n_jobs: int, suites: int = 1) -> int:
    """Write ``n_jobs`` synthetic rows, split over ``suites`` suites, one ``Store.record`` per row."""
    from qbench.results.store import Store

    per = -(-n_jobs // suites)
    written = 0
    with Store(db) as store:
        for s in range(suites):
            for row in synthetic_rows(min(per, n_jobs - written), suite=f"synthetic{s if suites > 1 else ''}", seed=s):
                store.record(row)
                written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--suites", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/qbench-dashboard-bench"))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"bench-{args.jobs}.db"
    if not db.exists():
        t0 = time.perf_counter()
        n = fill(db, args.jobs, args.suites)
        print(f"filled {db} with {n} jobs in {time.perf_counter() - t0:.1f} s ({db.stat().st_size / 2**20:.1f} MiB)")
    out = args.dir / "site"
    times, cpu = [], []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "qbench", "report", "--db", str(db), "--out", str(out)],
                              capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    pages = {p.name: p.stat().st_size for p in sorted(out.glob("*.html"))}
    print(json.dumps({"jobs": args.jobs, "suites": args.suites, "qbench_report_seconds": [round(t, 2) for t in times],
                      "qbench_report_cpu_seconds": [round(t, 2) for t in cpu],
                      "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
                      "site_bytes": size, "site_mib": round(size / 2**20, 2),
                      "pages": pages, "report_stderr": proc.stderr.strip()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
