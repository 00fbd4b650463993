"""The data sets scikit-learn ships (no download), reduced to binary problems, and its 2-D generators."""

from __future__ import annotations

from sklearn import datasets as skd

from qbench.errors import DataError


def _pair(X, y, a, b):
    mask = (y == a) | (y == b)
    return X[mask].astype(float), (y[mask] == b).astype(int)


def _subsample(X, y, n_samples, seed):
    if n_samples is None or n_samples >= len(y):
        return X, y
    from sklearn.model_selection import train_test_split

    X, _, y, _ = train_test_split(X, y, train_size=n_samples, stratify=y, random_state=seed)
    return X, y


def iris(n_samples=None, n_features=None, seed=0, classes=(0, 1)):
    """Iris, two of the three species (default setosa vs versicolor)."""
    d = skd.load_iris()
    return _subsample(*_pair(d.data, d.target, *classes), n_samples, seed)


def wine(n_samples=None, n_features=None, seed=0, classes=(0, 1)):
    """Wine, two of the three cultivars."""
    d = skd.load_wine()
    return _subsample(*_pair(d.data, d.target, *classes), n_samples, seed)


def breast_cancer(n_samples=None, n_features=None, seed=0):
    """Breast cancer Wisconsin (diagnostic), 30 features."""
    d = skd.load_breast_cancer()
    return _subsample(d.data.astype(float), d.target.astype(int), n_samples, seed)


def digits(n_samples=None, n_features=None, seed=0, classes=(3, 5)):
    """8x8 digits, one pair of digits (default 3 vs 5)."""
    d = skd.load_digits()
    if len(classes) != 2:
        raise DataError(f"digits: classes must be a pair, got {classes}")
    return _subsample(*_pair(d.data, d.target, *classes), n_samples, seed)


def moons(n_samples=200, n_features=2, seed=0, noise=0.1):
    """Two interleaving half circles."""
    X, y = skd.make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X, y.astype(int)


def circles(n_samples=200, n_features=2, seed=0, noise=0.05, factor=0.5):
    """A large circle containing a smaller one."""
    X, y = skd.make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X, y.astype(int)
