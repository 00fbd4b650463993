"""Per model, fit the paper's grid with qbench (numpy) and with qml-benchmarks, side by side, equal work.

Every entry of ``suites/bowles2024.toml`` with a qml-benchmarks counterpart is compared in one run on one
machine, one side after the other: qbench on the numpy backend (exact), qml-benchmarks in its own virtualenv
as a subprocess (its pins clash with qbench's; /work/shared/peers/README.md), imports excluded on both
sides, one untimed warm-up fit per model on both, qml-benchmarks' jit compilation of each grid point included
(an estimator of a new circuit shape compiles again).

*Data.*  The 240 training samples of qbench's ``linearly_separable`` generator (300 samples, d = 2, seed 0,
60 held out); the image models (names ``image_*``) read 4x4 bars and stripes from qbench's generator the same
way, since they take images only.

*Equal work.*  Kernel and kitchen-sink models fit once per grid point (no training loop).  Trained models take
exactly ``--steps`` optimiser steps of the suite's batch size on both sides: qml-benchmarks with
``max_steps = steps`` and its convergence stop off (``convergence_interval=None``; ``convergence_threshold=0``
for VanillaQNN; the Boltzmann machines hard-code the stop, so their ConvergenceWarning is caught), qbench with
``max_steps = steps`` and ``convergence_interval=None`` (batches drawn with replacement, as qml-benchmarks
draws them), or ``max_iter`` steps for the metric learner (:data:`MAX_ITER_STEPS`).  The default, 400 steps, is the fewest any fit of the paper takes (its stop rule looks
at two intervals of 200 steps); the paper's fits run up to 10,000-100,000 steps, where qml-benchmarks' jit
compilation weighs less, so the ratio at 400 steps is an upper estimate of the per-step ratio.

*Grid points.*  ``--points N`` fits N points spread evenly over the grid (its first and last point included);
a grid's time is then estimated as the mean time per fit times the grid's size (``full_grid`` says which).

A model is compared when its registry entry names a qml-benchmarks class (``paper="...: ClassName"``) or
:data:`PEER_CLASS` maps the suite entry; :data:`TRANSLATE` turns a qbench grid point into the class's
parameters where the names differ.  Writes ``docs/data/zoo_vs_qml_benchmarks.json`` (entries of models not in
this run are kept), which ``docs/scripts/models_table.py`` turns into docs/models.md's time column and
docs/performance.md's table.

qml-benchmarks 0bbf848 needs an older PennyLane than today's (it calls ``qml.broadcast``); the measured virtualenv
has PennyLane 0.38.0, JAX/jaxlib 0.4.28, NumPy < 2 (``pip install "pennylane==0.38.0" "pennylane-lightning==0.38.0"
"jax==0.4.28" "jaxlib==0.4.28" "numpy<2" "scipy<1.14" "autoray<0.7" "flax<0.9" "optax<0.2.4"`` after the README's
install), and ``_qml_benchmarks_fit.py`` passes its ``prng_key=`` device argument on as ``seed=``.

    python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py --peer-python /work/peer-venv/bin/python --points 3
    python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py --models separable_kernel --points 2
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
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "docs" / "data" / "zoo_vs_qml_benchmarks.json"
SUITE = ROOT / "suites" / "bowles2024.toml"
PEER_SCRIPT = Path(__file__).with_name("_qml_benchmarks_fit.py")
#: Suite entries whose kind's registry entry does not name the class (``kernel`` and baselines serve several).
PEER_CLASS = {"iqp_kernel": "IQPKernelClassifier", "image_cnn": "ConvolutionalNeuralNetwork"}
#: qbench grid point -> qml-benchmarks parameters, where the names differ (default: the point as it is).
TRANSLATE = {
    "iqp_kernel": lambda p: {"C": p["C"], "repeats": p["feature_map_params"]["repeats"]},
}
#: Suite entries not compared, and why (no qml-benchmarks class computes the same model, or the same code runs).
NOT_COMPARED = {
    "projected_kernel": "qml-benchmarks' ProjectedQuantumKernel embeds by a Trotterised Hamiltonian evolution; "
                        "qbench's projected kernel here uses the IQP map",
    "qnn": "qbench's generic QNN has no qml-benchmarks counterpart (the zoo's variational models do)",
    "qcnn": "qml-benchmarks 0bbf848 has no QCNN class to run",
    "svc": "both sides run scikit-learn's SVC",
    "perceptron": "both sides run scikit-learn's Perceptron",
    "mlp": "both sides run scikit-learn's MLPClassifier",
}
#: Models whose training length is ``max_iter`` steps (every other trained model takes ``max_steps``).
MAX_ITER_STEPS = {"metric_learner"}
#: qml-benchmarks parameters that make a trained model take exactly max_steps steps (dropped where a class
#: does not take them; see _qml_benchmarks_fit.py).
PEER_FIXED_STEPS = {"convergence_interval": None, "convergence_threshold": 0.0}
N_SAMPLES, TEST_SIZE, SEED = 300, 60, 0
N_TRAIN = N_SAMPLES - TEST_SIZE


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
    """``limit`` points spread evenly over the model's grid (first and last included); all when ``limit`` is None."""
    from sklearn.model_selection import ParameterGrid

    points = list(ParameterGrid(model.grid)) if model.grid else [{}]
    if not limit or limit >= len(points):
        return points
    picks = sorted({int(round(i)) for i in np.linspace(0, len(points) - 1, limit)})
    return [points[i] for i in picks]


