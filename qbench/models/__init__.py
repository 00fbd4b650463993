"""Models: the scikit-learn estimators (quantum kernel, QNN), classical baselines, preprocessing, kernel cache.

Owns: the kind -> estimator map.  May import: errors, plugin, circuits, backends, datasets.
"""

from qbench.models.kernel import QuantumKernelClassifier
from qbench.models.qnn import QNNClassifier

__all__ = ["QuantumKernelClassifier", "QNNClassifier"]
