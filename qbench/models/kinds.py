"""The kind -> estimator map: which scikit-learn estimator a suite's ``[[models]] kind`` names.

Quantum models are registered through the ``qbench_register_models`` hook (the built-ins in
:mod:`qbench.builtins.models`); ``"baseline"`` names the classical baselines.
"""

from __future__ import annotations

import itertools

from qbench.plugin.manager import baseline_entry, host, model_entry

BASELINE = "baseline"


def model_kinds() -> tuple[str, ...]:
    """Every registered quantum model kind, sorted (``"baseline"`` not included)."""
    return tuple(host.registries()["model"].names())


def estimator_class(kind: str) -> type:
    """The estimator class of a registered model kind (one-line ``UnknownNameError`` for an unknown one)."""
    return model_entry(kind).obj


def task_of(kind: str) -> str:
    """The backend task a kind needs: ``"kernel"``, ``"qnn"``, or ``"baseline"`` for classical models.

    Unknown kinds (rows of a store written by a plugin no longer installed) read as their own name.
    """
    if kind == BASELINE:
        return BASELINE
    registry = host.registries()["model"]
    return registry.get(kind).meta["task"] if kind in registry else kind


#: Grid points whose widths are checked per model (a larger grid is checked on its first ones).
WIDTH_CHECK_POINTS = 100


def check_width(kind: str, n_features: int, *, params: dict, grid: dict, n_qubits: int | None = None,
                reduction: str | None = None, scaling: str | None = None, baseline: str | None = None) -> None:
    """Ask the model whether it takes ``n_features`` inputs, before anything runs; a one-line ``QBenchError`` if not.

    The model's optional hook ``check_width(n_features: int) -> None``: on the estimator built with
    the suite's parameters (every grid point) and the data set's ``n_qubits`` / ``reduction`` /
    ``scaling`` (the tree tensor's power-of-two qubits, an image model's square image); on a
    baseline's factory, with the width the baseline sees after the data set's PCA.
    """
    if kind == BASELINE:
        check = getattr(baseline_entry(baseline).obj, "check_width", None)
        if check is not None:
            check(int(n_qubits) if reduction == "pca" else int(n_features))
        return
    if not hasattr(estimator_class(kind), "check_width"):
        return
    for estimator in _grid_estimators(kind, params, grid, n_qubits, reduction, scaling):
        estimator.check_width(int(n_features))


def circuit_qubits(kind: str, n_features: int, *, params: dict, grid: dict, n_qubits: int | None = None,
                   reduction: str | None = None, scaling: str | None = None) -> int:
    """The widest circuit a job's model builds on ``n_features`` inputs (after the data set's ``n_qubits`` /
    ``reduction``): the model's optional hook ``circuit_qubits(n_features: int) -> int`` over the grid's points
    (the first :data:`WIDTH_CHECK_POINTS`), for a model whose circuits are not as wide as its input (the kitchen
    sinks' ``n_qfeatures``); ``n_features`` for the others."""
    if kind == BASELINE or not hasattr(estimator_class(kind), "circuit_qubits"):
        return int(n_features)
    return max(estimator.circuit_qubits(int(n_features))
               for estimator in _grid_estimators(kind, params, grid, n_qubits, reduction, scaling))


def _grid_estimators(kind: str, params: dict, grid: dict, n_qubits, reduction, scaling):
    """The kind's estimator at each of the grid's first :data:`WIDTH_CHECK_POINTS` points (or its one point), built
    with the suite's parameters and the data set's preprocessing."""
    from sklearn.model_selection import ParameterGrid

    cls = estimator_class(kind)
    for point in (itertools.islice(ParameterGrid(grid), WIDTH_CHECK_POINTS) if grid else [{}]):
        yield cls(**params, **point, n_qubits=n_qubits, reduction=reduction, scaling=scaling)
