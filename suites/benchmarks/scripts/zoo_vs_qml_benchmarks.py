"""Per model, fit the paper's grid on 2-d linearly separable data with qbench (numpy) and with qml-benchmarks.

Both sides fit the same grid points of ``suites/bowles2024.toml`` (each point once, on the same 240 training
samples of qbench's ``linearly_separable`` generator, 300 samples, d = 2, seed 0; no cross-validation), in one
run on the same machine, one after the other.  qml-benchmarks runs in its own virtualenv (its pins clash with
qbench's; /work/shared/peers/README.md) as a subprocess, with the model class's defaults and the grid point's
parameters; its import time is excluded, its jit compilation included (every new estimator pays it).

A registered model is compared when its registry entry names a qml-benchmarks class (``paper="...: ClassName"``)
or :data:`PEER_CLASS` maps the suite entry; :data:`TRANSLATE` turns a qbench grid point into the class's
parameters where the names differ.  Writes ``docs/data/zoo_vs_qml_benchmarks.json``, which
``docs/scripts/models_table.py`` turns into docs/models.md's time column and docs/performance.md quotes.

qml-benchmarks 0bbf848 needs an older PennyLane than today's (it calls ``qml.broadcast``); the measured virtualenv
has PennyLane 0.38.0, JAX/jaxlib 0.4.28, NumPy < 2 (``pip install "pennylane==0.38.0" "pennylane-lightning==0.38.0"
"jax==0.4.28" "jaxlib==0.4.28" "numpy<2" "scipy<1.14" "autoray<0.7" "flax<0.9" "optax<0.2.4"`` after the README's
install), and ``_qml_benchmarks_fit.py`` passes its ``prng_key=`` device argument on as ``seed=``.

    python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py --peer-python /work/peer-venv/bin/python
    python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py --models separable_kernel --points 4
"""

from __future__ import annotations

import os

#: One BLAS/OpenMP thread on both sides (set before NumPy loads): on a shared 2-core machine, threaded BLAS
#: in scikit-learn's solvers thrashes and its time swamps the circuits'; the peer subprocess inherits this.
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(THREADS)

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "docs" / "data" / "zoo_vs_qml_benchmarks.json"
SUITE = ROOT / "suites" / "bowles2024.toml"
PEER_SCRIPT = Path(__file__).with_name("_qml_benchmarks_fit.py")
#: Suite entries whose kind's registry entry does not name the class (``kernel`` serves several papers).
PEER_CLASS = {"iqp_kernel": "IQPKernelClassifier"}
#: qbench grid point -> qml-benchmarks parameters, where the names differ (default: the point as it is).
TRANSLATE = {
    "iqp_kernel": lambda p: {"C": p["C"], "repeats": p["feature_map_params"]["repeats"]},
}
#: Suite entries not compared, and why (no qml-benchmarks class computes the same model).
NOT_COMPARED = {
    "projected_kernel": "qml-benchmarks' ProjectedQuantumKernel embeds by a Trotterised Hamiltonian evolution; "
                        "qbench's projected kernel here uses the IQP map",
    "qnn": "qbench's generic QNN has no qml-benchmarks counterpart (zoo-var's models do)",
}
N_SAMPLES, N_FEATURES, TEST_SIZE, SEED = 300, 2, 60, 0


def peer_class(name: str, kind: str) -> str | None:
    """The qml-benchmarks class a suite entry is compared with, or None."""
    if name in PEER_CLASS:
        return PEER_CLASS[name]
    from qbench.plugin.manager import host

    registry = host.registries()["model"]
    if kind not in registry:
        return None
    match = re.search(r"Bowles et al\. 2024: ([A-Z]\w+)", registry.get(kind).meta.get("paper", ""))
    return match.group(1) if match else None


def grid_points(model, limit: int | None) -> list[dict]:
    from sklearn.model_selection import ParameterGrid

    points = list(ParameterGrid(model.grid)) if model.grid else [{}]
    return points[:limit] if limit else points


