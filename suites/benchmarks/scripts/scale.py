"""Speed-and-scale benchmarks of issue 16 (docs/performance.md, "Speed and scale"): one case per subcommand.

    python suites/benchmarks/scripts/scale.py CASE [--size N] ...

Cases: ``compiled`` (compiled size of a strongly entangling circuit), ``statemem`` (peak memory of a
state batch / the states), ``gram16`` (16-qubit ZZ Gram, peak RSS), ``psvjp`` (numpy parameter-shift VJP),
``qnnfit`` (the quickstart's QNN fitted in shots mode against exact mode),
``qnnstep`` (one QNN training step), ``grid`` (Bowles IQP grid vs bare NumPy), ``tiled`` (tiled Gram on a
LocalCluster vs single-process blockwise), ``nystroem`` (Nyström fit + predict vs exact).  Each prints one
JSON line.  Cases that compare against the code before issue 16 are run twice: once here, once with
``PYTHONPATH`` pointing at a checkout of that commit (``--baseline`` only names it in the output).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_compiled(args) -> dict:
    from qbench.backends import statevector as sv
    from qbench.circuits import AngleFeatureMap, StronglyEntanglingAnsatz

    c = AngleFeatureMap().circuit(args.qubits).then(StronglyEntanglingAnsatz(2).circuit(args.qubits))
    total = 0
    for step in sv.compile_circuit(c):
        if isinstance(step, sv.FusedRun):
            total += sum(getattr(a, "nbytes", 0) for a in vars(step).values() if isinstance(a, np.ndarray))
    return {"qubits": args.qubits, "compiled_mib": total / 2**20}


def case_statemem(args) -> dict:
    import tracemalloc

    from qbench.backends import statevector as sv
    from qbench.circuits import ZZFeatureMap

    fm = ZZFeatureMap()
    c = fm.circuit(args.qubits)
    angles = fm.angles(np.random.default_rng(0).uniform(0, 1, (args.size, args.qubits)))
    sv.compile_circuit(c)
    tracemalloc.start()
    states = sv.simulate(c, angles, np.zeros(0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"qubits": args.qubits, "samples": args.size, "states_mib": states.nbytes / 2**20,
            "peak_over_states": peak / states.nbytes}


def case_gram16(args) -> dict:
    from qbench.circuits import ZZFeatureMap
    from qbench.plugin.manager import open_backend

    fm = ZZFeatureMap()
    c = fm.circuit(args.qubits)
    angles = fm.angles(np.random.default_rng(0).uniform(0, 1, (args.size, args.qubits)))
    t0 = time.perf_counter()
    k = open_backend("numpy").kernel(c, angles)
    return {"qubits": args.qubits, "samples": args.size, "states_gb": args.size * 16 * 2**args.qubits / 1e9,
            "seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb(), "diag_ok": bool(np.allclose(np.diag(k), 1))}


def case_psvjp(args) -> dict:
    from qbench.circuits import AngleFeatureMap, StronglyEntanglingAnsatz, parity_observable
    from qbench.plugin.manager import open_backend

    n = args.qubits
    c = AngleFeatureMap().circuit(n).then(StronglyEntanglingAnsatz(2).circuit(n))
    rng = np.random.default_rng(0)
    angles, w, cot = rng.uniform(0, np.pi, (8, n)), rng.normal(size=c.n_weights), rng.normal(size=8)
    b = open_backend("numpy", mode="shots", shots=1000, seed=0, gradient="parameter-shift")
    t0, c0 = time.perf_counter(), time.process_time()
    b.vjp(c, angles, w, parity_observable(n), cot)
    return {"qubits": n, "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
            "peak_rss_mb": peak_rss_mb()}


def case_qnnfit(args) -> dict:
    """The quickstart's QNN (angle map, hardware-efficient 1 layer, parity, 10 epochs) fitted in exact and in shots mode."""
    from qbench.datasets.generators import linearly_separable
    from qbench.models.qnn import QNNClassifier

    X, y = linearly_separable(n_samples=200, n_features=args.qubits, seed=0)
    X, y = X[:150], y[:150]
    params = dict(feature_map="angle", ansatz="hardware_efficient", ansatz_params={"layers": 1}, observable="parity",
                  max_iter=10, batch_size=64, learning_rate=0.1, random_state=0)
    out = {"qubits": args.qubits, "samples": len(X)}
    QNNClassifier(**params).fit(X[:8], y[:8])  # warm-up: imports, circuit compilation
    for mode, extra in (("exact", {}), ("shots", {"mode": "shots", "shots": 1024})):
        t0, c0 = time.perf_counter(), time.process_time()
        model = QNNClassifier(**params, **extra).fit(X, y)
        out[f"{mode}_seconds"] = time.perf_counter() - t0
        out[f"{mode}_cpu_seconds"] = time.process_time() - c0
        out[f"{mode}_train_accuracy"] = float(model.score(X, y))
    out["shots_over_exact"] = out["shots_seconds"] / out["exact_seconds"]
    out["shots_over_exact_cpu"] = out["shots_cpu_seconds"] / out["exact_cpu_seconds"]
    return out


