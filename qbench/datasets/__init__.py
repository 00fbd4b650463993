"""Data sets: generators, the sets scikit-learn ships, splitting and input checks.

Owns: the data a job learns from.  May import: errors, plugin, circuits, backends.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from qbench.errors import DataError, QBenchError
from qbench.plugin.manager import dataset_entry, host


def dataset_names() -> list[str]:
    return host.registries()["dataset"].names()


def load_dataset(name: str, n_samples: int | None = None, n_features: int | None = None, seed: int = 0,
                 **params) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a registered data set; deterministic for a seed, never downloaded."""
    entry = dataset_entry(name)
    kwargs = {**entry.meta.get("defaults", {}), **params}
    if n_samples is not None:
        kwargs["n_samples"] = int(n_samples)
    if n_features is not None:
        kwargs["n_features"] = int(n_features)
    try:
        X, y = entry.obj(seed=seed, **kwargs)
    except TypeError as exc:
        raise QBenchError(f"data set {name!r}: bad parameters {kwargs}: {exc}") from None
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    check_data(X, y, what=f"data set {name!r}")
    return X, y


def check_data(X: np.ndarray, y: np.ndarray | None = None, what: str = "input") -> None:
    """One-line errors for NaN or infinite features and single-class labels."""
    if not np.all(np.isfinite(X)):
        raise DataError(f"{what} contains NaN or infinite values")
    if y is not None and len(np.unique(y)) < 2:
        raise DataError(f"{what} has only one class; a classifier needs at least two")


def split(X: np.ndarray, y: np.ndarray, test_size: float | int = 0.2, seed: int = 0):
    """Stratified, seeded train/test split: ``X_train, X_test, y_train, y_test``."""
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


__all__ = ["load_dataset", "dataset_names", "split", "check_data"]
