"""Batched state-vector simulation in NumPy: every sample's state evolves at once.

Used by the ``numpy`` reference backend.  Runs of gates that map basis states to
basis states with a phase (Z, CZ, RZ, P, RZZ, X, CNOT) are fused into one
permutation and one phase matrix: phase = angles @ M, a single matrix product
for all samples, so the ZZ and IQP feature maps cost one ``exp`` per repetition
plus a Hadamard layer.  Other gates are applied one at a time as batched 2x2
updates.  Qubit 0 is the most significant bit of a basis index.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qbench.circuits.ir import DIAGONAL_GATES, Circuit, Gate

PERMUTATION_GATES = frozenset({"X", "CNOT"})
_FUSABLE = DIAGONAL_GATES | PERMUTATION_GATES
_SQ2 = 1.0 / np.sqrt(2.0)


def _bit(index: np.ndarray, wire: int, n: int) -> np.ndarray:
    return (index >> (n - 1 - wire)) & 1


def phase_pattern(gate: Gate, index: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """(pattern, constant angle) such that the gate's phase on basis state ``index`` is angle * pattern."""
    b = [_bit(index, w, n) for w in gate.wires]
    if gate.name == "Z":
        return b[0].astype(float), np.pi
    if gate.name == "CZ":
        return (b[0] & b[1]).astype(float), np.pi
    if gate.name == "RZ":
        return b[0] - 0.5, None
    if gate.name == "P":
        return b[0].astype(float), None
    if gate.name == "RZZ":
        return (b[0] ^ b[1]) - 0.5, None
    raise ValueError(gate.name)