def case_qnnstep(args) -> dict:
    from qbench.models.qnn import QNNClassifier

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (args.size, args.qubits))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    opts = {"gradient": "adjoint"}
    model = QNNClassifier(feature_map="angle", ansatz="strongly_entangling", ansatz_params={"layers": 2},
                          observable="parity", backend=args.backend, batch_size=32, max_iter=1, random_state=0, **opts)
    model.fit(X[:32], y[:32])  # warm-up: imports, circuit compilation
    params = np.concatenate([model.weights_, [1.0, 0.0]])
    angles = model._encode(X[:32])
    target = y[:32].astype(float)
    reps, t0 = args.repeats, time.perf_counter()
    for _ in range(reps):
        model._loss_and_grad(params, angles, target)
    return {"backend": args.backend, "qubits": args.qubits, "batch": 32, "step_ms": 1e3 * (time.perf_counter() - t0) / reps}


# ---------------------------------------------------------------- Bowles IQP grid
GRID_REPEATS, GRID_C, GRID_FOLDS, GRID_TRAIN = (1, 5, 10), (0.1, 1.0, 10.0, 100.0), 5, 240


def _grid_data(dims: int):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=GRID_TRAIN, n_features=dims, n_informative=min(dims, 2), n_redundant=0,
                               n_clusters_per_class=1, random_state=0)


def bare_iqp_states(x: np.ndarray, repeats: int) -> np.ndarray:
    """The bare NumPy IQP map: (D(x) H^n)^repeats |0>, D(x) = exp(i sum_q x_q (b_q - 1/2) + i sum_{i<j} x_i x_j (b_i xor b_j - 1/2)).

    Written here from the definition (PennyLane's IQPEmbedding: H, RZ(x_i), RZZ(x_i x_j)),
    with nothing from qbench: the gauge the grid through ``GridSearchCV`` is compared with.
    """
    n = x.shape[1]
    idx = np.arange(2**n)
    bits = ((idx[None, :] >> (n - 1 - np.arange(n))[:, None]) & 1).astype(float)  # (n, dim)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    patterns = np.vstack([bits - 0.5] + [np.abs(bits[i] - bits[j])[None] - 0.5 for i, j in pairs])
    angles = np.hstack([x] + [x[:, [i]] * x[:, [j]] for i, j in pairs])
    phase = np.exp(1j * (angles @ patterns))
    h = np.array([[1.0]])
    for _ in range(n):
        h = np.kron(h, np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2))
    state = np.zeros((len(x), 2**n), dtype=complex)
    state[:, 0] = 1.0
    for _ in range(repeats):
        state = (state @ h) * phase
    return state


