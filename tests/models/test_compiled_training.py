"""The compiled trainer runs the core trainer's schedule: same batches, Adam, stop rules and record."""

import warnings

import numpy as np
import pytest
from numba import njit
from sklearn.exceptions import ConvergenceWarning

from qbench.errors import DataError
from qbench.models import compiled_training as ct
from qbench.models.training import loss_is_flat, train


def _problem(seed=0, n=60):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(float)
    return X, y


def _loss_and_grad(params, X, y):
    z = X @ params[:-1] + params[-1]
    p = 1 / (1 + np.exp(-z))
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    r = (p - y) / len(y)
    return loss, np.concatenate([X.T @ r, [r.sum()]])


@njit
def _logistic_chunk(X, y, params, m, v, first, lr, batches, losses, interval):
    grad = np.empty(params.shape[0])
    for k in range(batches.shape[0]):
        b = batches[k]
        grad[:] = 0.0
        loss = 0.0
        for s in b:
            z = params[-1]
            for j in range(X.shape[1]):
                z += X[s, j] * params[j]
            loss += np.logaddexp(0.0, z) - y[s] * z
            r = (1 / (1 + np.exp(-z)) - y[s]) / b.shape[0]
            for j in range(X.shape[1]):
                grad[j] += X[s, j] * r
            grad[-1] += r
        status = ct.finish_step(params, grad, m, v, lr, losses, first + k, loss / b.shape[0], interval)
        if status != ct.RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], ct.RUNNING


def _both(max_steps, interval, lr=0.05, batch_size=8, seed=3):
    X, y = _problem()
    p0 = np.zeros(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        slow = train(lambda p, b: _loss_and_grad(p, X[b], y[b]), p0, rng=np.random.RandomState(seed), n_samples=len(y),
                     learning_rate=lr, batch_size=batch_size, max_steps=max_steps, convergence_interval=interval)
        fast = ct.train_compiled(lambda *a: _logistic_chunk(X, y, *a), p0, rng=np.random.RandomState(seed),
                                 n_samples=len(y), learning_rate=lr, batch_size=batch_size, max_steps=max_steps,
                                 convergence_interval=interval)
    return slow, fast


@pytest.mark.parametrize("max_steps", [1, 7, ct.CHUNK_STEPS + 5])
def test_same_steps_batches_and_parameters_as_the_python_loop(max_steps):
    slow, fast = _both(max_steps, None)
    assert fast.n_steps == slow.n_steps == max_steps
    np.testing.assert_allclose(fast.step_losses, slow.step_losses, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fast.params, slow.params, rtol=1e-12, atol=1e-14)
    assert fast.batch_sizes == slow.batch_sizes and fast.converged is slow.converged is False


def test_the_stop_rule_ends_training_at_the_same_step():
    slow, fast = _both(5000, 20, lr=0.2)
    assert slow.converged and fast.converged
    assert fast.n_steps == slow.n_steps < 5000
    np.testing.assert_allclose(fast.params, slow.params, rtol=1e-12, atol=1e-14)


def test_the_compiled_rule_is_the_python_rule():
    rng = np.random.RandomState(0)
    verdicts = set()
    for _ in range(300):
        n = rng.randint(1, 60)
        losses = rng.normal(size=n) - rng.uniform(0, 0.2) * np.arange(n)
        interval = int(rng.randint(1, 20))
        verdict = loss_is_flat(list(losses), interval)
        assert ct.loss_is_flat_at(losses, n, interval) == verdict
        verdicts.add(verdict)
    assert verdicts == {True, False}


def test_a_non_finite_loss_stops_after_its_update():
    X, y = _problem()
    X[5] = np.nan
    fast = ct.train_compiled(lambda *a: _logistic_chunk(X, y, *a), np.zeros(4), rng=np.random.RandomState(0),
                             n_samples=len(y), learning_rate=0.1, batch_size=60, max_steps=50)
    assert fast.n_steps == 1 and not np.isfinite(fast.step_losses[-1])


def test_not_converging_warns_as_the_python_loop_does():
    X, y = _problem()
    with pytest.warns(ConvergenceWarning, match="max_steps=3"):
        ct.train_compiled(lambda *a: _logistic_chunk(X, y, *a), np.zeros(4), rng=np.random.RandomState(0),
                          n_samples=len(y), learning_rate=0.1, batch_size=8, max_steps=3, convergence_interval=2)


def test_a_bad_schedule_is_one_line():
    with pytest.raises(DataError, match="batch_size"):
        ct.train_compiled(None, np.zeros(2), rng=np.random.RandomState(0), n_samples=4, learning_rate=0.1,
                          batch_size=0, max_steps=3)


def test_a_large_batch_draws_fewer_steps_at_a_time(monkeypatch):
    """The batches of a chunk hold at most CHUNK_ENTRIES indices, so batch_size cannot multiply the draw by 1,024."""
    monkeypatch.setattr(ct, "CHUNK_ENTRIES", 40)
    seen = []
    X, y = _problem()

    def run(*state):
        seen.append(state[5].shape)
        return _logistic_chunk(X, y, *state)

    fast = ct.train_compiled(run, np.zeros(4), rng=np.random.RandomState(0), n_samples=len(y), learning_rate=0.1,
                             batch_size=16, max_steps=7)
    slow = train(lambda p, b: _loss_and_grad(p, X[b], y[b]), np.zeros(4), rng=np.random.RandomState(0),
                 n_samples=len(y), learning_rate=0.1, batch_size=16, max_steps=7)
    assert seen == [(2, 16), (2, 16), (2, 16), (1, 16)]
    np.testing.assert_allclose(fast.params, slow.params, rtol=1e-12)


def test_the_compiled_adam_is_the_python_adam_and_leaves_dead_parameters_exactly():
    """Many steps of ``adam_step`` against :class:`~qbench.models.training.Adam` (a last-bit difference: ``arcp``);
    parameters whose gradient is always zero (a CNN's kernel taps that never meet the image) stay bit for bit."""
    from qbench.models.training import Adam

    rng = np.random.RandomState(4)
    size = 1000
    params = rng.normal(size=size)
    dead = rng.uniform(size=size) < 0.4
    python, compiled = Adam(size, 0.01), params.copy()
    expected = params.copy()
    m, v = np.zeros(size), np.zeros(size)
    for t in range(1, 301):
        grad = rng.normal(size=size) * np.where(dead, 0.0, 1.0)
        expected = python.step(expected, grad)
        ct.adam_step(compiled, grad, m, v, t, 0.01)
    np.testing.assert_allclose(compiled, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(m, python.m, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(compiled[dead], params[dead])
    assert not m[dead].any() and not v[dead].any()
