"""value_and_vjp: values and VJP in one call; the numpy adjoint simulates the forward pass once."""

import numpy as np
import pytest

from qbench.backends import statevector
from qbench.circuits import AngleFeatureMap, StronglyEntanglingAnsatz, parity_observable
from qbench.errors import QBenchError
from qbench.plugin.manager import open_backend


@pytest.fixture
def problem(rng):
    n = 3
    c = AngleFeatureMap().circuit(n).then(StronglyEntanglingAnsatz(2).circuit(n))
    return c, rng.uniform(0, np.pi, (5, n)), rng.normal(size=c.n_weights), parity_observable(n)


@pytest.mark.parametrize("gradient", ["adjoint", "parameter-shift"])
def test_value_and_vjp_equals_expval_then_vjp(problem, gradient):
    c, angles, w, obs = problem
    b = open_backend("numpy", gradient=gradient)
    f = b.expval(c, angles, w, obs)
    cot = lambda values: np.tanh(values) - 0.3  # noqa: E731  (depends on the forward values)
    values, grad = b.value_and_vjp(c, angles, w, obs, cot)
    assert np.allclose(values, f, atol=1e-12)
    assert np.allclose(grad, b.vjp(c, angles, w, obs, cot(f)), atol=1e-10)
    values2, grad2 = b.value_and_vjp(c, angles, w, obs, cot(f))
    assert np.allclose(values2, f, atol=1e-12) and np.allclose(grad2, grad, atol=1e-10)


@pytest.mark.parametrize("path", ["dense", "statevector"])
def test_numpy_adjoint_simulates_once(problem, monkeypatch, path):
    """One forward pass for values and VJP, on the small-circuit dense path and on the gate-by-gate one."""
    from qbench.backends import dense_adjoint, dense_sweeps

    c, angles, w, obs = problem
    calls = []
    if path == "dense":
        real = dense_sweeps.forward
        monkeypatch.setattr(dense_sweeps, "forward", lambda *a, **k: calls.append(1) or real(*a, **k))
    else:
        monkeypatch.setattr(dense_adjoint, "fits", lambda *a: False)
        real = statevector.simulate
        monkeypatch.setattr(statevector, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    b = open_backend("numpy", gradient="adjoint")
    values, grad = b.value_and_vjp(c, angles, w, obs, np.ones(len(angles)))
    assert len(calls) == 1
    want = statevector.adjoint_value_and_vjp(c, angles, w, obs.diagonal(c.n_qubits), lambda v: np.ones(len(v)))
    assert np.allclose(values, want[0], atol=1e-12) and np.allclose(grad, want[1], atol=1e-11)


def test_value_and_vjp_checks_the_cotangent(problem):
    c, angles, w, obs = problem
    b = open_backend("numpy", gradient="adjoint")
    with pytest.raises(QBenchError, match="cotangent has 2 entries for 5 samples"):
        b.value_and_vjp(c, angles, w, obs, np.ones(2))
    with pytest.raises(QBenchError, match="cotangent has 1 entries"):
        b.value_and_vjp(c, angles, w, obs, lambda f: np.ones(1))
