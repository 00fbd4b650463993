"""QuantumKernelClassifier: an SVC on the precomputed Gram matrix of a feature map, from any backend."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC, LinearSVC
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from numbers import Integral, Real

from qbench.backends.base import MODES
from qbench.backends.options import MAX_SHOTS
from qbench.errors import DataError, QBenchError
from qbench.models.encoding import QuantumModelMixin
from qbench.models.kernel_cache import default_cache
from qbench.models.nystroem import NystroemMap, choose_landmarks
from qbench.models.projected import KERNELS, bloch_features, check_gamma, projected_kernel_from_features


class QuantumKernelClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Support-vector classifier with the quantum kernel K(x, x') = |<phi(x)|phi(x')>|^2.

    The default feature map is IQP (Bowles et al. 2024's quantum kernel); ``"zz"`` gives
    Havlicek et al.'s map.  Features are preprocessed (PCA to ``n_qubits`` when ``reduction="pca"``, scaling to
    the feature map's angle range) with statistics from the training data only.
    With ``cache=True`` Gram matrices are reused across fits on the same data, so a
    grid search over ``C`` computes one Gram matrix per fold.  A sampled Gram matrix (modes
    other than ``exact``) is projected to the PSD cone by eigenvalue clipping before the SVM;
    ``gram_min_eigenvalue_`` records its most negative eigenvalue.  ``predict_proba`` is
    calibrated out of sample (scikit-learn's sigmoid calibration on held-out folds of the
    training Gram matrix), fitted the first time it is asked for, never inside ``fit``.
    ``kernel="projected"`` uses Huang et al.'s projected quantum kernel with bandwidth ``gamma``
    instead of the fidelity (see :mod:`qbench.models.projected`).
    ``approximation="nystroem"`` (large N) replaces the Gram matrix by Nyström features from
    ``n_components`` landmark samples and the SVC by a linear SVM on them (:mod:`qbench.models.nystroem`);
    ``approximation_options`` may give ``block_rows`` and a Dask ``client`` or scheduler ``address``.
    """

    #: Every parameter's type and range (scikit-learn's declaration), checked when ``fit`` starts and when a suite is read.
    _parameter_constraints = {
        "feature_map": [str], "feature_map_params": [dict, None],
        "n_qubits": [Interval(Integral, 1, None, closed="left"), None],
        "reduction": [StrOptions({"pca"}), None], "scaling": [StrOptions({"minmax", "standard"}), None],
        "backend": [str], "mode": [StrOptions(set(MODES))],
        "shots": [Interval(Integral, 1, MAX_SHOTS, closed="both"), None], "backend_options": [dict, None],
        "C": [Interval(Real, 0, None, closed="neither")], "class_weight": [StrOptions({"balanced"}), dict, None],
        "random_state": ["random_state"], "cache": ["boolean"],
        "feature_range": ["array-like", None], "bandwidth": [Interval(Real, 0, None, closed="neither"), None],
        "kernel": [StrOptions(set(KERNELS))], "gamma": [Interval(Real, 0, None, closed="neither")],
        "approximation": [StrOptions({"nystroem"}), None], "n_components": [Interval(Integral, 1, None, closed="left")],
        "approximation_options": [dict, None],
    }

    def __init__(self, feature_map="iqp", feature_map_params=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, C=1.0, class_weight=None,
                 random_state=None, cache=True, feature_range=None, bandwidth=None,
                 kernel="fidelity", gamma=1.0, approximation=None, n_components=100, approximation_options=None):
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
        self.feature_range = feature_range
        self.bandwidth = bandwidth
        self.cache = cache
        self.kernel = kernel
        self.gamma = gamma
        self.approximation = approximation
        self.n_components = n_components
        self.approximation_options = approximation_options

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
        fm, self.circuit_, angles = self._fit_encoding(X, lambda fm, n: fm.circuit(n), "kernel")
        self.backend_ = self._open_backend(self.random_state)
        self.train_angles_ = angles
        if self.approximation is not None:
            return self._fit_approximation(angles, y)
        t0 = time.perf_counter()
        gram = self._gram(angles, None)
        self.kernel_time_ = time.perf_counter() - t0
        self.gram_min_eigenvalue_ = min_eigenvalue(gram)
        self.gram_psd_projected_ = self.mode != "exact"
        self.train_kernel_ = project_psd(gram) if self.gram_psd_projected_ else gram
        self.svc_ = SVC(kernel="precomputed", C=self.C, class_weight=self.class_weight)
        self.svc_.fit(self.train_kernel_, y)
        self.calibration_ = LazyCalibration(self.svc_, self.train_kernel_, y, self.random_state)
        return self

    # --------------------------------------------------- Nyström approximation (large N)
    def _fit_approximation(self, angles, y):
        """``approximation="nystroem"``: features from ``n_components`` landmarks, then a linear SVM (hinge loss)."""
        if self.approximation != "nystroem":
            raise DataError(f"approximation must be None or 'nystroem', got {self.approximation!r}")
        if self.kernel != "fidelity":
            raise DataError(f"approximation='nystroem' approximates the fidelity kernel, not kernel={self.kernel!r}")
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
        self.calibration_ = LazyCalibration(self.linear_, features, y, self.random_state)
        return self

    def _features(self, X) -> np.ndarray:
        check_is_fitted(self, "nystroem_")
        return self.nystroem_.transform(self._encode(X))

    def _test_kernel(self, X) -> np.ndarray:
        check_is_fitted(self, "svc_")
        angles = self._encode(X)
        if angles.shape == self.train_angles_.shape and np.array_equal(angles, self.train_angles_):
            return self.train_kernel_  # scoring on the training data reuses its Gram matrix
        return self._gram(angles, self.train_angles_)

    def _model_input(self, X) -> np.ndarray:
        """What the fitted SVM reads: the Gram matrix against the training data, or the Nyström features."""
        check_is_fitted(self, "svc_")
        if self.approximation is not None:
            return self._features(X)
        return self._test_kernel(X)

    # the input first: it checks that the model is fitted (NotFittedError) before fitted attributes are read
    def decision_function(self, X):
        inputs = self._model_input(X)
        return self.svc_.decision_function(inputs)

    def predict(self, X):
        inputs = self._model_input(X)
        return self.svc_.predict(inputs)

    def predict_proba(self, X):
        inputs = self._model_input(X)
        return self.calibration_.get().predict_proba(inputs)


