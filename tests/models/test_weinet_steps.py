"""WeiNet's compiled step is its NumPy step, and the paper's schedule trains the same model through it."""

import numpy as np
import pytest

from qbench.models import weinet_steps
from qbench.models.weinet import SHIFTS, WeiNet


def test_the_compiled_loss_and_gradient_are_the_models():
    rng = np.random.RandomState(0)
    model = WeiNet()
    for n_corr in (3, 10):
        F = rng.uniform(-1, 1, size=(20, len(SHIFTS), n_corr))
        t = (rng.uniform(size=20) > 0.5).astype(float)
        params = rng.normal(size=len(SHIFTS) + n_corr + 1)
        batch = rng.randint(0, 20, size=7)
        loss, grad = model._loss_and_grad(params, F[batch], t[batch])
        got_grad = np.empty_like(params)
        got = weinet_steps.loss_and_grad(params, F, t, batch, got_grad)
        assert got == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(got_grad, grad, rtol=1e-11, atol=1e-14)


def test_the_papers_schedule_trains_the_same_model_compiled(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 1, (40, 16))
    y = (X[:, :8].sum(axis=1) > X[:, 8:].sum(axis=1)).astype(int)
    params = dict(max_steps=60, convergence_interval=None, batch_size=8, learning_rate=0.05, random_state=0)
    fast = WeiNet(**params).fit(X, y)
    monkeypatch.setattr(WeiNet, "_compiled_steps", lambda self, F, t: None)
    slow = WeiNet(**params).fit(X, y)
    assert fast.n_iter_ == slow.n_iter_ == 60
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(fast.params_, slow.params_, rtol=1e-9, atol=1e-12)
