"""QuantumKernelClassifier: an SVC on the precomputed Gram matrix of a feature map, from any backend."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

from qbench.errors import QBenchError
from qbench.models.encoding import QuantumModelMixin
from qbench.models.kernel_cache import default_cache
from qbench.models.projected import KERNELS, bloch_features, check_gamma, projected_kernel_from_features


class QuantumKernelClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Support-vector classifier with the quantum kernel K(x, x') = |<phi(x)|phi(x')>|^2.

    The default feature map is IQP (Bowles et al. 2024's quantum kernel); ``"zz"`` gives
    Havlicek et al.'s map.  Features are preprocessed (PCA to ``n_qubits`` when ``reduction="pca"``, scaling to
    the feature map's angle range) with statistics from the training data only.
    With ``cache=True`` Gram matrices are reused across fits on the same data, so a
    grid search over ``C`` computes one Gram matrix per fold.  ``predict_proba``
    applies Platt scaling fitted on the training decision values.
    ``kernel="projected"`` uses Huang et al.'s projected quantum kernel with bandwidth ``gamma``
    instead of the fidelity (see :mod:`qbench.models.projected`).
    """

    def __init__(self, feature_map="iqp", feature_map_params=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, C=1.0, class_weight=None,
                 random_state=None, cache=True, kernel="fidelity", gamma=1.0):
        self.feature_map = feature_map
        self.feature_map_params = feature_map_params
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.scaling = scaling
        self.backend = backend
        self.mode = mode
        self.shots = shots
        self.backend_options = backend_options
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state
        self.cache = cache
        self.kernel = kernel
        self.gamma = gamma

    def _gram(self, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        if self.kernel == "projected":
            fb = None if b is None else self._bloch(b)
            return projected_kernel_from_features(self._bloch(a), fb, self.gamma)
        compute = lambda: self.backend_.kernel(self.circuit_, a, b)  # noqa: E731
        if not self.cache:
            return compute()
        return default_cache.get_or_compute(default_cache.key(self.backend_.config, self.circuit_, a, b), compute)

    def _bloch(self, a: np.ndarray) -> np.ndarray:
        compute = lambda: bloch_features(self.backend_, self.circuit_, a)  # noqa: E731
        if not self.cache:
            return compute()
        config = {**self.backend_.config, "features": "bloch"}
        return default_cache.get_or_compute(default_cache.key(config, self.circuit_, a, None), compute)

    def fit(self, X, y):
        if self.kernel not in KERNELS:
            raise QBenchError(f"kernel must be one of {', '.join(KERNELS)}, got {self.kernel!r}")
        if self.kernel == "projected":
            check_gamma(self.gamma)
        X, y, self.classes_ = self._validate_fit(X, y)
        fm, angles = self._fit_encoding(X)
        self.circuit_ = fm.circuit(self.n_qubits_)
        self.backend_ = self._open_backend(self.random_state)
        self.train_angles_ = angles
        t0 = time.perf_counter()
        self.train_kernel_ = self._gram(angles, None)
        self.kernel_time_ = time.perf_counter() - t0
        self.svc_ = SVC(kernel="precomputed", C=self.C, class_weight=self.class_weight)
        self.svc_.fit(self.train_kernel_, y)
        decision = self.svc_.decision_function(self.train_kernel_)
        self.calibrator_ = LogisticRegression().fit(decision.reshape(len(y), -1), y)
        return self

    def _test_kernel(self, X) -> np.ndarray:
        check_is_fitted(self, "svc_")
        angles = self._encode(X)
        if angles.shape == self.train_angles_.shape and np.array_equal(angles, self.train_angles_):
            return self.train_kernel_  # scoring on the training data reuses its Gram matrix
        return self._gram(angles, self.train_angles_)

    def decision_function(self, X):
        gram = self._test_kernel(X)
        return self.svc_.decision_function(gram)

    def predict(self, X):
        gram = self._test_kernel(X)
        return self.svc_.predict(gram)

    def predict_proba(self, X):
        decision = self.decision_function(X)
        return self.calibrator_.predict_proba(decision.reshape(len(decision), -1))
