"""Framework-neutral circuits: the IR, feature maps, ansaetze, observables and their drawings.

Owns: what a circuit is.  May import: errors, plugin (drawers are registered by plugins).
"""

from qbench.circuits.ansatze import Ansatz, HardwareEfficientAnsatz, StronglyEntanglingAnsatz
from qbench.circuits.feature_maps import AngleFeatureMap, FeatureMap, IQPFeatureMap, ZZFeatureMap
from qbench.circuits.ir import GATE_SET, Angle, Circuit, Gate, const, data, resolve_angles, weight
from qbench.circuits.observables import Observable, mean_z_observable, parity_observable, z_observable

__all__ = [
    "Angle", "Circuit", "Gate", "GATE_SET", "const", "data", "weight", "resolve_angles",
    "FeatureMap", "ZZFeatureMap", "IQPFeatureMap", "AngleFeatureMap",
    "Ansatz", "HardwareEfficientAnsatz", "StronglyEntanglingAnsatz",
    "Observable", "z_observable", "parity_observable", "mean_z_observable",
]
