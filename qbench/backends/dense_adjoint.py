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


#: Where a rotation's angle comes from (``Angle.source``), for the compiled sweeps.
SOURCES = {"data": 0, "weight": 1, "const": 2}


@dataclass(frozen=True)
class _Plan:
    """A circuit as a start state and steps; a step is one layer of rotations on disjoint wires (they commute),
    followed by the fixed gates up to the next such layer (F_t).  Rotations are numbered in gate order and
    encoded for :mod:`qbench.backends.dense_sweeps`: the gate (``kind``, ``mask``, ``signs``) and its angle,
    theta = offset + scale * (data angle ``index`` of the sample, weight ``index``, or nothing for a constant)."""

    psi0: np.ndarray             # (d,): the fixed gates before the first rotation layer, applied to |0...0>
    kind: np.ndarray             # (R,) RX, RY, ZPARITY or PHASE
    mask: np.ndarray             # (R,) the wire's bit for RX and RY
    signs: np.ndarray            # (R, d): the Z...Z diagonal of a diagonal rotation (ones for RX and RY)
    source: np.ndarray           # (R,) SOURCES of the angle
    index: np.ndarray            # (R,) the data column or weight it reads
    scale: np.ndarray            # (R,)
    offset: np.ndarray           # (R,)
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


_PLANS: dict[int, tuple[Circuit, _Plan]] = {}


def _cached_plan(circuit: Circuit) -> _Plan:
    """The plan, cached by identity (hashing a long frozen circuit costs more than a small training step)."""
    hit = _PLANS.get(id(circuit))
    if hit is None or hit[0] is not circuit:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        hit = _PLANS[id(circuit)] = (circuit, _plan(circuit))
    return hit[1]


@lru_cache(maxsize=64)
def _plan(circuit: Circuit) -> _Plan:
    n = circuit.n_qubits
    d = 2**n
    order = [i for i, g in enumerate(circuit.gates) if g.angle is not None]
    rotation_index = {i: k for k, i in enumerate(order)}
    r = len(order)
    kind, mask, signs = np.zeros(r, dtype=np.int64), np.zeros(r, dtype=np.int64), np.ones((r, d))
    for k, i in enumerate(order):
        g = circuit.gates[i]
        if g.name in ("RX", "RY"):
            kind[k] = RX if g.name == "RX" else RY
            mask[k] = 1 << (n - 1 - g.wires[0])
        else:
            kind[k] = PHASE if g.name == "P" else ZPARITY
            signs[k] = _z_signs(n, g.wires)
    angles = [circuit.gates[i].angle for i in order]
    source = np.array([SOURCES[a.source] for a in angles], dtype=np.int64)
    index = np.array([a.index for a in angles], dtype=np.int64)
    scale = np.array([a.scale for a in angles], dtype=float)
    offset = np.array([a.offset for a in angles], dtype=float)
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
    plan = _Plan(psi0, kind, mask, signs, source, index, scale, offset, members_a, after_a, identity)
    for arr in vars(plan).values():
        arr.setflags(write=False)
    return plan


def fits(circuit: Circuit, n_samples: int) -> bool:
    """Whether the dense path takes this circuit and batch."""
    if circuit.n_qubits > DENSE_MAX_QUBITS:
        return False
    steps = len(_cached_plan(circuit).members)
    return (steps + 1) * n_samples * 2**circuit.n_qubits <= DENSE_MAX_AMPLITUDES


def sweep_arrays(circuit: Circuit) -> tuple:
    """The circuit as the compiled sweeps' leading arguments: ``(psi0, after, after_is_identity, members, kind, mask,
    signs, source, index, scale, offset)`` (read-only), for callers that run the sweeps inside their own compiled
    loop (:mod:`qbench.models.variational.compiled`)."""
    p = _cached_plan(circuit)
    return (p.psi0, p.after, p.after_is_identity, p.members, p.kind, p.mask, p.signs, p.source, p.index, p.scale,
            p.offset)


def value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray, cotangent,
                    data_angles: bool = True):
    """Values (n_samples, n_obs), the VJP to the weights and (``data_angles``) per sample to the data angles."""
    from qbench.backends import dense_sweeps

    p = _cached_plan(circuit)
    angles = np.ascontiguousarray(angles, dtype=float)
    weights = np.ascontiguousarray(weights, dtype=float)
    diagonals = np.ascontiguousarray(diagonals, dtype=float)
    cos, sin, phi, psi, values = dense_sweeps.forward(p.psi0, p.after, p.after_is_identity, p.members, p.kind, p.mask,
                                                      p.signs, p.source, p.index, p.scale, p.offset, angles, weights,
                                                      diagonals)
    cot = np.ascontiguousarray(np.asarray(cotangent(values), dtype=float).reshape(values.shape))
    grad, grad_angles = dense_sweeps.backward(p.after, p.after_is_identity, p.members, p.kind, p.mask, p.signs,
                                              p.source, p.index, p.scale, cos, sin, phi, psi, cot, diagonals,
                                              circuit.n_weights, circuit.n_data if data_angles else 0)
    return values, grad, grad_angles if data_angles else None


__all__ = ["DENSE_MAX_QUBITS", "DENSE_MAX_AMPLITUDES", "fits", "sweep_arrays", "value_and_grads"]