def data(model) -> tuple[np.ndarray, np.ndarray]:
    """The training split the model is timed on: 2-d linearly separable data, or 4x4 images for image models."""
    from qbench.datasets import load_dataset, split

    name, width = ("bars_and_stripes", 16) if model.name.startswith("image_") else ("linearly_separable", 2)
    X, y = load_dataset(name, N_SAMPLES, width, SEED)
    X_train, _, y_train, _ = split(X, y, TEST_SIZE, SEED)
    return np.asarray(X_train, dtype=float), np.asarray(y_train)


def is_trained(model) -> bool:
    """Whether the model has a training loop (so both sides run a fixed number of steps)."""
    from qbench.models.kinds import estimator_class

    if model.name in MAX_ITER_STEPS:
        return True
    if model.kind == "baseline":
        return model.baseline == "cnn"
    return "max_steps" in estimator_class(model.kind)().get_params()


def qbench_length(model, steps: int) -> dict:
    """qbench parameters that make one fit take ``steps`` optimiser steps."""
    if model.name in MAX_ITER_STEPS:
        return {"max_iter": steps, "convergence_interval": None}
    return {"max_steps": steps, "convergence_interval": None}


def make_qbench(model, point: dict, extra: dict):
    from qbench.models.baselines import make_baseline
    from qbench.models.kinds import estimator_class

    params = {**model.params, **point, **extra}
    if model.kind == "baseline":
        return make_baseline(model.baseline, random_state=SEED, **params)
    return estimator_class(model.kind)(**params, backend="numpy", random_state=SEED)


