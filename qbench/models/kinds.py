"""The kind -> estimator map: which scikit-learn estimator a suite's ``[[models]] kind`` names.

Quantum models are registered through the ``qbench_register_models`` hook (the built-ins in
:mod:`qbench.builtins.models`); ``"baseline"`` names the classical baselines.
"""

from __future__ import annotations

from qbench.plugin.manager import host, model_entry

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
