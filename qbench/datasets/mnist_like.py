"""MNIST PCA and MNIST coarse-grained (Bowles et al. 2024), built offline from scikit-learn's 8x8 digits.

No package on PyPI ships MNIST inside its wheel (the MNIST packages download it at run time, which qbench
never does), so both sets start from ``sklearn.datasets.load_digits`` (1,797 8x8 images; about 180 per digit)
instead of MNIST's 28x28 images, with the paper's preprocessing (qml-benchmarks' ``generate_mnist``):

* ``mnist_pca``: two digits (3 vs 5 by default), flattened, standardised, then PCA to ``n_features`` components.
* ``mnist_cg``: two digits, coarse-grained to ``height`` x ``height`` images (area average when ``height``
  divides 8, bilinear interpolation otherwise), flattened and standardised; ``n_features`` = height**2.

The paper fits the scaler and PCA on MNIST's training split; here they are fitted on the whole pair of digits
before qbench's split (no labels are used, but test images shape the components).  Labels: 0 for the first
digit, 1 for the second.
"""

from __future__ import annotations

import numpy as np

from qbench.errors import DataError

SIDE = 8


def _digit_pair(classes) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    classes = tuple(int(c) for c in classes)
    if len(classes) != 2 or classes[0] == classes[1] or not all(0 <= c <= 9 for c in classes):
        raise DataError(f"classes must be two different digits 0-9, got {classes}")
    d = load_digits()
    keep = np.isin(d.target, classes)
    return d.images[keep].astype(float), (d.target[keep] == classes[1]).astype(int)


def _take(X: np.ndarray, y: np.ndarray, n_samples: int | None, seed: int, name: str):
    if n_samples is None:
        return X, y
    if n_samples > len(X):
        raise DataError(f"{name}: only {len(X)} images of the two digits exist (scikit-learn's digits); "
                        f"asked for {n_samples}")
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(np.arange(len(X)), train_size=n_samples, stratify=y, random_state=seed) \
        if n_samples < len(X) else (np.arange(len(X)), None)
    return X[idx], y[idx]


def coarse_grain(images: np.ndarray, height: int) -> np.ndarray:
    """(n, side, side) images at (n, height, height): block average when height divides side, bilinear otherwise."""
    n, side, _ = images.shape
    if side % height == 0:
        f = side // height
        return images.reshape(n, height, f, height, f).mean(axis=(2, 4))
    from scipy.ndimage import zoom

    return np.stack([zoom(im, height / side, order=1, grid_mode=True, mode="nearest") for im in images])


def mnist_pca(n_samples: int | None = None, n_features: int = 4, seed: int = 0, classes=(3, 5)):
    """Two digits, standardised and projected with PCA onto n_features components (scikit-learn's 8x8 digits)."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    if not 1 <= int(n_features) <= SIDE * SIDE:
        raise DataError(f"mnist_pca: n_features must be between 1 and {SIDE * SIDE}, got {n_features}")
    images, y = _digit_pair(classes)
    flat = StandardScaler().fit_transform(images.reshape(len(images), -1))
    X = PCA(n_components=int(n_features), random_state=0).fit_transform(flat)
    return _take(X, y, n_samples, seed, "mnist_pca")


def mnist_cg(n_samples: int | None = None, n_features: int | None = None, seed: int = 0, classes=(3, 5),
             height: int | None = None):
    """Two digits coarse-grained to height x height images, flattened and standardised (scikit-learn's 8x8 digits)."""
    from sklearn.preprocessing import StandardScaler

    if height is None:
        height = int(round(np.sqrt(n_features))) if n_features is not None else 4
    if n_features is not None and int(n_features) != height * height:
        raise DataError(f"mnist_cg: n_features must be a square (height x height images), got {n_features}")
    if not 1 <= height <= SIDE:
        raise DataError(f"mnist_cg: height must be between 1 and {SIDE}, got {height}")
    images, y = _digit_pair(classes)
    flat = coarse_grain(images, height).reshape(len(images), -1)
    X = StandardScaler().fit_transform(flat)
    return _take(X, y, n_samples, seed, "mnist_cg")
