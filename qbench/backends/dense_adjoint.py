"""Adjoint differentiation for small circuits with dense gate matrices, every gate's matrices built in one call.

For a few qubits a training step is dominated by per-gate Python overhead, not arithmetic.
Here every rotation's 2**n x 2**n matrix is built for all gates (and, for data gates, all
samples) in one vectorised call, the forward pass keeps the state after each rotation, the
backward pass keeps the adjoint state, and all derivatives come from one ``einsum``:
d f_s / d theta_k = 2 Re <lambda_k,s| Gamma_k |psi_k,s>, Gamma_k the generator (dU/dtheta = Gamma U).
Used by the numpy backend's exact adjoint ``value_and_grads`` up to :data:`DENSE_MAX_QUBITS`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Circuit

#: Widest circuit the dense path takes (matrices are 4**n entries per gate).
DENSE_MAX_QUBITS = 6
#: Largest number of stored complex amplitudes (rotations x samples x 2**n) before the gate-by-gate path is used.
DENSE_MAX_AMPLITUDES = 2**23

_I2 = np.eye(2)
_PAULI = {"X": np.array([[0, 1], [1, 0]], dtype=complex), "Y": np.array([[0, -1j], [1j, 0]]),
          "Z": np.diag([1.0 + 0j, -1.0])}
_FIXED = {"H": np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2), **_PAULI}


def _embed(m: np.ndarray, wire: int, n: int) -> np.ndarray:
    return np.kron(np.kron(np.eye(2**wire), m), np.eye(2 ** (n - wire - 1)))


def _z_signs(n: int, wires) -> np.ndarray:
    idx = np.arange(2**n)
    parity = np.zeros(2**n, dtype=int)
    for w in wires:
        parity ^= (idx >> (n - 1 - w)) & 1
    return 1.0 - 2.0 * parity


def _fixed_matrix(name: str, wires, n: int) -> np.ndarray:
    if name in _FIXED:
        return _embed(_FIXED[name], wires[0], n)
    d = 2**n
    idx = np.arange(d)
    c, t = wires
    cbit = (idx >> (n - 1 - c)) & 1
    if name == "CZ":
        tbit = (idx >> (n - 1 - t)) & 1
        return np.diag(np.where(cbit & tbit, -1.0, 1.0)).astype(complex)
    if name == "CNOT":
        out = np.zeros((d, d), dtype=complex)
        out[idx ^ (cbit << (n - 1 - t)), idx] = 1.0
        return out
    raise ValueError(name)


@lru_cache(maxsize=64)
def _plan(circuit: Circuit):
    """Per gate: fixed matrix, or the rotation's axis operator P (U = exp(-i theta P / 2), up to P's phase for P-gates)."""
    n = circuit.n_qubits
    steps = []
    for g in circuit.gates:
        if g.angle is None:
            steps.append(("fixed", _fixed_matrix(g.name, g.wires, n)))
            continue
        if g.name in ("RX", "RY"):
            pauli = _embed(_PAULI[g.name[1]], g.wires[0], n)
            steps.append(("dense", pauli, g.angle))
        else:  # RZ, RZZ, P: diagonal
            steps.append(("diag", _z_signs(n, g.wires), g.angle, g.name == "P"))
    return steps


def _angle_values(angle, angles: np.ndarray, weights: np.ndarray):
    if angle.source == "data":
        return angle.scale * angles[:, angle.index] + angle.offset
    if angle.source == "weight":
        return angle.scale * weights[angle.index] + angle.offset
    return angle.offset


def fits(circuit: Circuit, n_samples: int) -> bool:
    """Whether the dense path takes this circuit and batch."""
    rotations = sum(g.angle is not None for g in circuit.gates)
    return circuit.n_qubits <= DENSE_MAX_QUBITS and (rotations + 1) * n_samples * 2**circuit.n_qubits <= DENSE_MAX_AMPLITUDES


def value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray, cotangent,
                    data_angles: bool = True):
    """Values (n_samples, n_obs), the VJP to the weights and (``data_angles``) per sample to the data angles."""
    n, m = circuit.n_qubits, angles.shape[0]
    d = 2**n
    ident = np.eye(d)
    psi = np.zeros((m, d), dtype=complex)
    psi[:, 0] = 1.0
    states, gens, uses = [], [], []  # after each rotation: the state, its generator, its angle
    ops = []  # the operator each step applied (for the backward pass): ("m", M) | ("ms", Ms) | ("diag", phases)
    for step in _plan(circuit):
        if step[0] == "fixed":
            psi = psi @ step[1].T
            ops.append(("m", step[1]))
            continue
        theta = _angle_values(step[2], angles, weights)
        per_sample = np.ndim(theta) > 0
        if step[0] == "dense":
            pauli = step[1]
            c, s = np.cos(np.asarray(theta) / 2), np.sin(np.asarray(theta) / 2)
            if per_sample:
                u = c[:, None, None] * ident - 1j * s[:, None, None] * pauli
                psi = np.einsum("sij,sj->si", u, psi)
                ops.append(("ms", u))
            else:
                u = c * ident - 1j * s * pauli
                psi = psi @ u.T
                ops.append(("m", u))
            gens.append(-0.5j * pauli)
        else:
            signs, is_phase = step[1], step[3]
            t = np.asarray(theta)
            t = t[:, None] if per_sample else t
            if is_phase:
                phase = np.exp(0.5j * t * (1.0 - signs))  # diag(1, e^{i theta}) on the wire
                gen = np.diag(0.5j * (1.0 - signs))
            else:
                phase = np.exp(-0.5j * t * signs)
                gen = np.diag(-0.5j * signs)
            phase = np.broadcast_to(phase, (m, d)) if not per_sample else phase
            psi = psi * phase
            ops.append(("diag", phase))
            gens.append(gen)
        states.append(psi)
        uses.append(step[2])
        ops[-1] = ops[-1] + (len(states) - 1,)
    probs = psi.real**2 + psi.imag**2
    values = probs @ diagonals.T
    cot = np.asarray(cotangent(values), dtype=float).reshape(values.shape)
    lam = psi * (cot @ diagonals)
    lams = [None] * len(states)
    for op in reversed(ops):
        if len(op) == 3:
            lams[op[2]] = lam
        kind, mat = op[0], op[1]
        if kind == "m":
            lam = lam @ mat.conj()
        elif kind == "ms":
            lam = np.einsum("sji,sj->si", mat.conj(), lam)
        else:
            lam = lam * mat.conj()
    grad = np.zeros(circuit.n_weights)
    grad_angles = np.zeros(angles.shape) if data_angles else None
    if states:
        per = 2.0 * np.einsum("rsd,rde,rse->rs", np.stack(lams).conj(), np.stack(gens), np.stack(states)).real
        for k, angle in enumerate(uses):
            if angle.source == "weight":
                grad[angle.index] += angle.scale * per[k].sum()
            elif angle.source == "data" and data_angles:
                grad_angles[:, angle.index] += angle.scale * per[k]
    return values, grad, grad_angles


__all__ = ["DENSE_MAX_QUBITS", "DENSE_MAX_AMPLITUDES", "fits", "value_and_grads"]
