"""Adjoint differentiation for small circuits: the circuit as a few dense steps, swept per sample in compiled code.

For a few qubits a training step is dominated by per-gate Python overhead, not arithmetic.  Here a
circuit becomes a start state and steps: rotations on disjoint wires are grouped into ASAP layers
(they commute), each layer with the fixed gates after it as one dense matrix F_t.  The forward sweep
keeps each sample's state before F_t, the backward sweep the adjoint state, and every derivative is
d f_s / d theta_r = 2 Re <F_t^dagger lambda_t,s| Gamma_r |phi_t,s> for rotation r in step t, Gamma_r its
generator (dU/dtheta = Gamma U); the sweeps are :mod:`qbench.backends.dense_sweeps` (numba).
Used by the numpy backend's exact adjoint ``value_and_grads`` up to :data:`DENSE_MAX_QUBITS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Circuit

#: Rotation kinds of the compiled sweeps (:mod:`qbench.backends.dense_sweeps`, imported on first use: numba takes
#: a quarter of a second to import).
RX, RY, ZPARITY, PHASE = 0, 1, 2, 3

#: Widest circuit the dense path takes (each step's fixed gates are one 4**n-entry matrix).
DENSE_MAX_QUBITS = 6
#: Largest number of complex entries ((steps + 1) x samples x 2**n, the kept states) for the dense path.
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
    """A circuit as a start state and steps; a step is one layer of rotations on disjoint wires (they commute),
    followed by the fixed gates up to the next such layer (F_t).  Rotations are numbered in gate order and
    encoded for :mod:`qbench.backends.dense_sweeps` (``kind``, ``mask``, ``signs``)."""

    psi0: np.ndarray             # (d,): the fixed gates before the first rotation layer, applied to |0...0>
    kind: np.ndarray             # (R,) RX, RY, ZPARITY or PHASE
    mask: np.ndarray             # (R,) the wire's bit for RX and RY
    signs: np.ndarray            # (R, d): the Z...Z diagonal of a diagonal rotation (ones for RX and RY)
    members: np.ndarray          # (T, K) rotations of each step, padded with -1
    after: np.ndarray            # (T, d, d): F_t
    after_is_identity: np.ndarray  # (T,) bool


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
    """Rotation angles as theta = angles @ data + weights @ weight + offset, and the gradients' way back.

    The plan numbers the rotations that read data first (``n_data_rows``, an angle per sample); the others
    have one angle for the whole batch, whose cosine and sine are taken once."""

    data: np.ndarray         # (n_data, R_data) scale where data rotation r reads data column j
    data_offset: np.ndarray  # (R_data,)
    weight: np.ndarray       # (n_weights, R - R_data) scale where shared rotation r reads weight k
    shared_offset: np.ndarray  # (R - R_data,)
    n_data_rows: int


def _angle_maps(circuit: Circuit) -> _AngleMaps:
    uses = _uses(circuit)
    k = sum(a.source == "data" for a in uses)
    data = np.zeros((circuit.n_data, k))
    weight = np.zeros((circuit.n_weights, len(uses) - k))
    for r, a in enumerate(uses):
        if a.source == "data":
            data[a.index, r] = a.scale
        elif a.source == "weight":
            weight[a.index, r - k] = a.scale
    offset = np.array([a.offset for a in uses], dtype=float).reshape(-1)
    return _AngleMaps(data, offset[:k], weight, offset[k:], k)


@lru_cache(maxsize=64)
def _plan(circuit: Circuit) -> _Plan:
    n = circuit.n_qubits
    d = 2**n
    order = _rotation_order(circuit)
    rotations_in_order = [circuit.gates[i] for i in order]
    rotation_index = {i: k for k, i in enumerate(order)}
    r = len(rotations_in_order)
    kind, mask, signs = np.zeros(r, dtype=np.int64), np.zeros(r, dtype=np.int64), np.ones((r, d))
    for k, g in enumerate(rotations_in_order):
        if g.name in ("RX", "RY"):
            kind[k] = RX if g.name == "RX" else RY
            mask[k] = 1 << (n - 1 - g.wires[0])
        else:
            kind[k] = PHASE if g.name == "P" else ZPARITY
            signs[k] = _z_signs(n, g.wires)
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
            else:
                rotations.append(rotation_index[i])
        if rotations:
            members.append(rotations)
            after.append(fixed)
        elif after:
            after[-1] = fixed @ after[-1]
        else:
            start = fixed @ start
    width = max((len(m) for m in members), default=0)
    members_a = np.array([m + [-1] * (width - len(m)) for m in members], dtype=np.int64).reshape(len(members), width)
    after_a = np.array(after, dtype=complex).reshape(len(members), d, d)
    identity = np.array([np.array_equal(f, np.eye(d)) for f in after_a], dtype=bool)
    psi0 = np.ascontiguousarray(start[:, 0])
    for arr in (psi0, kind, mask, signs, members_a, after_a, identity):
        arr.setflags(write=False)
    return _Plan(psi0, kind, mask, signs, members_a, after_a, identity)


def fits(circuit: Circuit, n_samples: int) -> bool:
    """Whether the dense path takes this circuit and batch."""
    if circuit.n_qubits > DENSE_MAX_QUBITS:
        return False
    steps = len(_plan_and_uses(circuit)[0].members)
    return (steps + 1) * n_samples * 2**circuit.n_qubits <= DENSE_MAX_AMPLITUDES


def _half_angles(maps: _AngleMaps, angles: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of theta / 2 (R, m), theta as ``resolve_angles`` gives it; a shared angle's taken once."""
    k, m = maps.n_data_rows, angles.shape[0]
    rotations = k + len(maps.shared_offset)
    cos, sin = np.empty((rotations, m)), np.empty((rotations, m))
    half = 0.5 * (angles @ maps.data + maps.data_offset).T
    np.cos(half, out=cos[:k])
    np.sin(half, out=sin[:k])
    half = 0.5 * (weights @ maps.weight + maps.shared_offset)
    cos[k:], sin[k:] = np.cos(half)[:, None], np.sin(half)[:, None]
    return cos, sin


