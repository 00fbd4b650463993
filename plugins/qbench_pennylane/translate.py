"""Core :class:`~qbench.circuits.ir.Circuit` -> PennyLane operations, observables and noise channels.

Wire ``q`` of a core circuit is PennyLane wire ``q``; both put qubit 0 in the most
significant bit, so states need no reordering.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pennylane as qml

from qbench.circuits.ir import Angle, Circuit
from qbench.circuits.observables import Observable

FIXED = {"H": qml.Hadamard, "X": qml.PauliX, "Y": qml.PauliY, "Z": qml.PauliZ, "CNOT": qml.CNOT, "CZ": qml.CZ}
# RZZ(theta) = exp(-i theta Z(x)Z / 2) = qml.IsingZZ(theta) = qml.MultiRZ(theta) on two wires.
ROTATIONS = {"RX": qml.RX, "RY": qml.RY, "RZ": qml.RZ, "P": qml.PhaseShift, "RZZ": qml.IsingZZ}



@lru_cache(maxsize=64)
def _two_qubit_depolarizing_kraus(p: float) -> tuple:
    """Kraus operators of the core's two-qubit depolarizing channel (each non-identity Pauli pair with p/15)."""
    paulis = [np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])]
    ops = []
    for a in range(4):
        for b in range(4):
            weight = 1.0 - p if a == b == 0 else p / 15.0
            ops.append(np.sqrt(weight) * np.kron(paulis[a], paulis[b]).astype(complex))
    return tuple(ops)


def gate_angle(angle: Angle, data, weights):
    """``scale * source[index] + offset``.

    ``data`` is one sample's angle row (shape (n_data,)) or a batch (n_samples, n_data);
    a batch gives a column, which PennyLane broadcasts over.  ``weights`` may be an
    autograd-traced vector, so the weight dependence stays differentiable.
    """
    if angle.source == "data":
        return angle.scale * data[..., angle.index] + angle.offset
    if angle.source == "weight":
        return angle.scale * weights[angle.index] + angle.offset
    return angle.offset


def apply_circuit(circuit: Circuit, data, weights, noise=None) -> None:
    """Queue the circuit's gates in the active PennyLane context (inside a QNode function).

    ``noise`` (the core's :class:`~qbench.backends.noise.NoiseModel`) adds, right after every gate,
    ``qml.DepolarizingChannel(p1)`` (one-qubit gates; PennyLane's p is the core's strength) or the
    two-qubit depolarizing channel as ``qml.QubitChannel`` Kraus operators (PennyLane has no
    two-qubit depolarizing channel), and ``qml.BitFlip(p_meas)`` on every wire at the end.
    """
    for g in circuit.gates:
        if g.angle is None:
            FIXED[g.name](wires=list(g.wires))
        else:
            ROTATIONS[g.name](gate_angle(g.angle, data, weights), wires=list(g.wires))
        if noise is not None:
            p = noise.after(len(g.wires))
            if p and len(g.wires) == 1:
                qml.DepolarizingChannel(p, wires=g.wires[0])
            elif p:
                qml.QubitChannel(list(_two_qubit_depolarizing_kraus(p)), wires=list(g.wires))
    if noise is not None and noise.p_meas:
        for w in range(circuit.n_qubits):
            qml.BitFlip(noise.p_meas, wires=w)


def is_broadcast(circuit: Circuit) -> bool:
    """Whether a batch of data rows gives a broadcast (per-sample) circuit: some gate reads a data angle."""
    return any(g.angle is not None and g.angle.source == "data" for g in circuit.gates)


def weight_gate_count(circuit: Circuit) -> int:
    """Number of gate parameters that depend on the weights (each costs two parameter-shift circuits)."""
    return sum(g.angle is not None and g.angle.source == "weight" for g in circuit.gates)


def hamiltonian(observable: Observable):
    """The observable (a weighted sum of Z strings) as a PennyLane linear combination."""
    coeffs, ops = [], []
    for coeff, wires in observable.terms:
        if not wires:
            op = qml.Identity(0)
        elif len(wires) == 1:
            op = qml.Z(wires[0])
        else:
            op = qml.prod(*(qml.Z(w) for w in wires))
        coeffs.append(float(coeff))
        ops.append(op)
    return qml.Hamiltonian(coeffs, ops)
