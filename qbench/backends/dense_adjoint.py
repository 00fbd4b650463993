"""Adjoint differentiation for small circuits with dense gate matrices, every gate's matrices built in one call.

For a few qubits a training step is dominated by per-gate Python overhead, not arithmetic.
Here every rotation's 2**n x 2**n matrix is built for all rotations at once (one per sample
only for rotations that read data); rotations on disjoint wires are grouped into ASAP layers
(they commute), each layer with the fixed gates after it one matrix; the forward pass keeps the
state after each layer, the backward pass the adjoint state, and all derivatives come from one
batched product: d f_s / d theta_r = 2 Re <lambda_t,s| F_t Gamma_r F_t^dagger |psi_t,s> for
rotation r in layer t, Gamma_r its generator (dU/dtheta = Gamma U).
Used by the numpy backend's exact adjoint ``value_and_grads`` up to :data:`DENSE_MAX_QUBITS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Circuit

#: Widest circuit the dense path takes (matrices are 4**n entries per gate).
DENSE_MAX_QUBITS = 6
#: Largest number of complex entries (rotations x samples x 4**n, the per-sample step matrices) for the dense path.
DENSE_MAX_AMPLITUDES = 2**23

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
    """A circuit as a start matrix and steps; a step is one layer of rotations on disjoint wires (they commute),
    followed by the fixed gates up to the next such layer (F_t).  Rotations are numbered in gate order."""

    start: np.ndarray            # (d, d): the fixed gates before the first rotation layer
    axes: np.ndarray             # (R, d, d): P_r of U_r = exp(-i theta P_r / 2) (dense rotations; zeros for diagonal)
    signs: np.ndarray            # (R, d): the diagonal of P_r for diagonal rotations (zeros for dense)
    diagonal: np.ndarray         # (R,) bool
    phase_gate: np.ndarray       # (R,) bool: P(theta) = diag(1, e^{i theta}), generator i |1><1|
    step_of: np.ndarray          # (R,) the step of each rotation
    members: np.ndarray          # (T, K) rotations of each step, padded with -1
    after: np.ndarray            # (T, d, d): F_t
    generators: np.ndarray       # (R, d, d): F_t Gamma_r F_t^dagger, the generator seen after its step


def _layers(circuit: Circuit) -> list[list[int]]:
    """Gate indices by ASAP layer (gates in one layer act on disjoint wires, so they commute)."""
    level = [0] * circuit.n_qubits
    layers: list[list[int]] = []
    for i, g in enumerate(circuit.gates):
        depth = max(level[w] for w in g.wires)
        for w in g.wires:
            level[w] = depth + 1
        if depth == len(layers):
            layers.append([])
        layers[depth].append(i)
    return layers


_PLANS: dict[int, tuple[Circuit, _Plan, tuple]] = {}


def _plan_and_uses(circuit: Circuit) -> tuple[_Plan, "_AngleMaps"]:
    """The plan, cached by identity (hashing a long frozen circuit costs more than a small training step)."""
    hit = _PLANS.get(id(circuit))
    if hit is None or hit[0] is not circuit:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        hit = _PLANS[id(circuit)] = (circuit, _plan(circuit), _angle_maps(circuit))
    return hit[1], hit[2]


@dataclass(frozen=True)
class _AngleMaps:
    """Rotation angles as theta = angles @ data + weights @ weight + offset, and the gradients' way back."""

    data: np.ndarray       # (n_data, R) scale where rotation r reads data column j
    weight: np.ndarray     # (n_weights, R)
    offset: np.ndarray     # (R,)
    reads_data: np.ndarray  # (R,) bool