class FusedRun:
    """A run of phase and permutation gates: psi -> exp(i (angles @ data_phase + weights @ weight_phase + const)) psi, permuted."""

    def __init__(self, gates: tuple[Gate, ...], circuit: Circuit) -> None:
        n = circuit.n_qubits
        dim = 2**n
        cur = np.arange(dim)
        self.data_phase = np.zeros((circuit.n_data, dim))
        self.weight_phase = np.zeros((circuit.n_weights, dim))
        self.const_phase = np.zeros(dim)
        for g in gates:
            if g.name == "X":
                cur = cur ^ (1 << (n - 1 - g.wires[0]))
            elif g.name == "CNOT":
                c, t = g.wires
                cur = cur ^ (_bit(cur, c, n) << (n - 1 - t))
            else:
                pattern, fixed = phase_pattern(g, cur, n)
                a = g.angle
                if a is None:
                    self.const_phase += fixed * pattern
                    continue
                self.const_phase += a.offset * pattern
                if a.source == "data":
                    self.data_phase[a.index] += a.scale * pattern
                elif a.source == "weight":
                    self.weight_phase[a.index] += a.scale * pattern
        self.inverse_perm = np.argsort(cur)
        self.is_identity_perm = bool(np.all(cur == np.arange(dim)))
        self.has_data = bool(np.any(self.data_phase))
        # Keep only data rows that matter, so the phase product stays small.
        rows = np.flatnonzero(np.any(self.data_phase != 0, axis=1))
        self.data_rows = rows
        self.data_phase = self.data_phase[rows]

    def apply(self, state: np.ndarray, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        phase = self.const_phase + (weights @ self.weight_phase if len(weights) else 0.0)
        if self.has_data:
            phase = angles[:, self.data_rows] @ self.data_phase + phase
        else:
            phase = np.broadcast_to(phase, state.shape)
        state = state * np.exp(1j * phase)
        return state if self.is_identity_perm else state[:, self.inverse_perm]


class UniformLayer:
    """Single-qubit gates whose angles are the same for every sample (H, weight rotations).

    Their product is a Kronecker product of 2x2 matrices, applied as two matrix
    products on the state reshaped to (samples, 2**k, 2**(n-k)).
    """

    def __init__(self, gates: tuple[Gate, ...], n_qubits: int) -> None:
        self.gates = gates
        self.n = n_qubits
        self.split = n_qubits // 2

    def _kron(self, mats: dict, wires: range) -> np.ndarray:
        out = np.eye(1, dtype=complex)
        for w in wires:
            out = np.kron(out, mats.get(w, np.eye(2)))
        return out

    def apply(self, state: np.ndarray, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        mats: dict[int, np.ndarray] = {}
        for g in self.gates:
            theta = gate_angles(g, angles, weights) if g.angle is not None else None
            m = np.array(single_qubit_matrix(g, theta), dtype=complex).reshape(2, 2)
            mats[g.wires[0]] = m @ mats.get(g.wires[0], np.eye(2))
        k = self.split
        left, right = self._kron(mats, range(k)), self._kron(mats, range(k, self.n))
        view = state.reshape(state.shape[0], 2**k, 2 ** (self.n - k))
        if k:
            view = np.matmul(left, view)
        view = np.matmul(view, right.T)
        return view.reshape(state.shape)


def _is_uniform_single(g: Gate) -> bool:
    return len(g.wires) == 1 and g.name not in _FUSABLE and (g.angle is None or g.angle.source != "data")


@lru_cache(maxsize=64)
def compile_circuit(circuit: Circuit) -> tuple:
    """Split a circuit into fused phase runs, uniform single-qubit layers and single gates (cached per circuit)."""
    steps: list = []
    run: list[Gate] = []
    layer: list[Gate] = []

    def flush() -> None:
        if run:
            steps.append(FusedRun(tuple(run), circuit))
            run.clear()
        if layer:
            steps.append(UniformLayer(tuple(layer), circuit.n_qubits) if len(layer) > 1 else layer[0])
            layer.clear()

    for g in circuit.gates:
        if g.name in _FUSABLE:
            if layer:
                flush()
            run.append(g)
        elif _is_uniform_single(g):
            if run:
                flush()
            layer.append(g)
        else:
            flush()
            steps.append(g)
    flush()
    return tuple(steps)


def gate_angles(gate: Gate, angles: np.ndarray, weights: np.ndarray) -> np.ndarray | float:
    """The gate's angle for each sample (array) or for all samples (float)."""
    a = gate.angle
    if a.source == "data":
        return a.scale * angles[:, a.index] + a.offset
    if a.source == "weight":
        return a.scale * weights[a.index] + a.offset
    return a.offset


def _col(theta):
    return theta[:, None, None] if np.ndim(theta) else theta


def single_qubit_matrix(gate: Gate, theta) -> tuple:
    """Entries (a, b, c, d) of the gate's 2x2 matrix, each a scalar or a per-sample column."""
    name = gate.name
    if name == "H":
        return _SQ2, _SQ2, _SQ2, -_SQ2
    if name == "X":
        return 0.0, 1.0, 1.0, 0.0
    if name == "Y":
        return 0.0, -1j, 1j, 0.0
    if name == "Z":
        return 1.0, 0.0, 0.0, -1.0
    t = _col(np.asarray(theta, dtype=float) / 2.0) if np.ndim(theta) else theta / 2.0
    c, s = np.cos(t), np.sin(t)
    if name == "RX":
        return c, -1j * s, -1j * s, c
    if name == "RY":
        return c, -s, s, c
    if name == "RZ":
        return np.exp(-1j * t), 0.0, 0.0, np.exp(1j * t)
    if name == "P":
        return 1.0, 0.0, 0.0, np.exp(2j * t)
    raise ValueError(name)


def apply_single(state: np.ndarray, n: int, wire: int, m: tuple) -> np.ndarray:
    a, b, c, d = m
    v = state.reshape(state.shape[0], 2**wire, 2, 2 ** (n - wire - 1))
    s0, s1 = v[:, :, 0, :], v[:, :, 1, :]
    out = np.empty_like(v)
    out[:, :, 0, :] = a * s0 + b * s1
    out[:, :, 1, :] = c * s0 + d * s1
    return out.reshape(state.shape)


def apply_gate(state: np.ndarray, n: int, gate: Gate, angles: np.ndarray, weights: np.ndarray,
               inverse: bool = False) -> np.ndarray:
    """Apply one gate (or its inverse) to a batch of states."""
    theta = gate_angles(gate, angles, weights) if gate.angle is not None else None
    if theta is not None and inverse:
        theta = -theta
    if len(gate.wires) == 1:
        m = single_qubit_matrix(gate, theta)
        if inverse and gate.name == "Y":
            m = (0.0, -1j, 1j, 0.0)  # Y is Hermitian
        return apply_single(state, n, gate.wires[0], m)
    idx = np.arange(2**n)
    if gate.name == "CNOT":
        c, t = gate.wires
        return state[:, idx ^ (_bit(idx, c, n) << (n - 1 - t))]
    pattern, fixed = phase_pattern(gate, idx, n)
    if theta is None:
        return state * np.exp(1j * fixed * pattern)
    phase = np.multiply.outer(theta, pattern) if np.ndim(theta) else theta * pattern
    return state * np.exp(1j * phase)


def apply_generator(state: np.ndarray, n: int, gate: Gate) -> np.ndarray:
    """Gamma psi where dU/dtheta = Gamma U for the rotation gate U(theta)."""
    idx = np.arange(2**n)
    name = gate.name
    if name == "RX":
        return -0.5j * apply_single(state, n, gate.wires[0], (0.0, 1.0, 1.0, 0.0))
    if name == "RY":
        return -0.5j * apply_single(state, n, gate.wires[0], (0.0, -1j, 1j, 0.0))
    if name == "RZ":
        return -0.5j * state * (1 - 2 * _bit(idx, gate.wires[0], n))
    if name == "P":
        return 1j * state * _bit(idx, gate.wires[0], n)
    if name == "RZZ":
        return -0.5j * state * (1 - 2 * (_bit(idx, gate.wires[0], n) ^ _bit(idx, gate.wires[1], n)))
    raise ValueError(name)


def zero_states(n_samples: int, n_qubits: int) -> np.ndarray:
    state = np.zeros((n_samples, 2**n_qubits), dtype=complex)
    state[:, 0] = 1.0
    return state


def _uses_data(step) -> bool:
    if isinstance(step, FusedRun):
        return step.has_data
    if isinstance(step, UniformLayer):
        return False
    return step.angle is not None and step.angle.source == "data"


def simulate(circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Final states of all samples, shape (n_samples, 2**n_qubits).

    Until the first data-dependent step every sample has the same state, so that
    prefix is simulated once and broadcast.
    """
    n, n_samples = circuit.n_qubits, angles.shape[0]
    state = zero_states(1, n)
    shared = True
    for step in compile_circuit(circuit):
        if shared and _uses_data(step):
            state = np.repeat(state, n_samples, axis=0)
            shared = False
        rows = angles[:1] if shared else angles
        if isinstance(step, (FusedRun, UniformLayer)):
            state = step.apply(state, rows, weights)
        else:
            state = apply_gate(state, n, step, rows, weights)
    return np.repeat(state, n_samples, axis=0) if shared else state


def simulate_gate_by_gate(circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Unfused simulation, one gate at a time (the check on the fused path)."""
    state = zero_states(angles.shape[0], circuit.n_qubits)
    for g in circuit.gates:
        state = apply_gate(state, circuit.n_qubits, g, angles, weights)
    return state


def adjoint_vjp(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonal: np.ndarray,
                cotangent: np.ndarray) -> np.ndarray:
    """Adjoint differentiation of <psi|O|psi> for diagonal O, contracted with a per-sample cotangent."""
    n = circuit.n_qubits
    psi = simulate(circuit, angles, weights)
    lam = psi * diagonal
    grad = np.zeros(circuit.n_weights)
    for g in reversed(circuit.gates):
        if g.angle is not None and g.angle.source == "weight":
            per_sample = 2.0 * np.real(np.sum(lam.conj() * apply_generator(psi, n, g), axis=1))
            grad[g.angle.index] += g.angle.scale * float(cotangent @ per_sample)
        psi = apply_gate(psi, n, g, angles, weights, inverse=True)
        lam = apply_gate(lam, n, g, angles, weights, inverse=True)
    return grad
