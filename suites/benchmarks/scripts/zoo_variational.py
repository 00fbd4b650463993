"""Time a training step of every variational zoo model, and the numpy adjoint paths behind it (docs/performance.md).

    python suites/benchmarks/scripts/zoo_variational.py --steps 200 --repeat 3
    python suites/benchmarks/scripts/zoo_variational.py --steps 2 --repeat 1 --small   # smoke run (tests)

Each model is trained on 2-d linearly separable data (qbench's generator, 240 training samples,
batch 32) at the largest setting of its paper grid (the slowest grid point), with the stop rule
off so every run takes exactly ``--steps`` steps; the figure is the best of ``--repeat`` runs
divided by the steps.  Then one ``value_and_grads`` call of the IQP variational circuit (2 qubits,
repeats 10, 15 layers) on the dense small-circuit adjoint and on the gate-by-gate adjoint.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from qbench.backends import dense_adjoint, statevector
from qbench.circuits.ansatze import StronglyEntanglingAnsatz
from qbench.circuits.feature_maps import IQPFeatureMap
from qbench.datasets.generators import linearly_separable
from qbench.models.kinds import estimator_class

#: The slowest point of each model's grid in suites/bowles2024.toml (the paper's grids).
LARGEST = {
    "vanilla_qnn": {},
    "iqp_variational": dict(repeats=10, n_layers=15),
    "separable_variational": dict(encoding_layers=10),
    "tree_tensor": {},
    "circuit_centric": dict(n_input_copies=3, n_layers=10),
    "data_reuploading": dict(n_layers=15, observable_type="full"),
    "data_reuploading_separable": dict(n_layers=15, observable_type="full"),
    "dressed_circuit": dict(n_layers=15),
    "dressed_circuit_separable": dict(n_layers=15),
    "qcnn": {},
}
SMALL = {name: {k: (1 if isinstance(v, int) else v) for k, v in params.items()} for name, params in LARGEST.items()}


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def step_times(steps: int, repeat: int, small: bool = False) -> dict[str, float]:
    """Seconds per training step of each model."""
    X, y = linearly_separable(n_samples=300, n_features=2, seed=0)
    X, y = X[:240], y[:240]
    out = {}
    for name, params in (SMALL if small else LARGEST).items():
        model = estimator_class(name)(**params, max_steps=steps, convergence_interval=None, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[name] = _best(lambda: model.fit(X, y), repeat) / steps
    return out


def adjoint_times(repeat: int, small: bool = False) -> dict[str, float]:
    """Seconds per value_and_grads call of the IQP variational circuit on both numpy adjoint paths."""
    fm = IQPFeatureMap(repeats=1 if small else 10)
    circuit = fm.circuit(2).then(StronglyEntanglingAnsatz(1 if small else 15, imprimitive="cz").circuit(2))
    rng = np.random.default_rng(0)
    angles, weights = fm.angles(rng.uniform(-1.5, 1.5, (32, 2))), rng.normal(size=circuit.n_weights)
    diag = np.array([[1.0, -1.0, -1.0, 1.0]])
    dense = dense_adjoint.value_and_grads(circuit, angles, weights, diag, lambda v: v)
    gate = statevector.adjoint_value_and_grads(circuit, angles, weights, diag, lambda v: v)
    assert all(np.allclose(a, b, atol=1e-10) for a, b in zip(dense, gate)), "the two adjoint paths disagree"
    calls = 5 if small else 100
    return {"dense": _best(lambda: [dense_adjoint.value_and_grads(circuit, angles, weights, diag, lambda v: v)
                                    for _ in range(calls)], repeat) / calls,
            "gate_by_gate": _best(lambda: [statevector.adjoint_value_and_grads(circuit, angles, weights, diag,
                                                                               lambda v: v) for _ in range(calls)],
                                  repeat) / calls}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="tiny settings (a smoke run)")
    args = parser.parse_args(argv)
    print(f"{'model':24s} ms/step (2-d, batch 32, largest grid point)")
    for name, seconds in step_times(args.steps, args.repeat, args.small).items():
        print(f"{name:24s} {1e3 * seconds:8.3f}")
    for path, seconds in adjoint_times(args.repeat, args.small).items():
        print(f"value_and_grads {path:13s} {1e3 * seconds:8.3f} ms")


if __name__ == "__main__":
    main()
