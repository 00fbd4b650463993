"""The qml-benchmarks side of zoo_vs_qml_benchmarks.py: run with qml-benchmarks' own virtualenv's python.

Reads a JSON request on stdin ({"models": [{"name", "class", "data": npz path, "extra": params, "points":
[params, ...]}]}), fits each model's class once per grid point on its training data with the point's parameters
and the ``extra`` ones the class takes (the fixed step count), and prints one JSON object per model with the wall
time of each fit (seconds; jit compilation included, as every new estimator of a new shape pays it), after one
untimed warm-up fit of the first point on 64 samples (qbench's side warms up the same way).  A ConvergenceWarning
raised after max_steps (the Boltzmann machines hard-code their stop rule) ends a fit normally.
No qbench import: this runs outside qbench's environment.
"""

import inspect
import json
import sys
import time

import numpy as np


def _device_takes_prng_key() -> None:
    """qml-benchmarks passes ``prng_key=`` to ``qml.device``, a name PennyLane's current default.qubit spells
    ``seed`` (it takes the same JAX key): pass it on under that name, changing nothing else."""
    import pennylane as qml

    device = qml.device

    def patched(name, *args, **kwargs):
        if "prng_key" in kwargs:
            kwargs["seed"] = kwargs.pop("prng_key")
        return device(name, *args, **kwargs)

    qml.device = patched


def _fit(est, X, y) -> None:
    try:
        est.fit(X, y)
    except Exception as exc:  # noqa: BLE001 - only the stop rule's warning-as-exception ends a fit normally
        if type(exc).__name__ != "ConvergenceWarning":
            raise


def main() -> None:
    request = json.load(sys.stdin)
    _device_takes_prng_key()
    import qml_benchmarks.models as models

    for model in request["models"]:
        data = np.load(model["data"])
        X, y = data["X_train"], data["y_train"]
        cls = getattr(models, model["class"])
        accepted = inspect.signature(cls.__init__).parameters
        extra = {k: v for k, v in model.get("extra", {}).items() if k in accepted}
        _fit(cls(**extra, **model["points"][0]), X[:64], y[:64])  # untimed warm-up, as on qbench's side
        times = []
        for params in model["points"]:
            est = cls(**extra, **params)
            t0 = time.perf_counter()
            _fit(est, X, y)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"name": model["name"], "times": times}), flush=True)


if __name__ == "__main__":
    main()
