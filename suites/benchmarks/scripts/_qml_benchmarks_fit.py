"""The qml-benchmarks side of zoo_vs_qml_benchmarks.py: run with qml-benchmarks' own virtualenv's python.

Reads a JSON request on stdin ({"data": npz path, "models": [{"name", "class", "points": [params, ...]}]}),
fits each model's class once per grid point on the training split, and prints one JSON object per model
with the wall time of each fit (seconds; jit compilation included, as every new estimator pays it).
No qbench import: this runs outside qbench's environment.
"""

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


def main() -> None:
    request = json.load(sys.stdin)
    data = np.load(request["data"])
    X, y = data["X_train"], data["y_train"]
    _device_takes_prng_key()
    import qml_benchmarks.models as models

    for model in request["models"]:
        cls = getattr(models, model["class"])
        times = []
        for params in model["points"]:
            est = cls(**params)
            t0 = time.perf_counter()
            est.fit(X, y)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"name": model["name"], "times": times}), flush=True)


if __name__ == "__main__":
    main()
