"""Data sets: generators, the sets scikit-learn ships, splitting and input checks.

Owns: the data a job learns from.  May import: errors, plugin, circuits, backends.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from qbench import settings
from qbench.errors import DataError, QBenchError
from qbench.plugin.manager import dataset_entry, host


def dataset_names() -> list[str]:
    return host.registries()["dataset"].names()


#: The most samples a data set may be asked for: far beyond what a kernel (n^2 entries) or a QNN can fit,
#: and small enough that a typo (an extra digit or ten) is a one-line error, not an exhausted machine.
MAX_SAMPLES = 1_000_000
#: The most features a data set may be asked for: ten thousand, far beyond any qubit count, and the
#: product with the samples stays under :data:`MAX_VALUES` (400 MB of float64).
MAX_FEATURES = 10_000
MAX_VALUES = 50_000_000


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
        if not 1 <= int(n_features) <= MAX_FEATURES:
            raise DataError(f"data set {name!r}: n_features must be at least 1 and at most {MAX_FEATURES:,}, got {n_features}")
        kwargs["n_features"] = int(n_features)
    if n_samples is not None and n_features is not None and int(n_samples) * int(n_features) > MAX_VALUES:
        raise DataError(f"data set {name!r}: {n_samples:,} samples x {n_features:,} features is more than "
                        f"{MAX_VALUES:,} values")
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
    """One-line errors for NaN or infinite features, labels that are not classes, and single-class labels."""
    if not np.all(np.isfinite(X)):
        raise DataError(f"{what} contains NaN or infinite values")
    if y is None:
        return
    y = np.asarray(y)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            raise DataError(f"{what} contains NaN or infinite labels")
        fractional = y[y != np.round(y)]
        if fractional.size:
            raise DataError(f"{what}: labels must be classes (whole numbers), got {fractional[0]:g}")
    if len(np.unique(y)) < 2:
        raise DataError(f"{what} has only one class; a classifier needs at least two")


def check_split(y: np.ndarray, test_size: float, cv: int, what: str = "input") -> None:
    """One-line error when a stratified test split plus ``cv``-fold CV on the rest cannot hold every class:
    each class needs ``cv + 1`` samples, and the test set one sample of each class."""
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    smallest, label = int(counts.min()), labels[int(counts.argmin())]
    label = f"{label:g}" if isinstance(label, (int, float, np.number)) else repr(label)
    if smallest < cv + 1:
        raise DataError(f"{what}: class {label} has {smallest} sample{'s' * (smallest != 1)} of {len(y)}; a stratified "
                        f"test split and {cv}-fold CV need at least {cv + 1} of each class")
    if int(np.ceil(len(y) * test_size)) < len(labels):
        raise DataError(f"{what}: a test split of {test_size:g} of {len(y)} samples cannot hold one sample of each of "
                        f"its {len(labels)} classes")


def _read_bounded(path: str | Path) -> str:
    """The text of a regular file no larger than ``$QBENCH_DATA_LIMIT``, read without ever holding more."""
    limit = settings.data_limit()
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise DataError(f"cannot read {path}: not a regular file (a device, pipe or folder)")
            if info.st_size > limit:
                raise DataError(f"{path} is {info.st_size / 2**20:.1f} MiB; the limit is {limit / 2**20:.1f} MiB "
                                f"(QBENCH_DATA_LIMIT)")
            data = f.read(limit + 1)
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise DataError(f"{path} grew beyond the {limit / 2**20:.1f} MiB limit while it was read (QBENCH_DATA_LIMIT)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def load_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` from a CSV file of numeric columns, label last; a header row or a bad cell is a one-line error.

    The file must be a regular file of at most ``$QBENCH_DATA_LIMIT`` bytes (default 64 MiB), so a device
    such as ``/dev/zero`` or a huge file is refused before it is read.
    """
    text = _read_bounded(path)
    rows = []
    width = first = None
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            if not any(cell.strip() for cell in row):
                continue
            if width is None:
                width, first = len(row), line
            elif len(row) != width:
                raise DataError(f"{path}: line {line} has {len(row)} columns, line {first} has {width}")
            try:
                rows.append(np.array(row, dtype=float))
            except ValueError:
                for c, cell in enumerate(row):
                    try:
                        float(cell)
                    except ValueError:
                        header = " (a header row? the file must hold numbers only)" if not rows else ""
                        raise DataError(f"{path}: line {line}, column {c + 1}: {cell.strip()!r} is not a number"
                                        f"{header}") from None
                raise
    except csv.Error as exc:
        raise DataError(f"cannot read {path}: {exc}") from None
    if not rows:
        raise DataError(f"{path}: the file is empty; expected numeric columns with the label last")
    if width < 2:
        raise DataError(f"{path}: expected numeric columns with the label last, found {width} column")
    table = np.vstack(rows)
    return table[:, :-1], table[:, -1]


def split(X: np.ndarray, y: np.ndarray, test_size: float | int = 0.2, seed: int = 0):
    """Stratified, seeded train/test split: ``X_train, X_test, y_train, y_test``."""
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


__all__ = ["load_dataset", "load_csv", "dataset_names", "split", "check_data", "check_split", "MAX_SAMPLES",
           "MAX_FEATURES"]