def min_eigenvalue(gram: np.ndarray) -> float:
    """The smallest eigenvalue of the symmetrised Gram matrix (negative: not a valid kernel matrix)."""
    gram = np.asarray(gram, dtype=float)
    return float(np.linalg.eigvalsh((gram + gram.T) / 2)[0])


def project_psd(gram: np.ndarray) -> np.ndarray:
    """The nearest PSD matrix in Frobenius norm: symmetrise, clip negative eigenvalues to zero."""
    gram = np.asarray(gram, dtype=float)
    w, v = np.linalg.eigh((gram + gram.T) / 2)
    return (v * np.clip(w, 0.0, None)) @ v.T


class LazyCalibration:
    """Sigmoid (Platt) calibration on held-out folds, fitted on first use.

    ``CalibratedClassifierCV(ensemble=False)`` gets the decision values of each training
    sample from a copy of the fitted SVM (the precomputed-kernel SVC, or the Nyström model's
    linear SVM) that did not see it, and fits the sigmoid on those, so probabilities are not
    fitted to the model's own training decisions.  Fitting it costs k SVM fits, so it waits until asked.
    """

    MAX_FOLDS = 5

    def __init__(self, svm, X: np.ndarray, y: np.ndarray, random_state) -> None:
        self.svm, self.X, self.y, self.random_state = svm, X, y, random_state
        self.calibrator = None

    def get(self) -> CalibratedClassifierCV:
        if self.calibrator is None:
            smallest = int(np.unique(self.y, return_counts=True)[1].min())
            if smallest < 2:
                raise DataError("predict_proba is calibrated on held-out folds and needs at least 2 training "
                                "samples of each class")
            seed = self.random_state if isinstance(self.random_state, (int, np.integer)) else 0
            folds = StratifiedKFold(n_splits=min(self.MAX_FOLDS, smallest), shuffle=True, random_state=seed)
            self.calibrator = CalibratedClassifierCV(clone(self.svm), method="sigmoid", cv=folds, ensemble=False)
            self.calibrator.fit(self.X, self.y)
        return self.calibrator
