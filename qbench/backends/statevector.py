"""Batched state-vector simulation in NumPy: every sample's state evolves at once.

Used by the ``numpy`` reference backend.  Runs of gates that map basis states to
basis states with a phase (Z, CZ, RZ, P, RZZ, X, CNOT) are fused into one
permutation and one phase matrix: phase = angles @ M, a single matrix product
for all samples, so the ZZ and IQP feature maps cost one ``exp`` per repetition
plus a Hadamard layer.  Other gates are applied one at a time as batched 2x2
updates, except a data-driven opening of single-qubit gates (an angle embedding), which
leaves |0...0> a product state and is built per qubit (:class:`ProductPrefix`).  Qubit 0 is
the most significant bit of a basis index.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qbench.circuits.ir import DIAGONAL_GATES, Circuit, Gate

PERMUTATION_GATES = frozenset({"X", "CNOT"})
_FUSABLE = DIAGONAL_GATES | PERMUTATION_GATES
_SQ2 = 1.0 / np.sqrt(2.0)
_EYE2 = np.eye(2)


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
        self.is_identity_perm = bool(np.all(cur == np.arange(dim)))
        # int32 indices halve the permutation's size; none is kept for the identity.
        self.inverse_perm = None if self.is_identity_perm else np.argsort(cur).astype(np.int32)
        self.has_data = bool(np.any(self.data_phase))
        # Keep only the data and weight rows that matter (a run touches a few of them),
        # so the compiled circuit and the phase products stay small.
        self.data_rows = np.flatnonzero(np.any(self.data_phase != 0, axis=1))
        self.data_phase = self.data_phase[self.data_rows]
        self.weight_rows = np.flatnonzero(np.any(self.weight_phase != 0, axis=1))
        self.weight_phase = self.weight_phase[self.weight_rows]
        if not np.any(self.const_phase):
            self.const_phase = None

    @property
    def nbytes(self) -> int:
        """Bytes held by the compiled run."""
        arrays = (self.data_phase, self.weight_phase, self.const_phase, self.inverse_perm, self.data_rows,
                  self.weight_rows)
        return sum(a.nbytes for a in arrays if a is not None)

    def shared_phase(self, weights: np.ndarray) -> np.ndarray | None:
        """The part of the phase that is the same for every sample (constants and weights), or None."""
        phase = None if self.const_phase is None else self.const_phase
        if len(self.weight_rows):
            w = weights[self.weight_rows] @ self.weight_phase
            phase = w if phase is None else phase + w
        return phase

    def apply(self, state: np.ndarray, angles: np.ndarray, weights: np.ndarray, inplace: bool = False) -> np.ndarray:
        """The run applied to a batch of states; ``inplace`` lets it overwrite ``state``."""
        phase = self.shared_phase(weights)
        if self.has_data:
            data = angles[:, self.data_rows] @ self.data_phase
            phase = data if phase is None else np.add(data, phase, out=data)
        if phase is not None:
            # exp(i phase) in one complex buffer, multiplied into the state in place.
            factor = np.multiply(phase, 1j, out=np.empty(phase.shape, dtype=complex))
            np.exp(factor, out=factor)
            if inplace and state.shape == factor.shape or inplace and factor.ndim == 1:
                state *= factor
            else:
                state = state * factor
        return state if self.is_identity_perm else state[:, self.inverse_perm]


#: Up to this width a uniform layer's left factor is applied as one 2-D matrix product over all samples.
SMALL_LAYER_QUBITS = 6


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
        out = None
        for w in wires:  # np.kron's products, without its per-call overhead (and without its leading 1 x 1)
            b = mats.get(w, _EYE2)
            out = b if out is None else (out[:, None, :, None] * b[None, :, None, :]).reshape(2 * len(out), -1)
        return np.eye(1, dtype=complex) if out is None else out

    def apply(self, state: np.ndarray, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        mats: dict[int, np.ndarray] = {}
        for g in self.gates:
            theta = gate_angles(g, angles, weights) if g.angle is not None else None
            m = np.array(single_qubit_matrix(g, theta), dtype=complex).reshape(2, 2)
            mats[g.wires[0]] = m @ mats[g.wires[0]] if g.wires[0] in mats else m
        k = self.split
        left, right = self._kron(mats, range(k)), self._kron(mats, range(k, self.n))
        rows = state.shape[0]
        view = state.reshape(rows, 2**k, 2 ** (self.n - k))
        if k and self.n <= SMALL_LAYER_QUBITS:
            # one 2-D product instead of numpy's loop over samples (the same sums, far less overhead)
            view = (left @ view.transpose(1, 0, 2).reshape(2**k, -1)).reshape(2**k, rows, -1).transpose(1, 0, 2)
        elif k:
            view = np.matmul(left, view)
        return (view.reshape(-1, 2 ** (self.n - k)) @ right.T).reshape(state.shape)


class ProductPrefix:
    """The circuit's opening single-qubit gates (none of them fusable, some reading data) on |0...0>.

    Until the first multi-qubit gate the state is a product of one-qubit states, so each qubit's
    2-vector is evolved alone (per sample) and the state is their Kronecker product: a few
    (samples, 2) operations and one product per qubit, instead of a full-state 2x2 update per gate.
    """

    def __init__(self, gates: tuple[Gate, ...], n_qubits: int, inverse_perm: np.ndarray | None = None) -> None:
        self.gates = gates
        self.n = n_qubits
        #: A basis permutation applied after the prefix (the CNOT/X run that follows it, when it has no phase).
        self.inverse_perm = inverse_perm

    def state(self, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """States after the prefix, shape (samples, 2**n)."""
        rows = angles.shape[0]
        qubits: dict[int, tuple] = {}
        for g in self.gates:
            theta = gate_angles(g, angles, weights) if g.angle is not None else None
            a, b, c, d = (np.reshape(e, -1) if np.ndim(e) else e for e in single_qubit_matrix(g, theta))
            if g.wires[0] in qubits:
                v0, v1 = qubits[g.wires[0]]
                qubits[g.wires[0]] = (a * v0 + b * v1, c * v0 + d * v1)
            else:  # the gate's first column: its image of |0>
                qubits[g.wires[0]] = (a, c)
        # Built as (2**k, samples), so every product runs along the samples, and transposed once at the end;
        # on a few qubits the last qubit's products are written straight into the (permuted) output columns.
        vectors = [qubits.get(w, (1.0, 0.0)) for w in range(self.n)]
        small = 2**self.n <= 64
        state = None
        for v0, v1 in vectors[:-1] if small else vectors:
            out = np.empty((1 if state is None else state.shape[0], 2, rows), dtype=complex)
            if state is None:
                out[0, 0], out[0, 1] = v0, v1
            else:
                np.multiply(state, v0, out=out[:, 0])
                np.multiply(state, v1, out=out[:, 1])
            state = out.reshape(-1, rows)
        order = range(2**self.n) if self.inverse_perm is None else self.inverse_perm
        out = np.empty((rows, 2**self.n), dtype=complex)
        if small:
            last = vectors[-1]
            for column, source in enumerate(order):
                if state is None:
                    out[:, column] = last[source]
                else:
                    np.multiply(state[source >> 1], last[source & 1], out=out[:, column])
        else:
            np.copyto(out.T, state if self.inverse_perm is None else state[self.inverse_perm])
        return out


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

    gates = circuit.gates
    opening = 0
    while opening < len(gates) and len(gates[opening].wires) == 1 and gates[opening].name not in _FUSABLE:
        opening += 1
    if any(g.angle is not None and g.angle.source == "data" for g in gates[:opening]):
        steps.append(ProductPrefix(tuple(gates[:opening]), circuit.n_qubits))
        gates = gates[opening:]
    for g in gates:
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
    if len(steps) > 1 and isinstance(steps[0], ProductPrefix) and _is_permutation(steps[1]):
        steps[:2] = [ProductPrefix(steps[0].gates, circuit.n_qubits, steps[1].inverse_perm)]
    return tuple(steps)


def _is_permutation(step) -> bool:
    """A fused run of CNOT/X gates only: a basis permutation without phase."""
    return (isinstance(step, FusedRun) and not step.has_data and not len(step.weight_rows)
            and step.const_phase is None and not step.is_identity_perm)


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
    t = _col(np.asarray(theta, dtype=float) / 2.0) if isinstance(theta, np.ndarray) and theta.ndim else theta / 2.0
    c, s = np.cos(t), np.sin(t)
    if name == "RX":
        off = -1j * s
        return c, off, off, c
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


@lru_cache(maxsize=8)
def _indices(n: int) -> np.ndarray:
    idx = np.arange(2**n)
    idx.setflags(write=False)
    return idx


@lru_cache(maxsize=256)
def _sign(n: int, wires: tuple[int, ...]) -> np.ndarray:
    """(-1)^(parity of the bits on ``wires``) for every basis state: the eigenvalues of Z...Z."""
    idx = _indices(n)
    parity = np.zeros(2**n, dtype=np.int64)
    for w in wires:
        parity ^= _bit(idx, w, n)
    out = (1 - 2 * parity).astype(float)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=256)
def _cnot_perm(n: int, c: int, t: int) -> np.ndarray:
    idx = _indices(n)
    out = (idx ^ (_bit(idx, c, n) << (n - 1 - t))).astype(np.int32 if n < 31 else np.int64)
    out.setflags(write=False)
    return out


def apply_gate(state: np.ndarray, n: int, gate: Gate, angles: np.ndarray, weights: np.ndarray,
               inverse: bool = False) -> np.ndarray:
    """Apply one gate (or its inverse) to a batch of states."""
    theta = gate_angles(gate, angles, weights) if gate.angle is not None else None
    if theta is not None and inverse:
        theta = -theta
    if len(gate.wires) == 1:
        m = single_qubit_matrix(gate, theta)
        if gate.name in ("RX", "RY"):
            # U = a I + b P, P = X (RX) or X with the sign of Z after it (RY: [[0, 1], [-1, 0]]): P psi moves whole
            # amplitudes, so U psi is two products and a sum (the same ones apply_single forms, in fewer calls)
            a, b = m[0], m[1]
            if isinstance(a, np.ndarray) and a.ndim:  # per-sample columns (samples, 1, 1) -> (samples, 1)
                a, b = a.reshape(-1, 1), b.reshape(-1, 1)
            perm, _ = _pauli_perm(n, gate.wires[0], "X")
            moved = state[:, perm]
            if gate.name == "RY":
                moved *= _z_after_x(n, gate.wires[0])
            moved *= b
            out = a * state
            out += moved
            return out
        if inverse and gate.name == "Y":
            m = (0.0, -1j, 1j, 0.0)  # Y is Hermitian
        return apply_single(state, n, gate.wires[0], m)
    if gate.name == "CNOT":
        return state[:, _cnot_perm(n, *gate.wires)]
    pattern, fixed = _phase_pattern(gate, n)
    if theta is None:
        return state * np.exp(1j * fixed * pattern)
    phase = np.multiply.outer(theta, pattern) if np.ndim(theta) else theta * pattern
    return state * np.exp(1j * phase)


_PATTERNS: dict[tuple, tuple[np.ndarray, float]] = {}


def _phase_pattern(gate: Gate, n: int) -> tuple[np.ndarray, float]:
    """:func:`phase_pattern` on every basis state, cached per gate kind and wires."""
    key = (gate.name, gate.wires, n)
    hit = _PATTERNS.get(key)
    if hit is None:
        if len(_PATTERNS) >= 256:
            _PATTERNS.clear()
        pattern, fixed = phase_pattern(gate, _indices(n), n)
        pattern = np.asarray(pattern, dtype=float)
        pattern.setflags(write=False)
        hit = _PATTERNS[key] = (pattern, fixed)
    return hit


@lru_cache(maxsize=256)
def _pauli_perm(n: int, wire: int, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """X or Y on ``wire`` as a basis permutation and (Y) the phase each amplitude picks up."""
    idx = _indices(n)
    perm = (idx ^ (1 << (n - 1 - wire))).astype(np.int32 if n < 31 else np.int64)
    perm.setflags(write=False)
    if name == "X":
        return perm, None
    phase = np.where(_bit(idx, wire, n) == 0, -1j, 1j)  # Y|1> = -i|0>, Y|0> = i|1>
    phase.setflags(write=False)
    return perm, phase


@lru_cache(maxsize=256)
def _z_after_x(n: int, wire: int) -> np.ndarray:
    """+1 where ``wire`` reads 0, -1 where it reads 1: with the X permutation, the real matrix [[0, 1], [-1, 0]]."""
    out = 1.0 - 2.0 * _bit(_indices(n), wire, n)
    out.setflags(write=False)
    return out


def apply_generator(state: np.ndarray, n: int, gate: Gate) -> np.ndarray:
    """Gamma psi where dU/dtheta = Gamma U for the rotation gate U(theta)."""
    name = gate.name
    if name in ("RX", "RY"):  # -i/2 times X or Y psi: a permutation of amplitudes (and, for Y, a phase)
        perm, phase = _pauli_perm(n, gate.wires[0], name[1])
        moved = state[:, perm]
        if phase is not None:
            moved *= phase
        return -0.5j * moved
    if name == "RZ":
        return state * (-0.5j * _sign(n, gate.wires))
    if name == "P":
        return state * (0.5j * (1.0 - _sign(n, gate.wires)))
    if name == "RZZ":
        return state * (-0.5j * _sign(n, gate.wires))
    raise ValueError(name)


def generator_overlap(lam: np.ndarray, psi: np.ndarray, n: int, gate: Gate) -> complex:
    """sum_s <lam_s| Gamma |psi_s> for the rotation's generator (:func:`apply_generator`).

    Gamma's constant (-i/2, i/2 or, for RY = -i/2 Y = -1/2 [[0, 1], [-1, 0]], -1/2) multiplies the sum
    rather than every amplitude: scaling by a power of two and by +-i is exact, so the value is the same.
    """
    name = gate.name
    if name in ("RX", "RY"):
        perm, _ = _pauli_perm(n, gate.wires[0], "X")
        moved = psi[:, perm]
        if name == "RX":
            return -0.5j * np.vdot(lam, moved)
        moved *= _z_after_x(n, gate.wires[0])
        return -0.5 * np.vdot(lam, moved)
    if name in ("RZ", "RZZ"):
        return -0.5j * np.vdot(lam, psi * _sign(n, gate.wires))
    if name == "P":
        return 0.5j * np.vdot(lam, psi * (1.0 - _sign(n, gate.wires)))
    raise ValueError(name)


def zero_states(n_samples: int, n_qubits: int) -> np.ndarray:
    state = np.zeros((n_samples, 2**n_qubits), dtype=complex)
    state[:, 0] = 1.0
    return state


def _uses_data(step) -> bool:
    if isinstance(step, ProductPrefix):
        return True
    if isinstance(step, FusedRun):
        return step.has_data
    if isinstance(step, UniformLayer):
        return False
    return step.angle is not None and step.angle.source == "data"


def compiled_nbytes(circuit: Circuit) -> int:
    """Bytes the compiled form of ``circuit`` holds (the fused runs' phase rows and permutations)."""
    return sum(step.nbytes for step in compile_circuit(circuit) if isinstance(step, FusedRun))


#: Batches of at most this many bytes of states are simulated in one piece.
SMALL_BATCH_BYTES = 16 * 2**20
#: A larger batch is split in at least this many chunks, so the temporaries of one chunk
#: (about three chunk-sized arrays) stay under half the output.
MIN_CHUNKS = 8
#: Working arrays per sample during simulation, in state-vector sizes.
WORK_FACTOR = 4


def chunk_rows(n_samples: int, n_qubits: int, memory_budget: int | None) -> int:
    """Samples simulated at once: all of a small batch, else within ``memory_budget`` bytes of temporaries."""
    row = 16 * 2**n_qubits
    if n_samples * row <= SMALL_BATCH_BYTES and (memory_budget is None or n_samples * row * WORK_FACTOR <= memory_budget):
        return max(n_samples, 1)
    rows = -(-n_samples // MIN_CHUNKS)
    if memory_budget is not None:
        rows = min(rows, memory_budget // (WORK_FACTOR * row))
    return max(int(rows), 1)


def _simulate_block(steps: tuple, n: int, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    n_samples = angles.shape[0]
    state = zero_states(1, n)
    shared = True
    for step in steps:
        if isinstance(step, ProductPrefix):  # always the first step, and per sample
            state, shared = step.state(angles, weights), False
            continue
        if shared and _uses_data(step):
            state = np.repeat(state, n_samples, axis=0)
            shared = False
        rows = angles[:1] if shared else angles
        if isinstance(step, FusedRun):
            state = step.apply(state, rows, weights, inplace=True)
        elif isinstance(step, UniformLayer):
            state = step.apply(state, rows, weights)
        else:
            state = apply_gate(state, n, step, rows, weights)
    return np.repeat(state, n_samples, axis=0) if shared else state


_COMPILED: dict[int, tuple[Circuit, tuple]] = {}


def _compiled(circuit: Circuit) -> tuple:
    """:func:`compile_circuit`, looked up by identity first: hashing a long frozen circuit costs more than a small
    training step, and a model runs the same circuit object every step."""
    hit = _COMPILED.get(id(circuit))
    if hit is None or hit[0] is not circuit:
        if len(_COMPILED) >= 64:
            _COMPILED.clear()
        hit = _COMPILED[id(circuit)] = (circuit, compile_circuit(circuit))
    return hit[1]


def simulate(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, memory_budget: int | None = None) -> np.ndarray:
    """Final states of all samples, shape (n_samples, 2**n_qubits).

    Until the first data-dependent step every sample has the same state, so that
    prefix is simulated once and broadcast.  A large batch is simulated in chunks of
    samples (:func:`chunk_rows`) written into one output array, so the peak memory
    stays near the states themselves.
    """
    n, n_samples = circuit.n_qubits, angles.shape[0]
    steps = _compiled(circuit)
    rows = chunk_rows(n_samples, n, memory_budget)
    if rows >= n_samples:
        return _simulate_block(steps, n, angles, weights)
    out = np.empty((n_samples, 2**n), dtype=complex)
    for start in range(0, n_samples, rows):
        out[start:start + rows] = _simulate_block(steps, n, angles[start:start + rows], weights)
    return out


def simulate_gate_by_gate(circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Unfused simulation, one gate at a time (the check on the fused path)."""
    state = zero_states(angles.shape[0], circuit.n_qubits)
    for g in circuit.gates:
        state = apply_gate(state, circuit.n_qubits, g, angles, weights)
    return state


def adjoint_value_and_vjp(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonal: np.ndarray,
                          cotangent, memory_budget: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expectation values of diagonal O and their VJP from one forward pass (adjoint differentiation).

    ``cotangent`` is an array of one entry per sample, or a function of the values that
    returns it (a loss's gradient), called once the forward pass is done.  Large batches
    are processed in chunks of samples.
    """
    n = circuit.n_qubits
    rows = chunk_rows(angles.shape[0], n, memory_budget)
    values = np.empty(angles.shape[0])
    states = []
    for start in range(0, angles.shape[0], rows):
        psi = simulate(circuit, angles[start:start + rows], weights)
        values[start:start + rows] = (psi.real**2 + psi.imag**2) @ diagonal
        states.append(psi) if rows >= angles.shape[0] else None
    cot = np.asarray(cotangent(values) if callable(cotangent) else cotangent, dtype=float).reshape(-1)
    grad = np.zeros(circuit.n_weights)
    for start in range(0, angles.shape[0], rows):
        chunk = angles[start:start + rows]
        psi = states.pop() if states else simulate(circuit, chunk, weights)
        _adjoint_pass(circuit, chunk, weights, psi, diagonal, cot[start:start + rows], grad)
    return values, grad


def _adjoint_pass(circuit: Circuit, angles, weights, psi, diagonal, cot, grad, grad_angles=None) -> None:
    """Backward sweep; ``diagonal`` is O's diagonal, or one row per sample of the already cotangent-weighted O."""
    n, m = circuit.n_qubits, len(psi)
    lam = psi * (diagonal if np.ndim(diagonal) == 2 else cot[:, None] * diagonal)
    # psi and lambda go back through the same inverse gates: stacked, each gate is one call for both
    both, both_angles = np.concatenate([psi, lam]), np.concatenate([angles, angles])
    for g in reversed(circuit.gates):
        psi, lam = both[:m], both[m:]
        if g.angle is not None and g.angle.source == "weight":
            # sum_s c_s 2 Re <psi_s| O U^dagger ... G ... |psi_s>, already weighted by the cotangent in lam
            grad[g.angle.index] += g.angle.scale * 2.0 * float(generator_overlap(lam, psi, n, g).real)
        elif grad_angles is not None and g.angle is not None and g.angle.source == "data":
            # the same product, kept per sample: d f_s / d angles[s, j] for data-driven rotations
            per_sample = np.einsum("sk,sk->s", lam.conj(), apply_generator(psi, n, g)).real
            grad_angles[:, g.angle.index] += g.angle.scale * 2.0 * per_sample
        both = apply_gate(both, n, g, both_angles, weights, inverse=True)


def adjoint_value_and_grads(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonals: np.ndarray,
                            cotangent, memory_budget: int | None = None):
    """Values of several diagonal observables, and the VJP to the weights and (per sample) the data angles.

    ``diagonals`` has shape (n_obs, 2**n); ``cotangent`` maps the values (n_samples, n_obs) to
    an array of the same shape.  One forward pass and one backward pass (sum_o c_so O_o is
    diagonal, so every observable's cotangent goes back together).
    """
    n = circuit.n_qubits
    rows = chunk_rows(angles.shape[0], n, memory_budget)
    values = np.empty((angles.shape[0], len(diagonals)))
    states = []
    for start in range(0, angles.shape[0], rows):
        psi = simulate(circuit, angles[start:start + rows], weights)
        values[start:start + rows] = (psi.real**2 + psi.imag**2) @ diagonals.T
        states.append(psi) if rows >= angles.shape[0] else None
    cot = np.asarray(cotangent(values), dtype=float).reshape(values.shape)
    grad = np.zeros(circuit.n_weights)
    grad_angles = np.zeros(angles.shape)
    for start in range(0, angles.shape[0], rows):
        chunk = angles[start:start + rows]
        psi = states.pop() if states else simulate(circuit, chunk, weights)
        weighted = cot[start:start + rows] @ diagonals
        _adjoint_pass(circuit, chunk, weights, psi, weighted, None, grad, grad_angles[start:start + rows])
    return values, grad, grad_angles


def adjoint_vjp(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, diagonal: np.ndarray,
                cotangent: np.ndarray) -> np.ndarray:
    """Adjoint differentiation of <psi|O|psi> for diagonal O, contracted with a per-sample cotangent."""
    return adjoint_value_and_vjp(circuit, angles, weights, diagonal, cotangent)[1]
