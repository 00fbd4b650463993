"""What both quantum estimators share: input validation, preprocessing and opening the backend."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.errors import DataError
from qbench.plugin.manager import make_template, open_backend
from qbench.models.preprocessing import make_preprocessor, resolve_width


#: Feature-map scaling hyperparameters an estimator also takes directly (so a grid can search them).
SCALING_PARAMS = ("feature_range", "bandwidth")


def _plain(value):
    return [float(v) for v in value] if isinstance(value, (list, tuple)) else value


class QuantumModelMixin:
    """Validation, preprocessing (fitted on the training data only) and backend for quantum estimators."""

    def _validate_fit(self, X, y):
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
        return make_template("feature_map", self.feature_map, **params)

    def _fit_encoding(self, X: np.ndarray):
        """Fit the preprocessor on X and return (feature map, data angles)."""
        fm = self._feature_map()
        width = resolve_width(X.shape[1], X.shape[0], self.n_qubits, self.reduction)
        self.n_qubits_ = width
        self.preprocessor_ = make_preprocessor(width if self.reduction == "pca" else None, fm.feature_range, self.scaling)
        Z = self.preprocessor_.fit_transform(X)
        return fm, fm.angles(Z)

    def _encode(self, X) -> np.ndarray:
        check_is_fitted(self, "preprocessor_")
        X = validate_data(self, X, reset=False)
        return self._feature_map().angles(self.preprocessor_.transform(X))

    def _open_backend(self, seed_source, gradient=None):
        seed = int(check_random_state(seed_source).randint(2**31 - 1))
        return open_backend(self.backend, mode=self.mode, shots=self.shots, seed=seed,
                            gradient=gradient, **(self.backend_options or {}))
