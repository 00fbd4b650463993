"""Fit time of the zoo-more models in qbench (numpy) and in qml-benchmarks, side by side, equal training steps.

Per model, the first ``--points`` points of its grid in ``suites/bowles2024.toml`` are fitted once each on
240 training samples: 2-d linearly separable data (metric learner, Boltzmann machines) or 4x4 bars and
stripes (CNN, quanvolutional network, WeiNet), both from qbench's generators, seed 0.  Both sides take
``--steps`` optimiser steps of the paper's batch size (qbench: max_iter epochs or steps giving that count;
qml-benchmarks: max_steps with its convergence stop off, or, where the class hard-codes it, caught
ConvergenceWarning), so the time compares equal work.  qml-benchmarks runs in its own virtualenv as a
subprocess; its import is excluded, its jit compilation included (every new estimator pays it).

    python suites/benchmarks/scripts/zoo_more_vs_qml_benchmarks.py --peer-python /work/peer-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
N_TRAIN, BATCH = 240, 32
#: suite entry -> (qml-benchmarks class, data set, steps per qbench max_iter unit, qml-benchmarks extra parameters)
MODELS = {
    "metric_learner": ("QuantumMetricLearner", "linear", 1, {"convergence_interval": None}),
    "boltzmann": ("QuantumBoltzmannMachine", "linear", N_TRAIN // BATCH, {}),
    "boltzmann_separable": ("QuantumBoltzmannMachineSeparable", "linear", N_TRAIN // BATCH, {}),
    "image_cnn": ("ConvolutionalNeuralNetwork", "images", N_TRAIN // BATCH, {"convergence_interval": None}),
    "image_quanvolutional": ("QuanvolutionalNeuralNetwork", "images", N_TRAIN // BATCH, {"convergence_interval": None}),
    "image_weinet": ("WeiNet", "images", N_TRAIN // BATCH, {"convergence_interval": None}),
}


def data(which: str):
    from qbench.datasets import load_dataset

    if which == "linear":
        X, y = load_dataset("linearly_separable", n_samples=N_TRAIN, n_features=2, seed=0)
    else:
        X, y = load_dataset("bars_and_stripes", n_samples=N_TRAIN, n_features=16, seed=0)
    return np.asarray(X, dtype=float), np.asarray(y)


def qbench_times(name: str, points: list[dict], steps: int, X, y) -> list[float]:
    from qbench.models.baselines import make_baseline
    from qbench.models.kinds import estimator_class
    from qbench.suite.parse import load_suite

    model = next(m for m in load_suite(ROOT / "suites" / "bowles2024.toml").models if m.name == name)
    per_unit = MODELS[name][2]
    params = {**model.params, "max_iter": max(1, steps // per_unit)}
    times = []
    for point in points:
        if model.kind == "baseline":
            est = make_baseline(model.baseline, random_state=0, **params, **point)
        else:
            est = estimator_class(model.kind)(**params, **point, random_state=0)
        t0 = time.perf_counter()
        est.fit(X, y)
        times.append(time.perf_counter() - t0)
    return times


PEER = r"""
import json, sys, time, warnings
import numpy as np
import qml_benchmarks.models as M
spec = json.loads(sys.argv[1])
d = np.load(spec["data"])
X, y = d["X"], np.where(d["y"] == 1, 1, -1)
out = []
for point in spec["points"]:
    est = getattr(M, spec["cls"])(**{**spec["extra"], **point, "max_steps": spec["steps"], "random_state": 0})
    t0 = time.perf_counter()
    try:
        est.fit(X, y)
    except Exception as exc:  # the Boltzmann machines raise ConvergenceWarning after max_steps
        if type(exc).__name__ != "ConvergenceWarning":
            raise
    out.append(time.perf_counter() - t0)
print(json.dumps(out))
"""


def peer_times(python: str, cls: str, points: list[dict], steps: int, extra: dict, X, y) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        np.savez(path, X=X, y=y)
        spec = {"cls": cls, "points": points, "steps": steps, "extra": extra, "data": str(path)}
        done = subprocess.run([python, "-c", PEER, json.dumps(spec)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default="/work/peer-venv/bin/python")
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--points", type=int, default=2)
    parser.add_argument("--steps", type=int, default=80)
    args = parser.parse_args(argv)
    from sklearn.model_selection import ParameterGrid

    from qbench.suite.parse import load_suite

    suite = {m.name: m for m in load_suite(ROOT / "suites" / "bowles2024.toml").models}
    print(f"{'model':22s} {'points':>6s} {'qbench s/fit':>13s} {'qml-benchmarks s/fit':>21s} {'speed-up':>9s}")
    for name in args.models:
        cls, which, _, extra = MODELS[name]
        points = list(ParameterGrid(suite[name].grid))[:args.points]
        X, y = data(which)
        ours = qbench_times(name, points, args.steps, X, y)
        theirs = peer_times(args.peer_python, cls, points, args.steps, extra, X, y)
        a, b = float(np.mean(ours)), float(np.mean(theirs))
        print(f"{name:22s} {len(points):6d} {a:13.3f} {b:21.3f} {b / a:8.1f}x", flush=True)


if __name__ == "__main__":
    sys.exit(main())
