"""The separable kernel (Bowles et al. 2024's SeparableKernelClassifier): a product of one-qubit fidelity kernels.

The embedding has no two-qubit gate (:class:`~qbench.circuits.zoo_kernel_maps.SeparableFeatureMap`), so
|<phi(x)|phi(x')>|^2 = prod_q |<phi_q(x_q)|phi_q(x'_q)>|^2: the backend computes one one-qubit Gram matrix per
qubit (2 amplitudes a state instead of 2**n) and the core multiplies them.  In shots mode each factor is
sampled, and the product is projected to the PSD cone as every sampled Gram matrix is.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

from qbench.circuits.bounds import repetition_constraint, repetitions
from qbench.circuits.zoo_kernel_maps import SeparableFeatureMap
from qbench.models.encoding import QuantumModelMixin
from qbench.models.kernel import LazyCalibration, QuantumKernelClassifier, min_eigenvalue, project_psd
from qbench.models.kernel_cache import default_cache


def product_kernel(backend, feature_map: SeparableFeatureMap, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """prod_q K_q(a[:, q], b[:, q]) with K_q the one-qubit fidelity kernel, each computed by ``backend``."""
    one = feature_map.circuit(1)
    gram = np.ones((len(a), len(a) if b is None else len(b)))
    for q in range(a.shape[1]):
        gram *= backend.kernel(one, a[:, [q]], None if b is None else b[:, [q]])
    return gram


class SeparableKernelClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """SVC on the separable embedding's fidelity kernel (``encoding_layers`` x [RX(-pi/4), RY(-x)] per qubit).

    Inputs are min-max scaled to [-pi/2, pi/2] (qml-benchmarks); ``bandwidth`` multiplies them.  Gram
    matrices are cached across fits on the same data, so a grid over ``C`` computes one per fold.
    """

    #: The circuit templates docs/models.md draws for this model (name, parameters).
    circuit_templates = (("separable", {"layers": 1}),)

    #: scikit-learn's declaration of the runner's and the SVM's parameters, and of ``encoding_layers``.
    _parameter_constraints = {k: v for k, v in QuantumKernelClassifier._parameter_constraints.items()
                              if k in ("C", "n_qubits", "reduction", "scaling", "backend", "mode", "shots",
                                       "backend_options", "random_state", "bandwidth", "cache")}
    _parameter_constraints["encoding_layers"] = repetition_constraint()

    def __init__(self, encoding_layers=1, C=1.0, n_qubits=None, reduction=None, scaling="minmax", backend="numpy",
                 mode="exact", shots=None, backend_options=None, random_state=None, bandwidth=None, cache=True):
        self.encoding_layers = encoding_layers
        self.C = C
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.scaling = scaling
        self.backend = backend
        self.mode = mode
        self.shots = shots
        self.backend_options = backend_options
        self.random_state = random_state
        self.bandwidth = bandwidth
        self.cache = cache

    def _feature_map(self) -> SeparableFeatureMap:
        layers = repetitions(self.encoding_layers, type(self).__name__, "encoding_layers")
        params = {} if self.bandwidth is None else {"bandwidth": self.bandwidth}
        return SeparableFeatureMap(layers=layers, **params)

    def _gram(self, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        compute = lambda: product_kernel(self.backend_, self.feature_map_, a, b)  # noqa: E731
        if not self.cache:
            return compute()
        config = {**self.backend_.config, "kernel": "separable-product"}
        return default_cache.get_or_compute(default_cache.key(config, self.circuit_, a, b), compute)

    def fit(self, X, y):
        X, y, self.classes_ = self._validate_fit(X, y)
        self.feature_map_, _, angles = self._fit_encoding(X, lambda fm, n: fm.circuit(n), "kernel")
        self.circuit_ = self.feature_map_.circuit(self.n_qubits_)
        self.backend_ = self._open_backend(self.random_state)
        self.train_angles_ = angles
        t0 = time.perf_counter()
        gram = self._gram(angles, None)
        self.kernel_time_ = time.perf_counter() - t0
        # exact: a product of PSD kernels is PSD (Schur), so no eigendecomposition; sampled: projected to the PSD cone
        self.gram_min_eigenvalue_ = None if self.mode == "exact" else min_eigenvalue(gram)
        self.train_kernel_ = gram if self.mode == "exact" else project_psd(gram)
        self.svc_ = SVC(kernel="precomputed", C=self.C).fit(self.train_kernel_, y)
        self.calibration_ = LazyCalibration(self.svc_, self.train_kernel_, y, self.random_state)
        return self

    def _test_kernel(self, X) -> np.ndarray:
        check_is_fitted(self, "svc_")
        angles = self._encode(X)
        if angles.shape == self.train_angles_.shape and np.array_equal(angles, self.train_angles_):
            return self.train_kernel_
        return self._gram(angles, self.train_angles_)

    def decision_function(self, X):
        gram = self._test_kernel(X)
        return self.svc_.decision_function(gram)

    def predict(self, X):
        gram = self._test_kernel(X)
        return self.svc_.predict(gram)

    def predict_proba(self, X):
        gram = self._test_kernel(X)
        return self.calibration_.get().predict_proba(gram)
