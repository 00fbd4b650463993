"""scikit-learn estimators for quantum kernels and quantum neural networks."""

from qbench.estimators.kernel import QuantumKernelClassifier
from qbench.estimators.qnn import QNNClassifier

__all__ = ["QuantumKernelClassifier", "QNNClassifier"]
