"""Seeded, offline data generators.

The first five follow the descriptions in Bowles, Ahmed & Schuld (2024), "Better than
classical? The subtle art of benchmarking quantum machine learning models"; the ad hoc
data follows Havlicek et al. (2019).  Every generator returns ``(X, y)`` with y in {0, 1}.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import unitary_group

from qbench.errors import DataError


def _balanced_take(X: np.ndarray, y: np.ndarray, n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """n_samples points, half of each class, in a seeded random order."""
    per = [n_samples // 2, n_samples - n_samples // 2]
    idx = []
    for label, k in zip((0, 1), per):
        pool = np.flatnonzero(y == label)
        if len(pool) < k:
            raise DataError(f"generator produced only {len(pool)} points of class {label}; need {k}")
        idx.append(rng.choice(pool, size=k, replace=False))
    idx = rng.permutation(np.concatenate(idx))
    return X[idx], y[idx]


def linearly_separable(n_samples: int = 300, n_features: int = 4, seed: int = 0, margin: float = 0.02):
    """Uniform points in [-1, 1]^d labelled by a fixed hyperplane; points within ``margin`` of it are dropped."""
    rng = np.random.default_rng(seed)
    w = np.ones(n_features) / np.sqrt(n_features)
    X = rng.uniform(-1, 1, size=(8 * n_samples + 100, n_features))
    score = X @ w
    keep = np.abs(score) > margin
    return _balanced_take(X[keep], (score[keep] > 0).astype(int), n_samples, rng)


def hidden_manifold(n_samples: int = 300, n_features: int = 4, seed: int = 0, manifold_dimension: int = 6):
    """Inputs on an m-dimensional manifold embedded by a random nonlinear map; labels from a random network on the latent coordinates."""
    rng = np.random.default_rng(seed)
    m = manifold_dimension
    z = rng.normal(size=(4 * n_samples + 100, m))
    F = rng.normal(size=(m, n_features))
    X = np.tanh(z @ F / np.sqrt(m))
    W = rng.normal(size=(m, m))
    v = rng.normal(size=m)
    score = np.tanh(z @ W / np.sqrt(m)) @ v / np.sqrt(m)
    y = (score > np.median(score)).astype(int)
    return _balanced_take(X, y, n_samples, rng)


def two_curves(n_samples: int = 300, n_features: int = 4, seed: int = 0, degree: int = 5, offset: float = 0.1,
               noise: float = 0.01):
    """Two 1-D curves in d dimensions (random Fourier series of ``degree``), the second shifted by ``offset``."""
    rng = np.random.default_rng(seed)
    coeffs = rng.uniform(-1, 1, size=(degree, 2, n_features)) / np.arange(1, degree + 1)[:, None, None]
    t = rng.uniform(0, 1, size=n_samples)
    k = np.arange(1, degree + 1)
    basis_cos = np.cos(2 * np.pi * np.outer(t, k))
    basis_sin = np.sin(2 * np.pi * np.outer(t, k))
    curve = basis_cos @ coeffs[:, 0, :] + basis_sin @ coeffs[:, 1, :]
    y = np.arange(n_samples) % 2
    X = curve + offset * (2 * y[:, None] - 1) / np.sqrt(n_features) + noise * rng.normal(size=curve.shape)
    order = rng.permutation(n_samples)
    return X[order], y[order]


def hyperplanes_parity(n_samples: int = 300, n_features: int = 4, seed: int = 0, n_hyperplanes: int = 2,
                       dim_hyperplanes: int = 3):
    """Label = parity of the sides of ``n_hyperplanes`` random hyperplanes, each defined on ``dim_hyperplanes`` coordinates."""
    rng = np.random.default_rng(seed)
    dim = min(dim_hyperplanes, n_features)
    X = rng.normal(size=(4 * n_samples + 100, n_features))
    parity = np.zeros(len(X), dtype=int)
    for _ in range(n_hyperplanes):
        cols = rng.choice(n_features, size=dim, replace=False)
        normal = rng.normal(size=dim)
        parity ^= (X[:, cols] @ normal > 0).astype(int)
    return _balanced_take(X, parity, n_samples, rng)


def bars_and_stripes(n_samples: int = 300, n_features: int = 16, seed: int = 0, noise: float = 0.5):
    """Square +-1 images of vertical bars (class 0) or horizontal stripes (class 1) plus Gaussian noise."""
    side = int(round(np.sqrt(n_features)))
    if side * side != n_features:
        raise DataError(f"bars_and_stripes needs a square number of features, got {n_features}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    X = np.empty((n_samples, side, side))
    for i in range(n_samples):
        line = rng.choice([-1.0, 1.0], size=side)
        X[i] = np.tile(line, (side, 1)) if y[i] == 0 else np.tile(line[:, None], (1, side))
    X = X.reshape(n_samples, -1) + noise * rng.normal(size=(n_samples, n_features))
    order = rng.permutation(n_samples)
    return X[order], y[order]


def havlicek_ad_hoc(n_samples: int = 50, n_features: int = 2, seed: int = 0, gap: float = 0.3):
    """Havlicek et al. (2019) ad hoc data: x in [0, 2 pi]^n labelled by the sign of <Phi(x)| V^dag Z..Z V |Phi(x)>.

    Phi is the ZZ feature map with two repetitions; V is a Haar-random unitary from the seed; points
    whose expectation lies within ``gap`` of zero are rejected.
    """
    from qbench.backends.statevector import simulate
    from qbench.circuits.feature_maps import ZZFeatureMap

    rng = np.random.default_rng(seed)
    n = n_features
    fm = ZZFeatureMap(reps=2, entanglement="full")
    V = unitary_group.rvs(2**n, random_state=rng)
    parity = np.array([(-1) ** bin(i).count("1") for i in range(2**n)], dtype=float)
    observable = V.conj().T @ np.diag(parity) @ V
    Xs, ys = [], []
    count = [0, 0]
    target = [n_samples // 2, n_samples - n_samples // 2]
    for _ in range(200):
        X = rng.uniform(0, 2 * np.pi, size=(2000, n))
        psi = simulate(fm.circuit(n), fm.angles(X), np.zeros(0))
        value = np.real(np.einsum("si,ij,sj->s", psi.conj(), observable, psi))
        for x, v in zip(X, value):
            label = 1 if v >= gap else 0 if v <= -gap else None
            if label is not None and count[label] < target[label]:
                Xs.append(x)
                ys.append(label)
                count[label] += 1
        if count == target:
            break
    else:
        raise DataError(f"ad hoc data: could not draw {n_samples} points with gap {gap}")
    order = rng.permutation(len(ys))
    return np.array(Xs)[order], np.array(ys)[order]
