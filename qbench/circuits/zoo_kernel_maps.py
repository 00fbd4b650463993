"""Circuits of two Bowles et al. 2024 kernel models: the separable embedding and the kitchen-sink circuit.

* ``separable``: on every qubit, ``layers`` times RX(-pi/4) then RY(-x_q); no two-qubit gate, so the
  fidelity kernel is the product of one-qubit fidelity kernels (qml-benchmarks' SeparableKernelClassifier,
  inputs min-max scaled to [-pi/2, pi/2]).
* ``kitchen_sink``: Wilson et al. 2018 (Fig. 2c) generalised as in Bowles et al. 2024: RX(x'_q) on every
  qubit, CNOTs on the pairs (0,1), (2,3), ..., then CNOT(i, i+2) for every i; x' = omega x + beta is a random
  affine image of the input that :class:`~qbench.models.kitchen_sinks.QuantumKitchenSinks` computes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits.bounds import check_gates, repetitions
from qbench.circuits.feature_maps import IQP_RANGE, FeatureMap
from qbench.circuits.ir import Circuit, Gate, const, data

#: qml-benchmarks' QuantumKitchenSinks: MinMaxScaler to [-1, 1] before the random affine map.
KITCHEN_SINK_RANGE = (-1.0, 1.0)


@dataclass(frozen=True)
class SeparableFeatureMap(FeatureMap):
    """Product embedding: ``layers`` x [RX(-pi/4), RY(-x_q)] on every qubit q (no entangling gate)."""

    layers: int = 1
    feature_range: tuple[float, float] = IQP_RANGE
    bandwidth: float = 1.0
    name = "separable"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", repetitions(self.layers, self.name, "layers"))
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(2 * self.layers * n_qubits, self.name, n_qubits)
        gates: list[Gate] = []
        for _ in range(self.layers):
            for q in range(n_qubits):
                gates += [Gate("RX", (q,), const(-np.pi / 4)), Gate("RY", (q,), data(q, scale=-1.0))]
        return Circuit(n_qubits, tuple(gates), n_qubits, 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        return self._check_width(X).copy()


@dataclass(frozen=True)
class KitchenSinkCircuit(FeatureMap):
    """RX(x_q) on every qubit, CNOT on (0,1), (2,3), ..., then CNOT(i, i+2): one kitchen-sink episode."""

    feature_range: tuple[float, float] = KITCHEN_SINK_RANGE
    bandwidth: float = 1.0
    name = "kitchen_sink"

    def __post_init__(self) -> None:
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(n_qubits + n_qubits // 2 + max(n_qubits - 2, 0), self.name, n_qubits)
        gates = [Gate("RX", (q,), data(q)) for q in range(n_qubits)]
        gates += [Gate("CNOT", (q, q + 1)) for q in range(0, n_qubits - 1, 2)]
        gates += [Gate("CNOT", (q, q + 2)) for q in range(n_qubits - 2)]
        return Circuit(n_qubits, tuple(gates), n_qubits, 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        return self._check_width(X).copy()