def value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray, cotangent,
                    data_angles: bool = True):
    """Values (n_samples, n_obs), the VJP to the weights and (``data_angles``) per sample to the data angles."""
    from qbench.backends import dense_sweeps

    plan, maps = _plan_and_uses(circuit)
    cos, sin = _half_angles(maps, angles, weights)
    phi, psi = dense_sweeps.forward(plan.psi0, plan.after, plan.after_is_identity, plan.members, plan.kind,
                                    plan.mask, plan.signs, cos, sin)  # psi (d, m)
    values = (psi.real**2 + psi.imag**2).T @ diagonals.T
    cot = np.asarray(cotangent(values), dtype=float).reshape(values.shape)
    lam = psi * (cot @ diagonals).T
    per = dense_sweeps.backward(plan.after, plan.after_is_identity, plan.members, plan.kind, plan.mask, plan.signs,
                                cos, sin, phi, lam)  # (R, m): d f_s / d theta_r, cotangent-weighted
    k = maps.n_data_rows
    grad = maps.weight @ per[k:].sum(axis=1)
    grad_angles = per[:k].T @ maps.data.T if data_angles else None
    return values, grad, grad_angles


@lru_cache(maxsize=64)
def _rotation_order(circuit: Circuit) -> tuple[int, ...]:
    """Gate indices of the rotations as the plan numbers them: those that read data first, each group in gate order."""
    rotations = [i for i, g in enumerate(circuit.gates) if g.angle is not None]
    return tuple([i for i in rotations if circuit.gates[i].angle.source == "data"]
                 + [i for i in rotations if circuit.gates[i].angle.source != "data"])


def _uses(circuit: Circuit) -> tuple:
    return tuple(circuit.gates[i].angle for i in _rotation_order(circuit))


__all__ = ["DENSE_MAX_QUBITS", "DENSE_MAX_AMPLITUDES", "fits", "value_and_grads"]
