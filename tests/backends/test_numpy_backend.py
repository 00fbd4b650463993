import numpy as np
import pytest

from qbench.backends.statevector import adjoint_vjp, simulate
from qbench.circuits import AngleFeatureMap, StronglyEntanglingAnsatz, ZZFeatureMap, parity_observable
from qbench.errors import CapabilityError, QBenchError
from qbench.plugin.manager import open_backend
from qbench.testing import parametrize_backend_checks


@parametrize_backend_checks("numpy", modes=["exact", "shots"])
def test_numpy_passes_the_conformance_kit(check):
    check()


def test_adjoint_equals_finite_differences(rng):
    n = 3
    c = AngleFeatureMap().circuit(n).then(StronglyEntanglingAnsatz(2).circuit(n))
    angles = rng.uniform(0, np.pi, (4, n))
    w = rng.normal(size=c.n_weights)
    diag = parity_observable(n).diagonal(n)
    cot = rng.normal(size=4)
    f = lambda w: cot @ (np.abs(simulate(c, angles, w)) ** 2 @ diag)  # noqa: E731
    fd = np.array([(f(w + 1e-6 * e) - f(w - 1e-6 * e)) / 2e-6 for e in np.eye(len(w))])
    assert np.allclose(adjoint_vjp(c, angles, w, diag, cot), fd, atol=1e-7)


def test_parameter_shift_equals_adjoint(rng):
    n = 3
    c = AngleFeatureMap().circuit(n).then(StronglyEntanglingAnsatz(1).circuit(n))
    angles, w, cot = rng.uniform(0, np.pi, (4, n)), rng.normal(size=9), rng.normal(size=4)
    obs = parity_observable(n)
    a = open_backend("numpy", gradient="adjoint").vjp(c, angles, w, obs, cot)
    p = open_backend("numpy", gradient="parameter-shift").vjp(c, angles, w, obs, cot)
    assert np.allclose(a, p, atol=1e-10)


def test_refuses_undeclared_mode_gradient_and_width():
    with pytest.raises(CapabilityError, match="does not support mode 'hardware'"):
        open_backend("numpy", mode="hardware")
    with pytest.raises(CapabilityError, match="gradient method 'backprop'"):
        open_backend("numpy", gradient="backprop")
    fm = ZZFeatureMap()
    with pytest.raises(CapabilityError, match="at most 20 qubits"):
        open_backend("numpy").kernel(fm.circuit(21), np.zeros((1, fm.circuit(21).n_data)))


def test_rejects_shots_in_exact_mode_and_bad_angles():
    with pytest.raises(QBenchError, match="exact mode"):
        open_backend("numpy", shots=100)
    c = ZZFeatureMap().circuit(2)
    with pytest.raises(QBenchError, match="NaN"):
        open_backend("numpy").kernel(c, np.full((2, c.n_data), np.nan))
    with pytest.raises(QBenchError, match="shape"):
        open_backend("numpy").kernel(c, np.zeros((2, 1)))


def test_usage_counts_executions_and_shots(rng):
    fm = ZZFeatureMap()
    c, a = fm.circuit(2), fm.angles(rng.uniform(size=(5, 2)))
    b = open_backend("numpy", mode="shots", shots=100, seed=1)
    b.kernel(c, a)
    assert b.usage.circuit_executions == 15 and b.usage.shots == 1500  # i <= j: the diagonal is sampled too
