"""Adjoint differentiation for small circuits with dense gate matrices, every gate's matrices built in one call.

For a few qubits a training step is dominated by per-gate Python overhead, not arithmetic.
Here every rotation's 2**n x 2**n matrix is built for all gates (and, for data gates, all
samples) in one vectorised call, the forward pass keeps the state after each rotation, the
backward pass keeps the adjoint state, and all derivatives come from one ``einsum``:
d f_s / d theta_k = 2 Re <lambda_k,s| Gamma_k |psi_k,s>, Gamma_k the generator (dU/dtheta = Gamma U).
Used by the numpy backend's exact adjoint ``value_and_grads`` up to :data:`DENSE_MAX_QUBITS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Circuit, resolve_angles

#: Widest circuit the dense path takes (matrices are 4**n entries per gate).
DENSE_MAX_QUBITS = 6
#: Largest number of complex entries (rotations x samples x 4**n, the per-sample step matrices) for the dense path.
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


@dataclass(frozen=True)
class _Plan:
    """A circuit as: a fixed start matrix, then per rotation k: U_k(theta) followed by the fixed gates after it (F_k)."""

    start: np.ndarray            # (d, d): the fixed gates before the first rotation
    axes: np.ndarray             # (R, d, d): P_k of U_k = exp(-i theta P_k / 2) (dense rotations; zeros for diagonal)
    signs: np.ndarray            # (R, d): the diagonal of P_k for diagonal rotations (zeros for dense)
    diagonal: np.ndarray         # (R,) bool
    phase_gate: np.ndarray       # (R,) bool: P(theta) = diag(1, e^{i theta}), generator i |1><1|
    after: np.ndarray            # (R, d, d): F_k
    generators: np.ndarray       # (R, d, d): F_k Gamma_k F_k^dagger, the generator seen after F_k


@lru_cache(maxsize=64)
def _plan(circuit: Circuit) -> _Plan:
    n = circuit.n_qubits
    d = 2**n
    start = np.eye(d, dtype=complex)
    axes, signs, diagonal, phase_gate, after = [], [], [], [], []
    for g in circuit.gates:
        if g.angle is None:
            fixed = _fixed_matrix(g.name, g.wires, n)
            if after:
                after[-1] = fixed @ after[-1]
            else:
                start = fixed @ start
            continue
        dense = g.name in ("RX", "RY")
        axes.append(_embed(_PAULI[g.name[1]], g.wires[0], n) if dense else np.zeros((d, d), dtype=complex))
        signs.append(np.zeros(d) if dense else _z_signs(n, g.wires))
        diagonal.append(not dense)
        phase_gate.append(g.name == "P")
        after.append(np.eye(d, dtype=complex))
    r = len(axes)
    axes_a = np.array(axes).reshape(r, d, d)
    signs_a = np.array(signs).reshape(r, d)
    diag_a, phase_a = np.array(diagonal, dtype=bool), np.array(phase_gate, dtype=bool)
    after_a = np.array(after).reshape(r, d, d)
    gamma = np.where(diag_a[:, None, None], 0.0, -0.5j * axes_a)
    gamma_diag = np.where(phase_a[:, None], 0.5j * (1.0 - signs_a), -0.5j * signs_a)
    gamma = gamma + np.where(diag_a[:, None, None], gamma_diag[:, :, None] * np.eye(d), 0.0)
    generators = after_a @ gamma @ np.conj(np.swapaxes(after_a, 1, 2))
    for a in (start, axes_a, signs_a, diag_a, phase_a, after_a, generators):
        a.setflags(write=False)
    return _Plan(start, axes_a, signs_a, diag_a, phase_a, after_a, generators)


def fits(circuit: Circuit, n_samples: int) -> bool:
    """Whether the dense path takes this circuit and batch."""
    rotations = sum(g.angle is not None for g in circuit.gates)
    return circuit.n_qubits <= DENSE_MAX_QUBITS and (rotations + 1) * n_samples * 4**circuit.n_qubits <= DENSE_MAX_AMPLITUDES


def _steps(plan: _Plan, which: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """F_k U_k(theta) for the rotations ``which``: theta (K,) gives (K, d, d), theta (K, m) gives (K, m, d, d)."""
    d = plan.start.shape[0]
    extra = (slice(None),) + (None,) * (theta.ndim - 1)
    axes, signs = plan.axes[which][extra], plan.signs[which][extra]
    diagonal, phase_gate, after = plan.diagonal[which][extra], plan.phase_gate[which][extra], plan.after[which][extra]
    half = theta[..., None, None] / 2
    dense = np.cos(half) * np.eye(d) - 1j * np.sin(half) * axes
    t = theta[..., None]
    phase = np.where(phase_gate[..., None], np.exp(1j * t * (1.0 - signs) / 2), np.exp(-0.5j * t * signs))
    u = np.where(diagonal[..., None, None], phase[..., None, :] * np.eye(d), dense)
    return after @ u


def value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray, cotangent,
                    data_angles: bool = True):
    """Values (n_samples, n_obs), the VJP to the weights and (``data_angles``) per sample to the data angles."""
    plan = _plan(circuit)
    uses = _uses(circuit)
    m, d = angles.shape[0], 2**circuit.n_qubits
    theta = resolve_angles(circuit, angles, weights).T  # (R, m)
    per_sample = np.array([u.source == "data" for u in uses], dtype=bool)
    shared = _steps(plan, ~per_sample, theta[~per_sample, 0]) if m else None  # one matrix for all samples
    own = _steps(plan, per_sample, theta[per_sample])  # one matrix per sample
    where = np.cumsum(per_sample) - 1, np.cumsum(~per_sample) - 1
    psi = np.broadcast_to(plan.start[:, 0], (m, d)).astype(complex)
    states = np.empty((len(uses), m, d), dtype=complex)
    for k in range(len(uses)):
        psi = np.einsum("sij,sj->si", own[where[0][k]], psi) if per_sample[k] else psi @ shared[where[1][k]].T
        states[k] = psi
    values = (psi.real**2 + psi.imag**2) @ diagonals.T
    cot = np.asarray(cotangent(values), dtype=float).reshape(values.shape)
    lam = psi * (cot @ diagonals)
    lams = np.empty_like(states)
    own_back = own.conj()
    shared_back = shared.conj() if shared is not None else None
    for k in range(len(uses) - 1, -1, -1):
        lams[k] = lam
        lam = (np.einsum("sji,sj->si", own_back[where[0][k]], lam) if per_sample[k]
               else lam @ shared_back[where[1][k]])
    grad = np.zeros(circuit.n_weights)
    grad_angles = np.zeros(angles.shape) if data_angles else None
    if uses:
        per = 2.0 * np.einsum("rsd,rde,rse->rs", lams.conj(), plan.generators, states).real
        for k, use in enumerate(uses):
            if use.source == "weight":
                grad[use.index] += use.scale * per[k].sum()
            elif use.source == "data" and data_angles:
                grad_angles[:, use.index] += use.scale * per[k]
    return values, grad, grad_angles


@lru_cache(maxsize=64)
def _uses(circuit: Circuit) -> tuple:
    return tuple(g.angle for g in circuit.gates if g.angle is not None)


__all__ = ["DENSE_MAX_QUBITS", "DENSE_MAX_AMPLITUDES", "fits", "value_and_grads"]
