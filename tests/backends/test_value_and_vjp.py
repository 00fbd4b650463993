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


def test_numpy_adjoint_simulates_once(problem, monkeypatch):
    c, angles, w, obs = problem
    calls = []
    real = statevector.simulate
    monkeypatch.setattr(statevector, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    open_backend("numpy", gradient="adjoint").value_and_vjp(c, angles, w, obs, np.ones(len(angles)))
    assert len(calls) == 1


def test_value_and_vjp_checks_the_cotangent(problem):
    c, angles, w, obs = problem
    b = open_backend("numpy", gradient="adjoint")
    with pytest.raises(QBenchError, match="cotangent has 2 entries for 5 samples"):
        b.value_and_vjp(c, angles, w, obs, np.ones(2))
    with pytest.raises(QBenchError, match="cotangent has 1 entries"):
        b.value_and_vjp(c, angles, w, obs, lambda f: np.ones(1))
