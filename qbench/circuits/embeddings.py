"""Circuits of the zoo-more models (Bowles et al. 2024), built from the IR gate set.

The QAOA embedding (quantum metric learning) and random quanvolution filters; helpers to invert
a gate list and to bind weights as constants.  WeiNet's amplitude encoding is the variational
zoo's (:func:`qbench.circuits.variational.amplitude_circuit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits.bounds import check_gates, repetitions
from qbench.circuits.ir import Angle, Circuit, Gate, const, data

#: Probability of a CNOT before each random rotation (PennyLane RandomLayers' ``ratio_imprim``).
CNOT_RATIO = 0.3


def random_filter(n_qubits: int, depth: int, rotations: int, rng) -> Circuit:
    """RY(pi * bit) on each qubit, then ``depth`` layers of ``rotations`` random rotations and random CNOTs.

    ``depth`` and ``rotations`` are template repetitions (at most 1,000 each); the gates, about
    ``rotations / (1 - CNOT_RATIO)`` a layer, are bounded by twice the rotations before any is drawn."""
    depth = repetitions(depth, "quanv_filter", "depth", minimum=0)
    rotations = repetitions(rotations, "quanv_filter", "rotations", minimum=0)
    check_gates(n_qubits + 2 * depth * rotations, "quanv_filter", n_qubits)
    gates = [Gate("RY", (q,), data(q, np.pi)) for q in range(n_qubits)]
    for _ in range(int(depth)):
        placed = 0
        while placed < int(rotations):
            if n_qubits > 1 and rng.random_sample() < CNOT_RATIO:
                a, b = rng.choice(n_qubits, 2, replace=False)
                gates.append(Gate("CNOT", (int(a), int(b))))
            else:
                name = ("RX", "RY", "RZ")[rng.randint(3)]
                gates.append(Gate(name, (int(rng.randint(n_qubits)),), const(rng.uniform(0, 2 * np.pi))))
                placed += 1
    return Circuit(n_qubits, tuple(gates), n_data=n_qubits, name="quanv_filter")


def qaoa_embedding_gates(n_qubits: int, n_features: int, layers: int, data_offset: int = 0) -> tuple[list, int]:
    """The QAOA embedding's gates and weight count: per layer RX(x_q), an RZZ ring, RY fields; a last RX(x_q)."""
    ring = [] if n_qubits == 1 else [(0, 1)] if n_qubits == 2 else [(q, (q + 1) % n_qubits) for q in range(n_qubits)]
    gates, w = [], 0

    def encode():
        gates.extend(Gate("RX", (q,), Angle("data", data_offset + q)) for q in range(n_features))

    for _ in range(int(layers)):
        encode()
        for pair in ring:
            gates.append(Gate("RZZ", pair, Angle("weight", w)))
            w += 1
        for q in range(n_qubits):
            gates.append(Gate("RY", (q,), Angle("weight", w)))
            w += 1
    encode()
    return gates, w


def inverse_gates(gates: list) -> list:
    """The adjoint gate list (reversed, angles negated)."""
    out = []
    for g in reversed(gates):
        a = g.angle
        out.append(Gate(g.name, g.wires, None if a is None else Angle(a.source, a.index, -a.scale, -a.offset)))
    return out


def bind_weights(circuit: Circuit, weights: np.ndarray) -> Circuit:
    """The circuit with its weights written in as constant angles (a data-only circuit for ``kernel``)."""
    gates = []
    for g in circuit.gates:
        a = g.angle
        if a is not None and a.source == "weight":
            a = Angle("const", 0, 0.0, a.scale * float(weights[a.index]) + a.offset)
        gates.append(Gate(g.name, g.wires, a))
    return Circuit(circuit.n_qubits, tuple(gates), circuit.n_data, 0, circuit.name + "_bound")


@dataclass(frozen=True)
class QuanvFilterMap:
    """One quanvolution filter as a feature map template (for ``qbench draw`` and the kit): bits in, RY(pi * bit),
    then :func:`random_filter`'s random layers drawn from ``seed``."""

    depth: int = 10
    rotations: int = 20
    seed: int = 0
    feature_range: tuple[float, float] = (0.0, 1.0)
    bandwidth: float = 1.0
    kind = "feature_map"
    name = "quanv_filter"

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", repetitions(self.depth, self.name, "depth", minimum=0))
        object.__setattr__(self, "rotations", repetitions(self.rotations, self.name, "rotations", minimum=0))

    def circuit(self, n_qubits: int) -> Circuit:
        return random_filter(n_qubits, self.depth, self.rotations, np.random.RandomState(int(self.seed)))

    def angles(self, X: np.ndarray) -> np.ndarray:
        """Pixels binarised at the middle of ``feature_range`` (the data angle is the bit; the gate scales by pi)."""
        X = np.asarray(X, dtype=float)
        return (X > 0.5 * sum(self.feature_range)).astype(float)