def _angle_maps(circuit: Circuit) -> _AngleMaps:
    uses = _uses(circuit)
    data = np.zeros((circuit.n_data, len(uses)))
    weight = np.zeros((circuit.n_weights, len(uses)))
    offset = np.zeros(len(uses))
    for r, a in enumerate(uses):
        offset[r] = a.offset
        if a.source == "data":
            data[a.index, r] = a.scale
        elif a.source == "weight":
            weight[a.index, r] = a.scale
    return _AngleMaps(data, weight, offset, np.array([a.source == "data" for a in uses], dtype=bool))


@lru_cache(maxsize=64)
def _plan(circuit: Circuit) -> _Plan:
    n = circuit.n_qubits
    d = 2**n
    rotation_index = {}
    for i, g in enumerate(circuit.gates):
        if g.angle is not None:
            rotation_index[i] = len(rotation_index)
    r = len(rotation_index)
    axes = np.zeros((r, d, d), dtype=complex)
    signs = np.zeros((r, d))
    diagonal, phase_gate, step_of = np.zeros(r, bool), np.zeros(r, bool), np.zeros(r, int)
    start = np.eye(d, dtype=complex)
    members: list[list[int]] = []
    after: list[np.ndarray] = []
    for layer in _layers(circuit):
        fixed = np.eye(d, dtype=complex)
        rotations = []
        for i in layer:
            g = circuit.gates[i]
            if g.angle is None:
                fixed = _fixed_matrix(g.name, g.wires, n) @ fixed  # disjoint wires: they commute
                continue
            k = rotation_index[i]
            rotations.append(k)
            if g.name in ("RX", "RY"):
                axes[k] = _embed(_PAULI[g.name[1]], g.wires[0], n)
            else:
                signs[k], diagonal[k], phase_gate[k] = _z_signs(n, g.wires), True, g.name == "P"
        if rotations:
            for k in rotations:
                step_of[k] = len(members)
            members.append(rotations)
            after.append(fixed)
        elif after:
            after[-1] = fixed @ after[-1]
        else:
            start = fixed @ start
    width = max((len(m) for m in members), default=0)
    members_a = np.array([m + [-1] * (width - len(m)) for m in members], dtype=int).reshape(len(members), width)
    after_a = np.array(after, dtype=complex).reshape(len(members), d, d)
    gamma = np.where(diagonal[:, None, None], 0.0, -0.5j * axes)
    gamma_diag = np.where(phase_gate[:, None], 0.5j * (1.0 - signs), -0.5j * signs)
    gamma = gamma + np.where(diagonal[:, None, None], gamma_diag[:, :, None] * np.eye(d), 0.0)
    f = after_a[step_of]
    generators = f @ gamma @ np.conj(np.swapaxes(f, 1, 2))
    for arr in (start, axes, signs, diagonal, phase_gate, step_of, members_a, after_a, generators):
        arr.setflags(write=False)
    return _Plan(start, axes, signs, diagonal, phase_gate, step_of, members_a, after_a, generators)


def fits(circuit: Circuit, n_samples: int) -> bool:
    """Whether the dense path takes this circuit and batch."""
    if circuit.n_qubits > DENSE_MAX_QUBITS:
        return False
    rotations = len(_plan_and_uses(circuit)[0].step_of)
    return (rotations + 1) * n_samples * 4**circuit.n_qubits <= DENSE_MAX_AMPLITUDES