def bare_grid(X: np.ndarray, y: np.ndarray) -> float:
    """The same grid by hand: per (repeats, fold) scale on the training fold, one Gram pair, every C on it."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import MinMaxScaler
    from sklearn.svm import SVC

    best = -1.0
    for r in GRID_REPEATS:
        scores = np.zeros(len(GRID_C))
        for train, test in StratifiedKFold(GRID_FOLDS).split(X, y):
            scaler = MinMaxScaler(feature_range=(0.0, np.pi)).fit(X[train])
            s_tr, s_te = bare_iqp_states(scaler.transform(X[train]), r), bare_iqp_states(scaler.transform(X[test]), r)
            k_tr, k_te = np.abs(s_tr.conj() @ s_tr.T) ** 2, np.abs(s_te.conj() @ s_tr.T) ** 2
            for c, C in enumerate(GRID_C):
                scores[c] += SVC(kernel="precomputed", C=C).fit(k_tr, y[train]).score(k_te, y[test]) / GRID_FOLDS
        best = max(best, scores.max())
    return float(best)


def qbench_grid(X: np.ndarray, y: np.ndarray, calibrate: bool = True) -> float:
    """The grid through ``GridSearchCV(QuantumKernelClassifier(...))``; ``calibrate=False`` projects Platt scaling
    out of ``fit`` (issue 13b moves it out) by making the in-fit ``LogisticRegression`` a no-op here."""
    from sklearn.model_selection import GridSearchCV

    from qbench.models import kernel as kernel_module

    from qbench.models.kernel import QuantumKernelClassifier
    from qbench.models.kernel_cache import default_cache

    default_cache.clear()
    original = getattr(kernel_module, "LogisticRegression", None)
    if not calibrate and original is not None:
        class _NoCalibration:
            def fit(self, *a, **k):
                return self
        kernel_module.LogisticRegression = _NoCalibration
    grid = {"feature_map_params": [{"repeats": r} for r in GRID_REPEATS], "C": list(GRID_C)}
    search = GridSearchCV(QuantumKernelClassifier(feature_map="iqp"), grid, cv=GRID_FOLDS, refit=False)
    try:
        return float(search.fit(X, y).best_score_)
    finally:
        if original is not None:
            kernel_module.LogisticRegression = original


def case_grid(args) -> dict:
    import qbench.models.kernel  # noqa: F401  (imports and plugin loading out of the timed region)
    from qbench.plugin.manager import open_backend

    open_backend("numpy")
    out = {}
    for d in (int(v) for v in args.dims.split(",")):
        X, y = _grid_data(d)
        qbench_grid(X[:40], y[:40])  # warm-up
        t0 = time.perf_counter()
        bare = bare_grid(X, y)
        t1 = time.perf_counter()
        ours = qbench_grid(X, y)
        t2 = time.perf_counter()
        row = {"bare_s": round(t1 - t0, 3), "qbench_s": round(t2 - t1, 3), "ratio": round((t2 - t1) / (t1 - t0), 3),
               "bare_score": bare, "qbench_score": ours}
        if args.no_calibration:
            t3 = time.perf_counter()
            qbench_grid(X, y, calibrate=False)
            row["qbench_no_calibration_s"] = round(time.perf_counter() - t3, 3)
            row["ratio_no_calibration"] = round(row["qbench_no_calibration_s"] / (t1 - t0), 3)
        out[f"d{d}"] = row
    return out


# ---------------------------------------------------------------- tiled Gram and Nyström
def case_tiled(args) -> dict:
    """12-qubit IQP Gram over ``--size`` samples: tiles on a LocalCluster vs the same blocks in this process."""
    import tempfile
    from pathlib import Path

    from distributed import Client, LocalCluster

    from qbench.backends import statevector as sv
    from qbench.backends.gram import blockwise_gram
    from qbench.backends.tiled_gram import tiled_gram
    from qbench.circuits import IQPFeatureMap

    fm = IQPFeatureMap()
    c = fm.circuit(args.qubits)
    a = fm.angles(np.random.default_rng(0).uniform(0, np.pi, (args.size, args.qubits)))
    tile = args.tile
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        out = np.lib.format.open_memmap(Path(tmp) / "single.npy", mode="w+", dtype=np.float64, shape=(len(a), len(a)))
        t0 = time.perf_counter()
        blockwise_gram(lambda x: sv.simulate(c, x, np.zeros(0)), a, None, tile, out=out)
        out.flush()
        single = time.perf_counter() - t0
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, memory_limit="2GB", dashboard_address=None) as cl:
            with Client(cl) as client:
                tiled_gram(c, a[:4 * args.workers], path=Path(tmp) / "warm", tile=4, client=client)  # worker imports
                before = set(client.scheduler_info()["workers"])
                t1 = time.perf_counter()
                k = tiled_gram(c, a, path=Path(tmp) / "tiled", tile=tile, client=client)
                tiled = time.perf_counter() - t1
                after = set(client.scheduler_info()["workers"])
        same = float(np.max(np.abs(np.asarray(k[:200, -200:]) - np.asarray(out[:200, -200:]))))
    return {"qubits": args.qubits, "samples": args.size, "tile": tile, "output_gb": args.size**2 * 8 / 1e9,
            "single_process_s": round(single, 2), "tiled_s": round(tiled, 2), "ratio": round(tiled / single, 3),
            "workers_restarted": len(after - before) + len(before - after), "max_diff_corner": same,
            "client_peak_rss_mb": peak_rss_mb()}


def case_nystroem(args) -> dict:
    """Nyström (``--landmarks``) on ``--size`` samples at ``--qubits``: fit + predict time, peak RSS, accuracy vs exact."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    from qbench.models.kernel import QuantumKernelClassifier

    X, y = make_classification(n_samples=args.size, n_features=args.qubits, n_informative=4, random_state=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0)
    t0 = time.perf_counter()
    ny = QuantumKernelClassifier(feature_map="iqp", approximation="nystroem", n_components=args.landmarks,
                                 random_state=0, cache=False).fit(Xtr, ytr)
    acc_full = float(ny.score(Xte, yte))
    seconds = time.perf_counter() - t0
    rss = peak_rss_mb()
    sub = min(args.subset, len(Xtr))
    exact = QuantumKernelClassifier(feature_map="iqp", random_state=0, cache=False).fit(Xtr[:sub], ytr[:sub])
    ny_sub = QuantumKernelClassifier(feature_map="iqp", approximation="nystroem", n_components=args.landmarks,
                                     random_state=0, cache=False).fit(Xtr[:sub], ytr[:sub])
    te = slice(0, min(sub, len(Xte)))
    return {"qubits": args.qubits, "samples": args.size, "landmarks": args.landmarks, "fit_predict_s": round(seconds, 2),
            "peak_rss_mb_after_nystroem": round(rss, 1), "test_accuracy": acc_full, "subset": sub,
            "subset_exact_accuracy": float(exact.score(Xte[te], yte[te])),
            "subset_nystroem_accuracy": float(ny_sub.score(Xte[te], yte[te]))}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case")
    p.add_argument("--qubits", type=int, default=12)
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--backend", default="numpy")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--dims", default="2,3,10")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--landmarks", type=int, default=500)
    p.add_argument("--subset", type=int, default=5000, help="nystroem: samples of the exact-kernel comparison")
    p.add_argument("--tile", type=int, default=2048, help="tiled: samples per tile")
    p.add_argument("--scratch", default=None, help="tiled: directory for the memory-mapped Grams")
    p.add_argument("--no-calibration", action="store_true", help="grid: also time it with Platt scaling projected out")
    p.add_argument("--baseline", default=None, help="label for a run against older code")
    args = p.parse_args(argv)
    fn = globals().get(f"case_{args.case}")
    if fn is None:
        sys.exit(f"unknown case {args.case!r}")
    out = fn(args)
    out["case"] = args.case
    if args.baseline:
        out["code"] = args.baseline
    print(json.dumps(out))


if __name__ == "__main__":
    main()
