"""The Boltzmann machines' compiled steps: the NumPy functions' math, and the Python loop's fits."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from qbench.datasets.generators import linearly_separable
from qbench.models import boltzmann, boltzmann_steps, compiled_training, training
from qbench.models.boltzmann import (QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine, gibbs_expectation,
                                     hamiltonian_terms, one_qubit_gibbs_z)

MACHINES = [QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine]


def _observable(n, visible, observable_type):
    model = QuantumBoltzmannMachine(visible_qubits=visible, observable_type=observable_type)
    return model._observable(n, {"single": 1, "half": max(1, n // 2), "full": n}[visible])


def _coefficients(n, rng):
    """Random coefficients, all-zero ones (every eigenvalue equal) and a Z_0 field alone (two eigenvalues, each
    2**(n-1) times), at several scales."""
    k = len(hamiltonian_terms(n))
    coeffs = rng.normal(size=(12, k)) * rng.choice([1e-3, 1.0, 5.0], size=(12, 1))
    field = np.zeros((1, k))
    field[0, 0] = 0.8
    return np.concatenate([coeffs, np.zeros((1, k)), field])


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("observable_type", ["sum", "product"])
@pytest.mark.parametrize("temperature", [0.3, 1.0, 100.0])
def test_the_compiled_gibbs_expectation_is_the_numpy_one(n, observable_type, temperature):
    rng = np.random.default_rng(n)
    terms = hamiltonian_terms(n)
    coeffs = _coefficients(n, rng)
    for visible in ("single", "full"):
        obs = _observable(n, visible, observable_type)
        f, grad = gibbs_expectation(coeffs, terms, obs, temperature)
        cf, cgrad = boltzmann_steps.gibbs_expectations(coeffs, terms.diagonals, terms.flips, obs, 1.0 / temperature)
        np.testing.assert_allclose(cf, f, rtol=0, atol=1e-13)
        np.testing.assert_allclose(cgrad, grad, rtol=1e-9, atol=1e-13)


def test_degenerate_eigenvalues_take_the_derivative_not_a_divided_difference():
    """H = 0: every gap is 0, so every entry takes -beta w; d<Z_0>/d(coefficient of Z_0) = -beta (1 - <Z_0>^2)."""
    terms = hamiltonian_terms(2)
    obs = _observable(2, "single", "sum")
    f, grad = boltzmann_steps.gibbs_expectations(np.zeros((1, len(terms))), terms.diagonals, terms.flips, obs, 2.0)
    assert f[0] == 0.0 and np.all(np.isfinite(grad))
    assert grad[0, 0] == pytest.approx(-2.0, abs=1e-14)
    np.testing.assert_allclose(grad, gibbs_expectation(np.zeros((1, len(terms))), terms, obs, 0.5)[1], atol=1e-15)


@pytest.mark.parametrize("temperature", [0.05, 1.0, 100.0])
@pytest.mark.parametrize("product", [False, True])
def test_the_compiled_separable_state_is_the_closed_form(temperature, product):
    rng = np.random.default_rng(5)
    ab = rng.normal(size=(40, 6)) * rng.choice([0.0, 1e-9, 1e-6, 1e-3, 1.0, 30.0], size=(40, 6))
    m, dm_da, dm_db = one_qubit_gibbs_z(ab[:, 0::2], ab[:, 1::2], temperature)
    f, grad = boltzmann_steps.separable_expectations(ab, 1.0 / temperature, product)
    if product:
        want = m.prod(axis=1)
        dfdm = np.stack([np.prod(np.delete(m, q, axis=1), axis=1) for q in range(3)], axis=1)
    else:
        want, dfdm = m.mean(axis=1), np.full_like(m, 1 / 3)
    # the same formula; libm's tanh and NumPy's differ in the last bit, which h's cancellation leaves at ~1e-15
    np.testing.assert_allclose(f, want, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(grad[:, 0::2], dfdm * dm_da, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grad[:, 1::2], dfdm * dm_db, rtol=1e-12, atol=1e-13)


def test_the_log_loss_term_is_fits_clipped_log_loss():
    for f, t in [(0.3, 1.0), (-0.6, 0.0), (1.0, 0.0), (-1.0, 1.0), (-1.0, 0.0)]:
        p = np.clip((1 + f) / 2, 1e-12, 1 - 1e-12)
        loss, dldf = boltzmann_steps.log_loss_term(f, t)
        assert loss == pytest.approx(-(t * np.log(p) + (1 - t) * np.log(1 - p)), rel=1e-15)
        assert dldf == pytest.approx((p - t) / (p * (1 - p)) * 0.5, rel=1e-15)


def _counting(calls, name, trainer):
    def counted(*args, **kwargs):
        calls.append(name)
        return trainer(*args, **kwargs)
    return counted


def _fit(cls, monkeypatch, trainer, python_loop=False, **params):
    """A fit (``python_loop``: with the compiled steps turned off); asserts that ``trainer`` ("train_compiled" or the
    Python loop's "train") ran it."""
    X, y = linearly_separable(80, 3, seed=2)
    calls = []
    with monkeypatch.context() as patch:
        if python_loop:
            patch.setattr(cls, "_compiled_chunk", lambda self, Z, target: None)
        patch.setattr(training, "train", _counting(calls, "train", training.train))
        patch.setattr(compiled_training, "train_compiled",
                      _counting(calls, "train_compiled", compiled_training.train_compiled))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = cls(learning_rate=0.05, batch_size=8, random_state=7, **params).fit(X, y)
    assert calls == [trainer]
    return model


def _both(cls, monkeypatch, **params):
    return _fit(cls, monkeypatch, "train_compiled", **params), _fit(cls, monkeypatch, "train", True, **params)


@pytest.mark.parametrize("cls", MACHINES)
@pytest.mark.parametrize("visible, observable_type, temperature", [("single", "sum", 1.0), ("full", "product", 0.5),
                                                                   ("half", "sum", 10.0)])
def test_a_compiled_fit_is_the_python_fit(monkeypatch, cls, visible, observable_type, temperature):
    params = dict(visible_qubits=visible, observable_type=observable_type, temperature=temperature, max_steps=50)
    fast, slow = _both(cls, monkeypatch, **params)
    np.testing.assert_allclose(fast.theta_, slow.theta_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=0, atol=1e-9)
    assert fast.n_iter_ == slow.n_iter_ == 50 and fast.converged_ is slow.converged_ is False


@pytest.mark.parametrize("cls", MACHINES)
def test_the_stop_rule_ends_a_compiled_fit_at_the_python_fits_step(monkeypatch, cls):
    params = dict(visible_qubits="full", max_steps=3000, convergence_interval=20)
    fast, slow = _both(cls, monkeypatch, **params)
    assert fast.converged_ and slow.converged_ and fast.n_iter_ == slow.n_iter_ < 3000
    np.testing.assert_allclose(fast.theta_, slow.theta_, rtol=0, atol=1e-9)


def test_above_the_compiled_width_and_on_the_pass_schedule_the_numpy_steps_run(monkeypatch):
    monkeypatch.setattr(boltzmann, "COMPILED_MAX_QUBITS", 2)
    _fit(QuantumBoltzmannMachine, monkeypatch, "train", max_steps=5)  # 3 qubits
    _fit(SeparableQuantumBoltzmannMachine, monkeypatch, "train_compiled", max_steps=5)  # no width limit
    for cls in MACHINES:
        model = _fit(cls, monkeypatch, "train", max_iter=2)  # max_steps=None: passes over the data
        assert model.n_iter_ == 2 and np.all(np.isfinite(model.theta_))
