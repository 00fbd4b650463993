"""Exact outcome probabilities of every parameter-shifted circuit, from one extra state per weight use.

For a rotation U(theta) = exp(-i theta P / 2) (P = X, Y, Z or ZZ; the phase gate P(theta) is RZ(theta)
up to a global phase), U(theta +- pi/2) = U(theta) (I -+ iP) / sqrt(2).  With psi the final state and
eta = (gates after) U P (gates before) |0>, the shifted final states are (psi -+ i eta) / sqrt(2), so

    p_+- = (|psi|^2 + |eta|^2) / 2  +-  Im(conj(psi) eta)

outcome by outcome: both shifts of a gate cost one branch state ``eta``, not two circuits.  The
branch states of one step (all weight gates of a single-qubit block, or one two-qubit gate) start
from the state before that step, which every branch shares (the prefix is simulated once), and
are propagated together through the rest of the circuit.

Single-qubit gates between two-qubit gates are fused into one block: per wire the product of its
2x2 matrices (per sample when a gate reads data), applied as two Kronecker-factor matrix products.
Runs of two-qubit gates without weights are fused by :class:`~qbench.backends.statevector.FusedRun`.
The result is exact (no sampling): the backend samples it with the core's sampler.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qbench.backends.gradients import WeightUse, weight_uses
from qbench.backends.sampling import bin_probabilities, outcome_bins
from qbench.backends.statevector import FusedRun, SMALL_BATCH_BYTES, apply_gate, gate_angles, single_qubit_matrix
from qbench.circuits.ir import Circuit, Gate

_PAULI = {
    "RX": np.array([[0, 1], [1, 0]], dtype=complex),
    "RY": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "RZ": np.array([[1, 0], [0, -1]], dtype=complex),
    "P": np.array([[1, 0], [0, -1]], dtype=complex),
}


@dataclass(frozen=True)
class Block:
    """Single-qubit gates on disjoint-in-time wires: ``(use index or -1, gate)`` in order."""

    gates: tuple[tuple[int, Gate], ...]


@dataclass(frozen=True)
class TwoQubit:
    """One two-qubit gate driven by a weight (its use index), or a fused run of gates without weights."""

    use: int
    gate: Gate | None
    run: FusedRun | None


@lru_cache(maxsize=32)
def compile_shift(circuit: Circuit) -> tuple:
    """The circuit as :class:`Block` and :class:`TwoQubit` steps (cached per circuit)."""
    uses = {id_: u for u, id_ in enumerate(_weight_gate_positions(circuit))}
    steps: list = []
    block: list[tuple[int, Gate]] = []
    run: list[Gate] = []

    def flush_block() -> None:
        if block:
            steps.append(Block(tuple(block)))
            block.clear()

    def flush_run() -> None:
        if run:
            steps.append(TwoQubit(-1, None, FusedRun(tuple(run), circuit)))
            run.clear()

    for pos, g in enumerate(circuit.gates):
        if len(g.wires) == 1:
            flush_run()
            block.append((uses.get(pos, -1), g))
            continue
        flush_block()
        if pos in uses:
            flush_run()
            steps.append(TwoQubit(uses[pos], g, None))
        else:
            run.append(g)
    flush_block()
    flush_run()
    return tuple(steps)


def _weight_gate_positions(circuit: Circuit) -> list[int]:
    """Gate positions of the weight uses, in the order of :func:`~qbench.backends.gradients.weight_uses`."""
    return [pos for pos, g in enumerate(circuit.gates) if g.angle is not None and g.angle.source == "weight"]


def _matrices(g: Gate, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The gate's 2x2 matrix per sample, shape (samples, 2, 2)."""
    theta = gate_angles(g, angles, weights) if g.angle is not None else None
    entries = single_qubit_matrix(g, theta)
    out = np.empty((angles.shape[0], 2, 2), dtype=complex)
    for k, e in enumerate(entries):
        out[:, k // 2, k % 2] = np.asarray(e).reshape(-1) if np.ndim(e) else e
    return out


def _kron(factors: list[np.ndarray], rows: int) -> np.ndarray:
    out = np.ones((rows, 1, 1), dtype=complex)
    for f in factors:
        a = out.shape[1]
        out = np.einsum("rij,rkl->rikjl", out, f).reshape(rows, 2 * a, 2 * a)
    return out


class _BlockOps:
    """A block's per-wire matrices for every sample, its Kronecker halves, and each use's branch operator Q."""

    def __init__(self, block: Block, n: int, angles: np.ndarray, weights: np.ndarray) -> None:
        rows = angles.shape[0]
        eye = np.broadcast_to(np.eye(2, dtype=complex), (rows, 2, 2))
        wire = {w: eye.copy() for w in range(n)}
        self.branches: list[tuple[int, int, np.ndarray]] = []  # (use, wire, Q per sample)
        for use, g in block.gates:
            w = g.wires[0]
            before = wire[w]
            m = _matrices(g, angles, weights)
            wire[w] = m @ before
            if use >= 0:
                # M' = A G P B = M Q with Q = B^dagger P B (G commutes with its generator P).
                q = np.conj(np.swapaxes(before, 1, 2)) @ _PAULI[g.name] @ before
                self.branches.append((use, w, q))
        self.split = n // 2
        self.n = n
        self.wire = wire
        # A block without data gates is the same for every sample: one matrix per half.
        self.uniform = not any(g.angle is not None and g.angle.source == "data" for _, g in block.gates)
        keep = slice(0, 1) if self.uniform else slice(None)
        left = _kron([wire[w][keep] for w in range(self.split)], len(wire[0][keep])) if self.split else None
        right = _kron([wire[w][keep] for w in range(self.split, n)], len(wire[0][keep]))
        self.left = None if left is None else (left[0] if self.uniform else left)
        self.right_t = np.ascontiguousarray(right[0].T if self.uniform else np.swapaxes(right, 1, 2))

    def on_zero(self, rows: np.ndarray, wire: int | None = None, q: np.ndarray | None = None) -> np.ndarray:
        """The block on |0...0> for samples ``rows`` (Q per row on ``wire`` first): a product state, O(2**n) per row."""
        out = np.ones((len(rows), 1), dtype=complex)
        for w in range(self.n):
            col = self.wire[w][rows][:, :, 0] if w != wire else (self.wire[w][rows] @ q)[:, :, 0]
            out = (out[:, :, None] * col[:, None, :]).reshape(len(rows), -1)
        return out

    def apply(self, state: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The block on states whose samples are ``rows``: two matrix products per sample group."""
        if self.uniform:
            return _kron_apply(state, self.left, self.right_t, self.n, self.split)
        out = np.empty_like(state)
        for s in np.unique(rows):
            sel = np.flatnonzero(rows == s)
            left = None if self.left is None else self.left[s]
            out[sel] = _kron_apply(state[sel], left, self.right_t[s], self.n, self.split)
        return out


def _kron_apply(state: np.ndarray, left: np.ndarray | None, right_t: np.ndarray, n: int, k: int) -> np.ndarray:
    """(left kron right) on every row, as two large matrix products (batched small ones are far slower)."""
    m, a, b = state.shape[0], 2**k, 2 ** (n - k)
    w = state.reshape(m * a, b) @ right_t
    if left is None:
        return w.reshape(state.shape)
    w = np.ascontiguousarray(w.reshape(m, a, b).transpose(0, 2, 1)).reshape(m * b, a) @ left.T
    return np.ascontiguousarray(w.reshape(m, b, a).transpose(0, 2, 1)).reshape(state.shape)


def _apply_q(states: np.ndarray, n: int, wire: int, q: np.ndarray) -> np.ndarray:
    """Per-row 2x2 ``q`` (rows, 2, 2) on ``wire``."""
    v = states.reshape(states.shape[0], 2**wire, 2, 2 ** (n - wire - 1))
    return np.einsum("rab,rxby->rxay", q, v).reshape(states.shape)


def _step(step, state: np.ndarray, rows: np.ndarray, n: int, angles: np.ndarray, weights: np.ndarray,
          ops: dict) -> np.ndarray:
    """One compiled step on states whose samples are ``rows``."""
    if isinstance(step, Block):
        return ops[id(step)].apply(state, rows)
    if step.run is not None:
        return step.run.apply(state, angles[rows], weights)
    return apply_gate(state, n, step.gate, angles[rows], weights)


def _zz_sign(n: int, wires: tuple[int, ...]) -> np.ndarray:
    idx = np.arange(2**n)
    parity = np.zeros(2**n, dtype=np.int64)
    for w in wires:
        parity ^= (idx >> (n - 1 - w)) & 1
    return (1 - 2 * parity).astype(float)


def shifted_bin_probabilities(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonal: np.ndarray,
                              memory_budget: int | None = None) -> tuple[list[WeightUse], np.ndarray, np.ndarray]:
    """Exact probabilities of each eigenvalue of diag(``diagonal``) for every parameter-shifted circuit.

    Returns (uses, probabilities, eigenvalues); the rows are ordered as
    :func:`~qbench.backends.gradients.shift_rows` orders them: block 2u is use u shifted by +pi/2,
    block 2u+1 by -pi/2, each block one row per sample.
    """
    n, samples = circuit.n_qubits, angles.shape[0]
    uses = weight_uses(circuit)
    bins = outcome_bins(diagonal)
    out = np.zeros((2 * len(uses) * samples, len(bins[0])))
    if not uses:
        return uses, out, bins[0]
    steps = compile_shift(circuit)
    ops = {id(s): _BlockOps(s, n, angles, weights) for s in steps if isinstance(s, Block)}
    every = np.arange(samples)
    # Forward pass over the samples, keeping the state before each step that has branches.
    psi = np.zeros((samples, 2**n), dtype=complex)
    psi[:, 0] = 1.0
    before: dict[int, np.ndarray] = {}
    for i, step in enumerate(steps):
        if (isinstance(step, Block) and ops[id(step)].branches) or (isinstance(step, TwoQubit) and step.use >= 0):
            before[i] = psi
        psi = ops[id(step)].on_zero(every) if i == 0 and isinstance(step, Block) else \
            _step(step, psi, every, n, angles, weights, ops)
    p_psi = psi.real**2 + psi.imag**2
    row = 16 * 2**n
    chunk = max(1, SMALL_BATCH_BYTES // row)
    if memory_budget is not None:
        chunk = max(1, min(chunk, memory_budget // (4 * row)))
    for i, start_state in before.items():
        step = steps[i]
        if isinstance(step, Block):
            branches = [(use, w, q) for use, w, q in ops[id(step)].branches]
        else:
            branches = [(step.use, None, None)]
        # Every (branch, sample) pair is one row; processed in chunks of rows.
        pairs = [(b, s) for b in range(len(branches)) for s in range(samples)]
        for c0 in range(0, len(pairs), chunk):
            part = pairs[c0:c0 + chunk]
            b_idx = np.array([b for b, _ in part])
            rows = np.array([s for _, s in part])
            if i == 0 and isinstance(step, Block):
                # The first block acts on |0...0>: every branch is a product state.
                eta = np.empty((len(rows), 2**n), dtype=complex)
                for b in np.unique(b_idx):
                    sel = np.flatnonzero(b_idx == b)
                    _, w, q = branches[b]
                    eta[sel] = ops[id(step)].on_zero(rows[sel], w, q[rows[sel]])
            elif isinstance(step, Block):
                eta = start_state[rows]
                for b in np.unique(b_idx):
                    sel = np.flatnonzero(b_idx == b)
                    _, w, q = branches[b]
                    eta[sel] = _apply_q(eta[sel], n, w, q[rows[sel]])
            else:
                eta = start_state[rows] * _zz_sign(n, step.gate.wires)
            if not (i == 0 and isinstance(step, Block)):
                eta = _step(step, eta, rows, n, angles, weights, ops)
            for later in steps[i + 1:]:
                eta = _step(later, eta, rows, n, angles, weights, ops)
            mean = 0.5 * (p_psi[rows] + eta.real**2 + eta.imag**2)
            cross = (psi[rows].conj() * eta).imag
            use = np.array([branches[b][0] for b in b_idx])
            plus, minus = 2 * use * samples + rows, (2 * use + 1) * samples + rows
            out[plus] = bin_probabilities(mean + cross, bins)
            out[minus] = bin_probabilities(mean - cross, bins)
    return uses, out, bins[0]


__all__ = ["compile_shift", "shifted_bin_probabilities"]
