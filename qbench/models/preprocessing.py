"""Preprocessing shared by quantum models and classical baselines, always fitted on the training split only."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

from qbench.errors import DataError

SCALINGS = ("minmax", "standard", None)
REDUCTIONS = ("pca", None)


def resolve_width(n_features: int, n_samples: int, n_qubits: int | None, reduction: str | None) -> int:
    """The number of encoded features (= qubits); explains in one line why a request cannot work."""
    if reduction not in REDUCTIONS:
        raise DataError(f"reduction must be 'pca' or None, got {reduction!r}")
    width = n_features if n_qubits is None else int(n_qubits)
    if width < 1:
        raise DataError(f"n_qubits must be >= 1, got {width}")
    if reduction is None and width != n_features:
        if n_features > width:
            raise DataError(f"X has {n_features} features but the model has {width} qubits; "
                            f"set reduction='pca' (--pca) to project onto {width} components")
        raise DataError(f"X has {n_features} features but the model has {width} qubits; set n_qubits={n_features}")
    if reduction == "pca" and width > min(n_features, n_samples):
        raise DataError(f"PCA cannot give {width} components from {n_samples} samples with {n_features} features")
    return width


def make_preprocessor(n_components: int | None = None, feature_range=(0.0, np.pi), scaling: str | None = "minmax") -> Pipeline:
    """Standardise and project with PCA (if ``n_components``), then scale to the encoding's angle range."""
    if scaling not in SCALINGS:
        raise DataError(f"scaling must be one of {SCALINGS}, got {scaling!r}")
    steps = []
    if n_components is not None:
        steps += [("standardize", StandardScaler()), ("pca", PCA(n_components=n_components))]
    if scaling == "minmax":
        steps.append(("scale", MinMaxScaler(feature_range=tuple(feature_range))))
    elif scaling == "standard":
        steps.append(("scale", StandardScaler()))
    if not steps:
        steps.append(("identity", FunctionTransformer()))
    return Pipeline(steps)
