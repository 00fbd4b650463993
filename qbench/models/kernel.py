"""QuantumKernelClassifier: an SVC on the precomputed Gram matrix of a feature map, from any backend."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC, LinearSVC
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from qbench.models.encoding import QuantumModelMixin
from qbench.errors import DataError
from qbench.models.kernel_cache import default_cache
from qbench.models.nystroem import NystroemMap, choose_landmarks


class QuantumKernelClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Support-vector classifier with the quantum kernel K(x, x') = |<phi(x)|phi(x')>|^2.

    The default feature map is IQP (Bowles et al. 2024's quantum kernel); ``"zz"`` gives
    Havlicek et al.'s map.  Features are preprocessed (PCA to ``n_qubits`` when ``reduction="pca"``, scaling to
    the feature map's angle range) with statistics from the training data only.
    With ``cache=True`` Gram matrices are reused across fits on the same data, so a
    grid search over ``C`` computes one Gram matrix per fold.  ``predict_proba``
    applies Platt scaling fitted on the training decision values.
    ``approximation="nystroem"`` (large N) replaces the Gram matrix by Nyström features from
    ``n_components`` landmark samples and the SVC by a linear SVM on them (:mod:`qbench.models.nystroem`);
    ``approximation_options`` may give ``block_rows`` and a Dask ``client`` or scheduler ``address``.
    """

    def __init__(self, feature_map="iqp", feature_map_params=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, C=1.0, class_weight=None,
                 random_state=None, cache=True, approximation=None, n_components=100, approximation_options=None):
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
        self.approximation = approximation
        self.n_components = n_components
        self.approximation_options = approximation_options

    def _gram(self, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        compute = lambda: self.backend_.kernel(self.circuit_, a, b)  # noqa: E731
        if not self.cache:
            return compute()
        return default_cache.get_or_compute(default_cache.key(self.backend_.config, self.circuit_, a, b), compute)

    def fit(self, X, y):
        X, y, self.classes_ = self._validate_fit(X, y)
        fm, angles = self._fit_encoding(X)
        self.circuit_ = fm.circuit(self.n_qubits_)
        self.backend_ = self._open_backend(self.random_state)
        self.train_angles_ = angles
        if self.approximation is not None:
            return self._fit_approximation(angles, y)
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
        if self.approximation is not None:
            return self.linear_.decision_function(self._features(X))
        gram = self._test_kernel(X)
        return self.svc_.decision_function(gram)

    def predict(self, X):
        if self.approximation is not None:
            return self.linear_.predict(self._features(X))
        gram = self._test_kernel(X)
        return self.svc_.predict(gram)

    def predict_proba(self, X):
        decision = self.decision_function(X)
        return self.calibrator_.predict_proba(decision.reshape(len(decision), -1))

    # --------------------------------------------------- Nyström approximation (large N)
    def _fit_approximation(self, angles, y):
        """``approximation="nystroem"``: features from ``n_components`` landmarks, then a linear SVM (hinge loss)."""
        if self.approximation != "nystroem":
            raise DataError(f"approximation must be None or 'nystroem', got {self.approximation!r}")
        options = dict(self.approximation_options or {})
        unknown = set(options) - {"block_rows", "address", "client"}
        if unknown:
            raise DataError(f"unknown approximation_options {sorted(unknown)}; expected block_rows, address, client")
        rng = check_random_state(self.random_state)
        self.landmarks_ = choose_landmarks(len(angles), self.n_components, rng)
        t0 = time.perf_counter()
        self.nystroem_ = NystroemMap(self.backend_, self.circuit_, angles[self.landmarks_],
                                     block_rows=options.get("block_rows", 2048), client=options.get("client"),
                                     address=options.get("address"), backend_name=self.backend,
                                     backend_options={"mode": self.mode, "shots": self.shots, **(self.backend_options or {})})
        features = self.nystroem_.transform(angles)
        self.kernel_time_ = time.perf_counter() - t0
        # liblinear's dual hinge-loss SVM: the kernel SVM's problem on the features, but for a
        # (lightly) regularised intercept; it scales to N in the hundreds of thousands.
        self.linear_ = LinearSVC(C=self.C, loss="hinge", dual=True, class_weight=self.class_weight, intercept_scaling=10.0,
                                 tol=1e-5, max_iter=20000, random_state=0).fit(features, y)
        self.svc_ = self.linear_
        decision = self.linear_.decision_function(features)
        self.calibrator_ = LogisticRegression().fit(decision.reshape(len(y), -1), y)
        return self

    def _features(self, X) -> np.ndarray:
        check_is_fitted(self, "nystroem_")
        return self.nystroem_.transform(self._encode(X))
