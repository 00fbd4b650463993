"""Data sets: generators, the sets scikit-learn ships, splitting and input checks.

Owns: the data a job learns from.  May import: errors, plugin, circuits, backends.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from qbench.errors import DataError, QBenchError
from qbench.plugin.manager import dataset_entry, host


def dataset_names() -> list[str]:
    return host.registries()["dataset"].names()


#: The most samples a data set may be asked for: far beyond what a kernel (n^2 entries) or a QNN can fit,
#: and small enough that a typo (an extra digit or ten) is a one-line error, not an exhausted machine.
MAX_SAMPLES = 1_000_000


def load_dataset(name: str, n_samples: int | None = None, n_features: int | None = None, seed: int = 0,
                 **params) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a registered data set; deterministic for a seed, never downloaded."""
    entry = dataset_entry(name)
    kwargs = {**entry.meta.get("defaults", {}), **params}
    if n_samples is not None:
        if not 2 <= int(n_samples) <= MAX_SAMPLES:
            raise DataError(f"data set {name!r}: n_samples must be between 2 and {MAX_SAMPLES:,}, got {n_samples}")
        kwargs["n_samples"] = int(n_samples)
    if n_features is not None:
        if int(n_features) < 1:
            raise DataError(f"data set {name!r}: n_features must be at least 1, got {n_features}")
        kwargs["n_features"] = int(n_features)
    try:
        X, y = entry.obj(seed=seed, **kwargs)
    except TypeError as exc:
        raise QBenchError(f"data set {name!r}: bad parameters {kwargs}: {exc}") from None
    except MemoryError:
        raise DataError(f"data set {name!r} with {kwargs} does not fit in memory") from None
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    check_data(X, y, what=f"data set {name!r}")
    return X, y


def check_data(X: np.ndarray, y: np.ndarray | None = None, what: str = "input") -> None:
    """One-line errors for NaN or infinite features and single-class labels."""
    if not np.all(np.isfinite(X)):
        raise DataError(f"{what} contains NaN or infinite values")
    if y is not None and len(np.unique(y)) < 2:
        raise DataError(f"{what} has only one class; a classifier needs at least two")


def load_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` from a CSV file of numeric columns, label last; a header row or a bad cell is a one-line error."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [(i, row) for i, row in enumerate(csv.reader(f), 1) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read {path}: {exc}") from None
    if not rows:
        raise DataError(f"{path}: the file is empty; expected numeric columns with the label last")
    width = len(rows[0][1])
    table = np.empty((len(rows), width))
    for r, (line, row) in enumerate(rows):
        if len(row) != width:
            raise DataError(f"{path}: line {line} has {len(row)} columns, line {rows[0][0]} has {width}")
        for c, cell in enumerate(row):
            try:
                table[r, c] = float(cell)
            except ValueError:
                header = " (a header row? the file must hold numbers only)" if r == 0 else ""
                raise DataError(f"{path}: line {line}, column {c + 1}: {cell.strip()!r} is not a number{header}") from None
    if width < 2:
        raise DataError(f"{path}: expected numeric columns with the label last, found {width} column")
    return table[:, :-1], table[:, -1]


def split(X: np.ndarray, y: np.ndarray, test_size: float | int = 0.2, seed: int = 0):
    """Stratified, seeded train/test split: ``X_train, X_test, y_train, y_test``."""
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


__all__ = ["load_dataset", "load_csv", "dataset_names", "split", "check_data", "MAX_SAMPLES"]
