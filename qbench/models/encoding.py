"""What both quantum estimators share: input validation, preprocessing and opening the backend."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn.utils._param_validation import InvalidParameterError

from qbench.backends.memory import check_fits
from qbench.errors import CapabilityError, DataError
from qbench.plugin.manager import backend_spec, make_template, open_backend
from qbench.models.preprocessing import make_preprocessor, resolve_width


class ParameterError(DataError, InvalidParameterError):
    """An estimator parameter outside its ``_parameter_constraints``: a one-line qbench error that scikit-learn's
    tools (``check_estimator``, ``GridSearchCV``) still recognise as their own ``InvalidParameterError``."""


#: Feature-map scaling hyperparameters an estimator also takes directly (so a grid can search them).
SCALING_PARAMS = ("feature_range", "bandwidth")


def _plain(value):
    return [float(v) for v in value] if isinstance(value, (list, tuple)) else value


class QuantumModelMixin:
    """Validation, preprocessing (fitted on the training data only) and backend for quantum estimators."""

    def _check_params(self) -> None:
        """The estimator's ``_parameter_constraints`` (scikit-learn's declaration), said on one line."""
        try:
            self._validate_params()
        except InvalidParameterError as exc:
            raise ParameterError(" ".join(str(exc).split())) from None

    def _validate_fit(self, X, y):
        self._check_params()
        try:
            X, y = validate_data(self, X, y)
        except DataError:
            raise
        except ValueError as exc:  # scikit-learn's checks (NaN, inf, shapes), said on one line as qbench errors are
            raise DataError(" ".join(str(exc).split())) from None
        check_classification_targets(y)
        classes = unique_labels(y)
        if len(classes) < 2:
            raise DataError(f"the training set has only one class ({classes[0]!r}); a classifier needs at least two")
        return X, y, classes

    def _feature_map(self):
        """The feature map, with the estimator's ``feature_range`` / ``bandwidth`` (when set) as its parameters."""
        params = dict(self.feature_map_params or {})
        for key in SCALING_PARAMS:
            value = getattr(self, key, None)
            if value is None:
                continue
            if key in params and _plain(params[key]) != _plain(value):
                raise DataError(f"{key} is set twice, {_plain(value)!r} on the estimator and "
                                f"{_plain(params[key])!r} in feature_map_params; give it in one place")
            params[key] = value
        fm = make_template("feature_map", self.feature_map, **params)
        if not getattr(fm, "one_qubit_per_feature", True):
            raise DataError(f"feature map {self.feature_map!r} puts 2**n features on n qubits; {type(self).__name__} "
                            f"gives each feature a qubit (amplitude encoding is the tree tensor, circuit-centric and "
                            f"WeiNet models' own)")
        return fm

    def _check_backend_qubits(self, width: int, why: str) -> None:
        """Refuse a circuit wider than the backend declares for the mode, before any state or angle is allocated."""
        caps = backend_spec(self.backend).declared()
        if caps is not None and self.mode in caps.modes and width > caps.qubit_limit(self.mode):
            raise CapabilityError(f"backend {self.backend!r} supports at most {caps.qubit_limit(self.mode)} qubits in "
                                  f"{self.mode} mode; the model needs {width} ({why})")

    def _fit_encoding(self, X: np.ndarray, build, task: str):
        """Fit the preprocessor on X and return (feature map, circuit, data angles).

        The width is checked against the backend's declared qubit limit, and the circuit (``build(fm, width)``,
        bounded by :mod:`qbench.circuits.bounds`) and the fit's memory floor against the memory limit,
        before any angle is computed: a 10,000-column input is refused without building its angles.
        """
        fm = self._feature_map()
        width = resolve_width(X.shape[1], X.shape[0], self.n_qubits, self.reduction)
        self._check_backend_qubits(width, "one per feature unless n_qubits and reduction='pca' say otherwise")
        circuit = build(fm, width)
        columns = getattr(self, "n_components", None) if getattr(self, "approximation", None) else None
        check_fits(circuit, X.shape[0], self.mode, task, columns)
        self.n_qubits_ = width
        self.preprocessor_ = make_preprocessor(width if self.reduction == "pca" else None, fm.feature_range, self.scaling)
        Z = self.preprocessor_.fit_transform(X)
        return fm, circuit, fm.angles(Z)

    def _encode(self, X) -> np.ndarray:
        check_is_fitted(self, "preprocessor_")
        X = validate_data(self, X, reset=False)
        return self._feature_map().angles(self.preprocessor_.transform(X))

    def _open_backend(self, seed_source, gradient=None):
        seed = int(check_random_state(seed_source).randint(2**31 - 1))
        return open_backend(self.backend, mode=self.mode, shots=self.shots, seed=seed,
                            gradient=gradient, **(self.backend_options or {}))
