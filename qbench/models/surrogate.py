"""Classical Fourier surrogates of QNNs (Schreiber, Eisert & Meyer 2023, PRL 131, 100803; Landman et al. 2022).

A QNN whose data enter through rotations exp(-i x_i P / 2) is a trigonometric polynomial in x:
a feature read by L such gates has integer frequencies -L..L (Schuld, Sweke & Meyer 2021).  The
surrogate is a linear model on cos(w.x), sin(w.x) for the frequency vectors w the encoding can
produce, all of them when there are few, a seeded random subset otherwise (random Fourier
features restricted to the model's spectrum).
"""

from __future__ import annotations

from itertools import product

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.circuits.ir import Circuit
from qbench.errors import QBenchError

MAX_TERMS = 256
#: Grids up to this size are enumerated; larger spectra are sampled.
ENUMERATE_LIMIT = 100_000


def encoding_frequencies(circuit: Circuit) -> np.ndarray:
    """Largest frequency of each data angle in the circuit's output: the sum of |scale| over the gates that read it."""
    out = np.zeros(circuit.n_data)
    for g in circuit.gates:
        if g.angle is not None and g.angle.source == "data":
            out[g.angle.index] += abs(g.angle.scale)
    return out


def frequency_vectors(n_features: int, max_frequency: int, max_terms: int | None, random_state=None) -> np.ndarray:
    """Integer vectors w in {-L..L}^d, one of each pair +-w and no zero (the intercept covers it), optionally subsampled."""
    L = int(max_frequency)
    if L < 1:
        raise QBenchError(f"fourier surrogate: max_frequency must be an integer >= 1, got {max_frequency!r}")
    total = ((2 * L + 1) ** n_features - 1) // 2
    rng = check_random_state(random_state)
    if max_terms is not None and int(max_terms) < 1:
        raise QBenchError(f"fourier surrogate: max_terms must be >= 1, got {max_terms!r}")
    if (2 * L + 1) ** n_features <= ENUMERATE_LIMIT:
        grid = np.array(list(product(range(-L, L + 1), repeat=n_features)), dtype=float)
        first = grid[np.arange(len(grid)), np.argmax(grid != 0, axis=1)]
        half = grid[first > 0]  # the first non-zero entry positive: one of +-w
        if max_terms is not None and len(half) > max_terms:
            half = half[np.sort(rng.choice(len(half), int(max_terms), replace=False))]
        return half
    if max_terms is None:
        raise QBenchError(f"fourier surrogate: {total} frequency vectors in {n_features} dimensions; set max_terms")
    # too many to enumerate: draw distinct random vectors of the spectrum
    seen: dict[tuple, None] = {}
    while len(seen) < int(max_terms):
        w = rng.randint(-L, L + 1, n_features)
        nz = np.flatnonzero(w)
        if len(nz):
            w = w if w[nz[0]] > 0 else -w
            seen[tuple(w)] = None
    return np.array(list(seen), dtype=float)


def fourier_features(X: np.ndarray, omegas: np.ndarray) -> np.ndarray:
    phase = np.asarray(X, dtype=float) @ omegas.T
    return np.hstack([np.cos(phase), np.sin(phase)])


class FourierSurrogateClassifier(ClassifierMixin, BaseEstimator):
    """L2 logistic regression on the Fourier features of a QNN's spectrum (features taken as the angles)."""

    def __init__(self, max_frequency=1, max_terms=MAX_TERMS, C=1.0, random_state=None):
        self.max_frequency = max_frequency
        self.max_terms = max_terms
        self.C = C
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        self.omegas_ = frequency_vectors(X.shape[1], self.max_frequency, self.max_terms, self.random_state)
        self.linear_ = LogisticRegression(C=self.C, max_iter=5000).fit(fourier_features(X, self.omegas_), y)
        self.classes_ = self.linear_.classes_
        return self

    def _features(self, X):
        check_is_fitted(self, "linear_")
        return fourier_features(validate_data(self, X, reset=False), self.omegas_)

    def decision_function(self, X):
        return self.linear_.decision_function(self._features(X))

    def predict_proba(self, X):
        return self.linear_.predict_proba(self._features(X))

    def predict(self, X):
        return self.linear_.predict(self._features(X))


def fourier_surrogate(random_state=None, cv=5, max_frequency=1, max_terms=MAX_TERMS, C=None):
    """Classical surrogate of a QNN: logistic regression on Fourier features up to max_frequency (= the QNN's reuploads for angle encoding); C by CV."""
    from qbench.models.baselines import C_GRID, _search

    model = FourierSurrogateClassifier(max_frequency=max_frequency, max_terms=max_terms, random_state=random_state)
    return _search(model, {"C": C or C_GRID}, cv, random_state)