def _rotations(plan: _Plan, which: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """U_r(theta) for the rotations ``which`` (theta (K,) or (K, m)), with an identity appended (index -1 pads)."""
    d = plan.start.shape[0]
    extra = (slice(None),) + (None,) * (theta.ndim - 1)
    axes, signs = plan.axes[which][extra], plan.signs[which][extra]
    diagonal, phase_gate = plan.diagonal[which][extra], plan.phase_gate[which][extra]
    half = theta[..., None, None] / 2
    dense = np.cos(half) * np.eye(d) - 1j * np.sin(half) * axes
    t = theta[..., None]
    phase = np.where(phase_gate[..., None], np.exp(1j * t * (1.0 - signs) / 2), np.exp(-0.5j * t * signs))
    u = np.where(diagonal[..., None, None], phase[..., None, :] * np.eye(d), dense)
    ident = np.broadcast_to(np.eye(d, dtype=complex), (1,) + u.shape[1:])
    return np.concatenate([u, ident])


def _step_matrices(plan: _Plan, steps: np.ndarray, u: np.ndarray, position: np.ndarray) -> np.ndarray:
    """F_t times the product of its rotations (they commute) for the steps ``steps``; ``position`` maps rotations into u."""
    out = plan.after[steps]
    if u.ndim == 4:
        out = out[:, None]
    for column in plan.members[steps].T:
        out = out @ u[np.where(column >= 0, position[column], -1)]
    return out


def value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray, cotangent,
                    data_angles: bool = True):
    """Values (n_samples, n_obs), the VJP to the weights and (``data_angles``) per sample to the data angles."""
    plan, maps = _plan_and_uses(circuit)
    m, d = angles.shape[0], 2**circuit.n_qubits
    n_steps = len(plan.members)
    theta = (angles @ maps.data + (weights @ maps.weight + maps.offset)).T  # (R, m), as resolve_angles
    reads_data = maps.reads_data
    uses = reads_data  # one entry per rotation
    own_step = np.zeros(n_steps, bool)
    own_step[plan.step_of[reads_data]] = True  # a step with a data rotation has one matrix per sample
    own_rot = own_step[plan.step_of] if len(uses) else np.zeros(0, bool)
    position = np.full(len(uses), -1)
    position[own_rot] = np.arange(own_rot.sum())
    position[~own_rot] = np.arange((~own_rot).sum())
    steps = np.arange(n_steps)
    own = _step_matrices(plan, steps[own_step], _rotations(plan, own_rot, theta[own_rot]), position)
    shared = _step_matrices(plan, steps[~own_step], _rotations(plan, ~own_rot, theta[~own_rot, 0] if m else
                                                               np.zeros(int((~own_rot).sum()))), position)
    slot = np.cumsum(own_step) - 1, np.cumsum(~own_step) - 1
    psi = np.broadcast_to(plan.start[:, 0], (m, d)).astype(complex)
    states = np.empty((n_steps, m, d), dtype=complex)
    for t in range(n_steps):
        psi = (own[slot[0][t]] @ psi[:, :, None])[:, :, 0] if own_step[t] else psi @ shared[slot[1][t]].T
        states[t] = psi
    values = (psi.real**2 + psi.imag**2) @ diagonals.T
    cot = np.asarray(cotangent(values), dtype=float).reshape(values.shape)
    lam = psi * (cot @ diagonals)
    lams = np.empty_like(states)
    own_back, shared_back = np.conj(np.swapaxes(own, -1, -2)), shared.conj()
    for t in range(n_steps - 1, -1, -1):
        lams[t] = lam
        lam = (own_back[slot[0][t]] @ lam[:, :, None])[:, :, 0] if own_step[t] else lam @ shared_back[slot[1][t]]
    grad = np.zeros(circuit.n_weights)
    grad_angles = np.zeros(angles.shape) if data_angles else None
    if len(uses):
        at = plan.step_of
        moved = np.matmul(states[at], np.swapaxes(plan.generators, 1, 2))  # (R, m, d): Gamma'_r psi
        per = 2.0 * np.sum(lams[at].conj() * moved, axis=-1).real  # (R, m): d f_s / d theta_r, cotangent-weighted
        grad = maps.weight @ per.sum(axis=1)
        if data_angles:
            grad_angles = per.T @ maps.data.T
    return values, grad, grad_angles


@lru_cache(maxsize=64)
def _uses(circuit: Circuit) -> tuple:
    return tuple(g.angle for g in circuit.gates if g.angle is not None)


__all__ = ["DENSE_MAX_QUBITS", "DENSE_MAX_AMPLITUDES", "fits", "value_and_grads"]
