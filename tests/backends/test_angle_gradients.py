"""value_and_grads: the VJP to the weights and, per sample, to the data angles, on every backend and gradient path."""

import numpy as np
import pytest

from qbench.circuits import AngleFeatureMap, StronglyEntanglingAnsatz, parity_observable, z_observable
from qbench.circuits.ir import Angle, Circuit, Gate
from qbench.errors import QBenchError
from qbench.plugin.manager import open_backend
from tests.requires import needs


@pytest.fixture
def problem(rng):
    n = 3
    fm = AngleFeatureMap().circuit(n)
    # a data angle read twice with different scales and an RZZ on data: the chain rule must sum both uses
    extra = Circuit(n, (Gate("RZZ", (0, 2), Angle("data", 1, 0.7, 0.2)), Gate("RX", (1,), Angle("data", 1, -1.3))), 3, 0)
    c = fm.then(StronglyEntanglingAnsatz(1).circuit(n)).then(extra, share_data=True)
    obs = (parity_observable(n), z_observable(n, 1))
    return c, rng.uniform(0, np.pi, (4, n)), rng.normal(size=c.n_weights), obs


def _cot(values):
    return np.tanh(values) * np.array([1.0, -0.5]) + 0.2


def _finite_differences(backend, c, angles, w, obs, eps=1e-6):
    def loss(a, ww):  # sum_s,o cot_so * f_so with the cotangent frozen at the unperturbed values
        return float(np.sum(frozen * np.stack([backend.expval(c, a, ww, o) for o in obs], axis=1)))

    frozen = _cot(np.stack([backend.expval(c, angles, w, o) for o in obs], axis=1))
    gw = np.array([(loss(angles, w + eps * e) - loss(angles, w - eps * e)) / (2 * eps) for e in np.eye(len(w))])
    ga = np.zeros(angles.shape)
    for s in range(angles.shape[0]):
        for j in range(angles.shape[1]):
            d = np.zeros(angles.shape)
            d[s, j] = eps
            ga[s, j] = (loss(angles + d, w) - loss(angles - d, w)) / (2 * eps)
    return gw, ga


@pytest.mark.parametrize("backend,gradient", [("numpy", "adjoint"), ("numpy", "parameter-shift"),
                                              pytest.param("pennylane", None, marks=needs("pennylane", "pennylane"))])
def test_value_and_grads_match_finite_differences(problem, backend, gradient):
    c, angles, w, obs = problem
    b = open_backend(backend, gradient=gradient)
    values, gw, ga = b.value_and_grads(c, angles, w, obs, _cot)
    assert values.shape == (4, 2)
    assert np.allclose(values[:, 0], b.expval(c, angles, w, obs[0]), atol=1e-10)
    fd_w, fd_a = _finite_differences(open_backend("numpy"), c, angles, w, obs)
    assert np.allclose(gw, fd_w, atol=1e-6)
    assert np.allclose(ga, fd_a, atol=1e-6)


def test_value_and_grads_refuses_a_misshapen_cotangent(problem):
    c, angles, w, obs = problem
    with pytest.raises(QBenchError, match="cotangent has shape"):
        open_backend("numpy", gradient="adjoint").value_and_grads(c, angles, w, obs, lambda v: v[:, 0])


def test_dense_adjoint_matches_the_gate_by_gate_adjoint(rng):
    """The small-circuit dense path on every gate kind (H, P, CNOT, CZ, RX/RY/RZ/RZZ, data and weights)."""
    from qbench.backends import dense_adjoint, statevector
    from qbench.circuits import HardwareEfficientAnsatz, ZZFeatureMap

    n = 3
    fm = ZZFeatureMap(reps=2, entanglement="linear")
    extra = Circuit(n, (Gate("RX", (1,), Angle("data", 0, 0.5)), Gate("RZZ", (0, 2), Angle("weight", 0, -1.0, 0.3)),
                        Gate("Y", (2,)), Gate("RZ", (0,), Angle("const", 0, 0.0, 0.7))), 1, 1)
    c = fm.circuit(n).then(HardwareEfficientAnsatz(2, entangler="cz").circuit(n)).then(extra, share_data=True)
    angles = fm.angles(rng.uniform(0, np.pi, (5, n)))
    w = rng.normal(size=c.n_weights)
    diagonals = np.stack([parity_observable(n).diagonal(n), z_observable(n, 2).diagonal(n)])
    cot = lambda v: np.sin(v) + 0.1  # noqa: E731
    assert dense_adjoint.fits(c, len(angles))
    got = dense_adjoint.value_and_grads(c, angles, w, diagonals, cot)
    want = statevector.adjoint_value_and_grads(c, angles, w, diagonals, cot)
    for a, b in zip(got, want):
        assert np.allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_dense_adjoint_matches_on_random_circuits(rng, n):
    """Every gate kind on every wire (and wire pair), data, weight and constant angles, two observables,
    from 1 to the dense path's widest 6 qubits: the compiled sweeps agree with the gate-by-gate adjoint."""
    from qbench.backends import dense_adjoint, statevector
    from qbench.circuits.ir import FIXED_GATES, ROTATION_GATES

    names = sorted(name for name, k in {**FIXED_GATES, **ROTATION_GATES}.items() if k <= n)
    gates = []
    for i in range(30 * n):
        name = names[rng.integers(len(names))]
        arity = {**FIXED_GATES, **ROTATION_GATES}[name]
        wires = tuple(int(w) for w in rng.choice(n, arity, replace=False))
        angle = None
        if name in ROTATION_GATES:
            source = ("data", "weight", "const")[i % 3]
            angle = Angle(source, i % 2 if source != "const" else 0, rng.normal(), rng.normal())
        gates.append(Gate(name, wires, angle))
    c = Circuit(n, tuple(gates), 2, 2)
    angles = rng.uniform(-np.pi, np.pi, (7, 2))
    w = rng.normal(size=2)
    diagonals = np.stack([parity_observable(n).diagonal(n), z_observable(n, n - 1).diagonal(n)])
    cot = lambda v: np.cos(v) - 0.3  # noqa: E731
    assert dense_adjoint.fits(c, len(angles))
    got = dense_adjoint.value_and_grads(c, angles, w, diagonals, cot)
    want = statevector.adjoint_value_and_grads(c, angles, w, diagonals, cot)
    for a, b in zip(got, want):
        assert np.allclose(a, b, atol=1e-11)
