"""The kind -> estimator map: which scikit-learn estimator a suite's ``[[models]] kind`` names."""

from __future__ import annotations

KINDS = ("kernel", "qnn")


def estimator_class(kind: str) -> type:
    """The estimator class for a model kind (``"kernel"`` or ``"qnn"``)."""
    from qbench.models.kernel import QuantumKernelClassifier
    from qbench.models.qnn import QNNClassifier

    return {"kernel": QuantumKernelClassifier, "qnn": QNNClassifier}[kind]
