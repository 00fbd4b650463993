"""Geometric difference, model complexity, alignment and spectrum against direct NumPy/SciPy computations."""

import numpy as np
import pytest
from scipy.linalg import sqrtm
from sklearn.metrics.pairwise import rbf_kernel

from qbench.errors import QBenchError
from qbench.models import kernel_diagnostics as D


@pytest.fixture
def grams():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    kc = rbf_kernel(X, gamma=0.3)
    f = np.cos(np.outer(X @ np.array([1.0, 2.0, -1.0]), np.arange(1, 5)))
    kq = f @ f.T + 0.1 * np.eye(20)
    return kc, kq, y


def direct_g(kc, kq, lam):
    n = len(kc)
    kc, kq = kc * n / np.trace(kc), kq * n / np.trace(kq)
    sq, sc = sqrtm(kq).real, sqrtm(kc).real
    inv = np.linalg.inv(kc + lam * np.eye(n))
    return np.sqrt(np.linalg.norm(sq @ sc @ inv @ inv @ sc @ sq, 2))


@pytest.mark.parametrize("lam", [1e-3, 1e-2, 0.1])
def test_geometric_difference_matches_direct_numpy(grams, lam):
    kc, kq, _ = grams
    assert D.geometric_difference(kc, kq, lam) == pytest.approx(direct_g(kc, kq, lam), rel=1e-6)


def test_unregularised_form(grams):
    kc, kq, _ = grams
    n = len(kc)
    kc2 = kc + 0.5 * np.eye(n)  # well conditioned, so K_C^-1 exists
    a, b = kc2 * n / np.trace(kc2), kq * n / np.trace(kq)
    sq = sqrtm(b).real
    want = np.sqrt(np.linalg.norm(sq @ np.linalg.inv(a) @ sq, 2))
    assert D.geometric_difference(kc2, kq, 0.0) == pytest.approx(want, rel=1e-6)


def test_equal_kernels_give_one(grams):
    kc, _, _ = grams
    k = kc + 0.5 * np.eye(len(kc))
    assert D.geometric_difference(k, k, 0.0) == pytest.approx(1.0, abs=1e-8)
    assert D.geometric_difference(k, 3.0 * k, 1e-6) == pytest.approx(1.0, abs=1e-4)  # trace normalisation


def test_model_complexity_is_ridge_norm(grams):
    kc, _, y = grams
    n = len(kc)
    k = kc * n / np.trace(kc)
    t = np.where(y == 1, 1.0, -1.0)
    alpha = np.linalg.solve(k + 0.01 * np.eye(n), t)
    assert D.model_complexity(kc, y, 0.01) == pytest.approx(alpha @ k @ alpha, rel=1e-8)
    k2 = kc + np.eye(n)
    k2n = k2 * n / np.trace(k2)
    assert D.model_complexity(k2, y, 0.0) == pytest.approx(t @ np.linalg.solve(k2n, t), rel=1e-8)


def test_alignment_spectrum_dimension(grams):
    kc, _, y = grams
    t = np.where(y == 1, 1.0, -1.0)
    yy = np.outer(t, t)
    assert D.target_alignment(kc, y) == pytest.approx(np.sum(kc * yy) / (np.linalg.norm(kc) * np.linalg.norm(yy)))
    assert D.target_alignment(yy, y) == pytest.approx(1.0)
    assert D.effective_dimension(np.eye(7)) == pytest.approx(7.0)
    assert D.effective_dimension(np.ones((7, 7))) == pytest.approx(1.0)
    s = D.spectrum(kc)
    assert s == sorted(s, reverse=True) and sum(s) <= 1 + 1e-12
    np.testing.assert_allclose(s, np.sort(np.linalg.eigvalsh(kc))[::-1][:16] / np.trace(kc), atol=1e-12)


def test_panel_matches_svc_scale_gamma():
    rng = np.random.default_rng(0)
    Z = rng.uniform(0, np.pi, (10, 2))
    panel = D.classical_panel(Z)
    np.testing.assert_allclose(panel["rbf:gamma=scale"], rbf_kernel(Z, gamma=1 / (2 * Z.var())))
    assert D.panel_key("rbf", 0.1) in panel and D.panel_key("poly", 1.0, 3) in panel and "linear" in panel


def test_bad_input():
    with pytest.raises(QBenchError):
        D.geometric_difference(np.eye(3), np.eye(4))
    with pytest.raises(QBenchError):
        D.geometric_difference(np.eye(3), np.eye(3), -1.0)
    with pytest.raises(QBenchError, match="two classes"):
        D.target_alignment(np.eye(3), [0, 1, 2])


def test_training_error_is_the_ridge_residual(grams):
    kc, kq, _ = grams
    n, lam = len(kc), 0.01
    a, b = kc * n / np.trace(kc), kq * n / np.trace(kq)
    # the worst unit-norm v: residual of the ridge fit to y = sqrt(K_Q) v, maximised by the top eigenvector
    sq = sqrtm(b).real
    r = lam * np.linalg.inv(a + lam * np.eye(n)) @ sq
    want = np.linalg.norm(r, 2) ** 2
    assert D.classical_training_error(kc, kq, lam) == pytest.approx(want, rel=1e-6)
    assert D.classical_training_error(kq, kq, 1e-8) < 1e-6  # a kernel fits its own labels


def test_panel_entries_agree_with_the_direct_functions(grams):
    _, kq, y = grams
    Z = np.random.default_rng(5).uniform(0, np.pi, (20, 3))
    panel, out = D.classical_panel(Z), D.quantum_vs_classical(kq, Z, y)
    assert set(out) == set(panel)
    for key, kc in panel.items():
        assert out[key]["g"] == pytest.approx(direct_g(kc, kq, D.GD_LAMBDA), rel=1e-6), key
        assert out[key]["model_complexity"] == pytest.approx(D.model_complexity(kc, y), rel=1e-6), key
        assert out[key]["training_error"] == pytest.approx(D.classical_training_error(kc, kq), rel=1e-6), key
