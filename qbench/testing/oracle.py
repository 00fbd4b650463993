"""An oracle independent of the numpy simulator: dense gate matrices built from their generators.

Every gate of the IR is a full 2**n x 2**n matrix made here from Pauli matrices and
``scipy.linalg.expm`` (RX = expm(-i theta X / 2), P = expm(i theta |1><1|), RZZ = expm(-i theta ZZ / 2),
CNOT = |0><0| (x) I + |1><1| (x) X, ...), applied by plain matrix products; noise by its Kraus
operators.  Slow and simple on purpose: it checks the fast simulators at 1-4 qubits.
"""

from __future__ import annotations

from functools import reduce

import numpy as np
from scipy.linalg import expm

from qbench.circuits.ir import Circuit, Gate

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.array([[1, 0], [0, -1]], dtype=complex)
P0 = np.diag([1.0, 0.0]).astype(complex)
P1 = np.diag([0.0, 1.0]).astype(complex)
PAULIS = (I2, X, Y, Z)


def embed(n: int, ops: dict[int, np.ndarray]) -> np.ndarray:
    """The Kronecker product of ``ops[w]`` (identity elsewhere), qubit 0 most significant."""
    return reduce(np.kron, [ops.get(w, I2) for w in range(n)])


def _angle(gate: Gate, angles_row: np.ndarray, weights: np.ndarray) -> float:
    a = gate.angle
    value = {"data": lambda: angles_row[a.index], "weight": lambda: weights[a.index], "const": lambda: 0.0}[a.source]()
    return a.scale * value + a.offset


def gate_matrix(gate: Gate, n: int, theta: float | None = None) -> np.ndarray:
    """The gate's dense unitary on n qubits."""
    w = gate.wires
    if gate.name in ("H", "X", "Y", "Z"):
        single = {"H": (X + Z) / np.sqrt(2), "X": X, "Y": Y, "Z": Z}[gate.name]
        return embed(n, {w[0]: single})
    if gate.name == "CNOT":
        return embed(n, {w[0]: P0}) + embed(n, {w[0]: P1, w[1]: X})
    if gate.name == "CZ":
        return embed(n, {w[0]: P0}) + embed(n, {w[0]: P1, w[1]: Z})
    generator = {"RX": lambda: embed(n, {w[0]: X}), "RY": lambda: embed(n, {w[0]: Y}),
                 "RZ": lambda: embed(n, {w[0]: Z}), "RZZ": lambda: embed(n, {w[0]: Z, w[1]: Z}),
                 "P": lambda: embed(n, {w[0]: Z - I2})}[gate.name]()
    # P(theta) = diag(1, e^{i theta}) = expm(i theta |1><1|) = expm(-i theta (Z - I) / 2)
    return expm(-0.5j * theta * generator)


def circuit_unitaries(circuit: Circuit, angles_row: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    n = circuit.n_qubits
    return [gate_matrix(g, n, None if g.angle is None else _angle(g, angles_row, weights)) for g in circuit.gates]


def dense_states(circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Final states, one row per sample, by dense matrix products."""
    angles = np.asarray(angles, dtype=float)
    weights = np.zeros(0) if weights is None else np.asarray(weights, dtype=float)
    out = np.zeros((len(angles), 2**circuit.n_qubits), dtype=complex)
    for s, row in enumerate(angles):
        psi = np.zeros(2**circuit.n_qubits, dtype=complex)
        psi[0] = 1.0
        for u in circuit_unitaries(circuit, row, weights):
            psi = u @ psi
        out[s] = psi
    return out


def _pauli_kraus(n: int, wires: tuple[int, ...], p: float) -> list[np.ndarray]:
    """Kraus operators of the depolarizing channel: identity with 1 - p, each other Pauli string p / (4^k - 1)."""
    strings = [()]
    for _ in wires:
        strings = [s + (q,) for s in strings for q in range(4)]
    out = []
    for s in strings:
        weight = (1 - p) if not any(s) else p / (4 ** len(wires) - 1)
        out.append(np.sqrt(weight) * embed(n, {w: PAULIS[q] for w, q in zip(wires, s)}))
    return out


def dense_noisy_probabilities(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, noise) -> np.ndarray:
    """Outcome probabilities under ``noise``: Kraus sums after every gate, readout flips by a stochastic matrix."""
    n = circuit.n_qubits
    angles = np.asarray(angles, dtype=float)
    weights = np.zeros(0) if weights is None else np.asarray(weights, dtype=float)
    flip = reduce(np.kron, [np.array([[1 - noise.p_meas, noise.p_meas], [noise.p_meas, 1 - noise.p_meas]])] * n)
    out = np.zeros((len(angles), 2**n))
    for s, row in enumerate(angles):
        rho = np.zeros((2**n, 2**n), dtype=complex)
        rho[0, 0] = 1.0
        for g, u in zip(circuit.gates, circuit_unitaries(circuit, row, weights)):
            rho = u @ rho @ u.conj().T
            rho = sum(k @ rho @ k.conj().T for k in _pauli_kraus(n, g.wires, noise.after(len(g.wires))))
        out[s] = flip @ np.diag(rho).real
    return out


__all__ = ["gate_matrix", "dense_states", "dense_noisy_probabilities", "embed"]