def time_qbench(model, points: list[dict], extra: dict, X, y) -> list[float]:
    """Seconds per fit of each grid point (after one untimed warm-up fit of the first point on 64 samples)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        make_qbench(model, points[0], extra).fit(X[:64], y[:64])
        times = []
        for point in points:
            est = make_qbench(model, point, extra)
            t0 = time.perf_counter()
            est.fit(X, y)
            times.append(time.perf_counter() - t0)
    return times


def time_peer(python: str, requests: list[dict]) -> dict[str, list[float]]:
    """Seconds per fit of each model's points in qml-benchmarks (labels -1/+1, as its models require)."""
    with tempfile.TemporaryDirectory() as tmp:
        for request in requests:
            path = os.path.join(tmp, f"{request['name']}.npz")
            X, y = request.pop("X"), request.pop("y")
            np.savez(path, X_train=X, y_train=np.where(y == 1, 1, -1))
            request["data"] = path
        out = subprocess.run([python, str(PEER_SCRIPT)], input=json.dumps({"models": requests}),
                             capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"qml-benchmarks side failed:\n{out.stderr[-3000:]}")
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {row["name"]: row["times"] for row in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default="/work/peer-venv/bin/python", help="qml-benchmarks' virtualenv python")
    parser.add_argument("--models", default="", help="comma-separated suite entries (default: every compared one)")
    parser.add_argument("--points", type=int, default=None, help="fit N points spread over each grid (default: all)")
    parser.add_argument("--steps", type=int, default=400, help="optimiser steps per fit of a trained model")
    parser.add_argument("--out", default=str(OUT), help="JSON to update (entries of other models are kept)")
    args = parser.parse_args(argv)

    from qbench.suite.parse import load_suite

    suite = load_suite(SUITE)
    wanted = {m for m in args.models.split(",") if m}
    jobs = []
    for model in suite.models:
        if (wanted and model.name not in wanted) or model.name in NOT_COMPARED:
            continue
        cls = peer_class(model.name, model.kind)
        if cls is None:
            continue
        points = grid_points(model, args.points)
        translate = TRANSLATE.get(model.name, lambda p: dict(p))
        trained = is_trained(model)
        ours_extra = qbench_length(model, args.steps) if trained else {}
        peer_extra = {"max_steps": args.steps, **PEER_FIXED_STEPS} if trained else {}
        if "batch_size" in model.params:
            peer_extra["batch_size"] = model.params["batch_size"]
        X, y = data(model)
        jobs.append(dict(model=model, cls=cls, points=points, trained=trained, ours_extra=ours_extra, X=X, y=y,
                         peer={"name": model.name, "class": cls, "extra": peer_extra, "X": X, "y": y,
                               "points": [translate(p) for p in points]}))
    out_path = Path(args.out)
    results = json.loads(out_path.read_text())["models"] if out_path.exists() else {}
    load_before = os.getloadavg()[0]
    peer = time_peer(args.peer_python, [job["peer"] for job in jobs])
    for job in jobs:
        model, points = job["model"], job["points"]
        ours = time_qbench(model, points, job["ours_extra"], job["X"], job["y"])
        theirs = peer[model.name]
        size = len(grid_points(model, None))
        per_ours, per_theirs = sum(ours) / len(ours), sum(theirs) / len(theirs)
        results[model.name] = {
            "command": "python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py " + " ".join(argv or sys.argv[1:]),
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "kind": model.kind, "qml_benchmarks_class": job["cls"], "data": data_name(model),
            "steps": args.steps if job["trained"] else None, "qbench_length": job["ours_extra"],
            "grid_size": size, "grid_points": len(points), "full_grid": len(points) == size, "points": points,
            "qbench_times_s": [round(t, 5) for t in ours], "qml_benchmarks_times_s": [round(t, 5) for t in theirs],
            "qbench_per_fit_s": round(per_ours, 5), "qml_benchmarks_per_fit_s": round(per_theirs, 5),
            "qbench_grid_s": round(per_ours * size, 4), "qml_benchmarks_grid_s": round(per_theirs * size, 3),
            "speedup": round(per_theirs / per_ours, 1), "machine": machine_name(),
        }
        print(f"{model.name:<28} {job['cls']:<36} {len(points):>3}/{size:<3} points  qbench {per_ours:8.3f} s/fit  "
              f"qml-benchmarks {per_theirs:9.3f} s/fit  x{per_theirs / per_ours:.0f}", flush=True)
    for name, why in NOT_COMPARED.items():
        results.setdefault(name, {"not_compared": why})
    payload = {
        "protocol": f"{N_TRAIN} training samples of qbench's linearly_separable (d = 2; image models: 4x4 "
                    f"bars_and_stripes), seed {SEED}; trained models take exactly --steps steps on both sides; "
                    "qbench on the numpy backend, exact; one BLAS thread on both sides",
        "command": "python suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py " + " ".join(argv or sys.argv[1:]),
        "machine": machine_name(),
        "models": dict(sorted(results.items())),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(payload, indent=1) + "\n")
    return 0


def machine_name() -> str:
    """The CPU model (Linux's /proc/cpuinfo), the cores and Python: a ratio holds for the machine that measured it,
    and two CPUs of one architecture give different ones (each entry records its own, since a run keeps the others)."""
    cpu = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
    except OSError:
        names = []
    return f"{names[0] if names else cpu} ({platform.machine()}), {os.cpu_count()} cores, Python {platform.python_version()}"


def data_name(model) -> str:
    return "bars_and_stripes 4x4" if model.name.startswith("image_") else "linearly_separable d=2"


if __name__ == "__main__":
    raise SystemExit(main())