def data() -> tuple[np.ndarray, np.ndarray]:
    from qbench.datasets import load_dataset, split

    X, y = load_dataset("linearly_separable", N_SAMPLES, N_FEATURES, SEED)
    X_train, _, y_train, _ = split(X, y, TEST_SIZE, SEED)
    return X_train, y_train


def time_qbench(model, points: list[dict], X, y) -> list[float]:
    """Seconds per fit of each grid point on the numpy backend (after one untimed warm-up fit on 20 samples)."""
    from qbench.models.kinds import estimator_class

    cls = estimator_class(model.kind)
    cls(**model.params, **points[0], random_state=SEED).fit(X[:20], y[:20])
    times = []
    for point in points:
        est = cls(**model.params, **point, backend="numpy", random_state=SEED)
        t0 = time.perf_counter()
        est.fit(X, y)
        times.append(time.perf_counter() - t0)
    return times


def time_peer(python: str, requests: list[dict], X, y) -> dict[str, list[float]]:
    """Seconds per fit of each model's points in qml-benchmarks (labels -1/+1, as its models require)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X_train=X, y_train=np.where(y == 1, 1, -1))
        out = subprocess.run([python, str(PEER_SCRIPT)], input=json.dumps({"data": path, "models": requests}),
                             capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"qml-benchmarks side failed:\n{out.stderr[-3000:]}")
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {row["name"]: row["times"] for row in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default="/work/peer-venv/bin/python", help="qml-benchmarks' virtualenv python")
    parser.add_argument("--models", default="", help="comma-separated suite entries (default: every compared one)")
    parser.add_argument("--points", type=int, default=None, help="fit only the first N grid points (default: all)")
    parser.add_argument("--out", default=str(OUT), help="JSON to update (entries of other models are kept)")
    args = parser.parse_args(argv)

    from qbench.suite.parse import load_suite

    suite = load_suite(SUITE)
    wanted = {m for m in args.models.split(",") if m}
    X, y = data()
    jobs = []
    for model in suite.models:
        if model.kind == "baseline" or (wanted and model.name not in wanted) or model.name in NOT_COMPARED:
            continue
        cls = peer_class(model.name, model.kind)
        if cls is None:
            continue
        points = grid_points(model, args.points)
        translate = TRANSLATE.get(model.name, lambda p: dict(p))
        jobs.append((model, cls, points, [translate(p) for p in points]))
    out_path = Path(args.out)
    results = json.loads(out_path.read_text())["models"] if out_path.exists() else {}
    peer = time_peer(args.peer_python, [{"name": m.name, "class": c, "points": pp} for m, c, _, pp in jobs], X, y)
    for model, cls, points, _ in jobs:
        ours = time_qbench(model, points, X, y)
        theirs = peer[model.name]
        results[model.name] = {
            "kind": model.kind, "qml_benchmarks_class": cls, "grid_points": len(points),
            "full_grid": len(points) == len(grid_points(model, None)), "points": points,
            "qbench_s": round(sum(ours), 4), "qml_benchmarks_s": round(sum(theirs), 4),
            "speedup": round(sum(theirs) / sum(ours), 1),
            "qbench_per_fit_s": round(sum(ours) / len(ours), 5),
            "qml_benchmarks_per_fit_s": round(sum(theirs) / len(theirs), 5),
        }
        print(f"{model.name:<24} {cls:<28} {len(points):>3} points  qbench {sum(ours):8.3f} s  "
              f"qml-benchmarks {sum(theirs):9.3f} s  x{sum(theirs) / sum(ours):.0f}", flush=True)
    for name, why in NOT_COMPARED.items():
        results.setdefault(name, {"not_compared": why})
    payload = {
        "protocol": f"linearly_separable, n = {N_SAMPLES}, d = {N_FEATURES}, seed {SEED}, fit on the "
                    f"{N_SAMPLES - TEST_SIZE} training samples once per grid point of suites/bowles2024.toml; "
                    "qbench on the numpy backend, exact; one BLAS thread on both sides",
        "command": "python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py " + " ".join(argv or sys.argv[1:]),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "models": dict(sorted(results.items())),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(payload, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
