"""The compiled Jacobi eigensolver is LAPACK's ``eigh`` to rounding: eigenvalues ascending, orthonormal eigenvectors."""

import numpy as np
import pytest

from qbench.models.jacobi_eigh import jacobi_eigh


def _eigh(H):
    A, lam, V = H.copy(), np.empty(len(H)), np.empty_like(H)
    jacobi_eigh(A, lam, V)
    return lam, V


def _assert_a_decomposition_of(H, lam, V):
    scale = max(1.0, np.abs(H).max())
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(H), rtol=0, atol=1e-14 * scale * len(H))
    assert (np.diff(lam) >= 0).all()
    np.testing.assert_allclose(V.T @ V, np.eye(len(H)), rtol=0, atol=1e-14 * len(H))
    np.testing.assert_allclose(V @ np.diag(lam) @ V.T, H, rtol=0, atol=1e-14 * scale * len(H))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 16])
@pytest.mark.parametrize("seed", range(5))
def test_random_symmetric_matrices_decompose_as_lapacks(n, seed):
    rng = np.random.RandomState(n * 10 + seed)
    A = rng.normal(size=(n, n)) * 10.0 ** rng.uniform(-3, 3)
    H = A + A.T
    lam, V = _eigh(H)
    _assert_a_decomposition_of(H, lam, V)
    if n > 1:  # distinct eigenvalues: the same eigenvectors up to sign
        _, want = np.linalg.eigh(H)
        np.testing.assert_allclose(np.abs(np.sum(V * want, axis=0)), 1.0, atol=1e-10)


def test_repeated_eigenvalues_give_an_orthonormal_basis_of_each_eigenspace():
    rng = np.random.RandomState(3)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    H = Q @ np.diag([-1.0, 2.0, 2.0, 2.0]) @ Q.T  # a three-fold eigenvalue
    lam, V = _eigh(H)
    _assert_a_decomposition_of(H, lam, V)


@pytest.mark.parametrize("H", [np.zeros((4, 4)), np.diag([3.0, -1.0, 2.0, -1.0]), np.eye(2) * 1e-300,
                               np.array([[1.0, 1e-200], [1e-200, 1.0]]), np.array([[0.0, 1e150], [1e150, 1e-150]])],
                         ids=["zero", "diagonal unsorted", "tiny", "tiny off-diagonal", "huge"])
def test_edge_cases(H):
    lam, V = _eigh(H)
    _assert_a_decomposition_of(H, lam, V)


@pytest.mark.parametrize("scale", [1e-200, 1e-20, 1e20, 1e200])
def test_a_matrix_of_any_finite_scale_is_diagonalised(scale):
    """Squares of entries this small or large underflow or overflow: the sums are taken relative to the largest."""
    rng = np.random.RandomState(7)
    A = rng.normal(size=(4, 4))
    H = (A + A.T) * scale
    lam, V = _eigh(H)
    np.testing.assert_allclose(lam / scale, np.linalg.eigvalsh(H / scale), rtol=0, atol=1e-13)
    np.testing.assert_allclose(V.T @ V, np.eye(4), rtol=0, atol=1e-13)
    np.testing.assert_allclose(V @ np.diag(lam / scale) @ V.T, H / scale, rtol=0, atol=1e-13)


def test_a_non_finite_matrix_gives_nan_not_a_hang():
    H = np.eye(4)
    H[1, 2] = H[2, 1] = np.nan
    lam, V = _eigh(H)
    assert np.isnan(lam).all() and np.isnan(V).all()

