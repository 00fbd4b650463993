"""Circuits of the variational model zoo (Bowles, Ahmed & Schuld 2024), built from the IR gate set.

* :class:`AmplitudeFeatureMap`: amplitude encoding of a real vector as a Mottonen-style tree of
  uniformly controlled RY rotations, each decomposed into RY and CNOT gates; the core computes
  the RY angles from the data (:func:`amplitude_angles`), so every backend runs the same gates.
  The one amplitude encoding of the zoo: the tree tensor and circuit-centric classifiers and WeiNet use it.
* :class:`RingEmbedding`: RX(x_i) on every qubit, then a CNOT ring, ``layers`` times (the vanilla QNN's embedding).
* :class:`TreeTensorAnsatz`: the tree tensor network of Grant et al. 2018 (a power of two of qubits).
* :class:`QCNNAnsatz`: convolution (two-qubit blocks on neighbours) and pooling (a controlled RY
  from the dropped qubit onto the kept one, no mid-circuit measurement) until one qubit is left.
* :func:`reuploading_circuit`, :func:`separable_circuit`, :func:`dressed_circuit`: the fixed
  circuits of the data re-uploading, separable variational and dressed quantum circuit models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits.bounds import check_gates, repetitions
from qbench.circuits.feature_maps import IQP_RANGE, FeatureMap
from qbench.circuits.ir import Angle, Circuit, Gate, data, weight
from qbench.errors import TemplateError


def _rot(wire: int, a: Angle, b: Angle, c: Angle) -> list[Gate]:
    """PennyLane's Rot(a, b, c) = RZ(c) RY(b) RZ(a): RZ(a) acts first."""
    return [Gate("RZ", (wire,), a), Gate("RY", (wire,), b), Gate("RZ", (wire,), c)]


def is_power_of_two(n: int) -> bool:
    return n >= 1 and (n & (n - 1)) == 0


# ------------------------------------------------------------------------------ amplitude encoding
def _gray(i: int) -> int:
    return i ^ (i >> 1)


def _uniformly_controlled_ry(target: int, controls: list[int], first_column: int) -> list[Gate]:
    """RY(alpha_i) / CNOT pairs realising a rotation by theta_j on ``target`` for control state j (Mottonen et al. 2004)."""
    k = len(controls)
    gates: list[Gate] = []
    for i in range(2**k):
        gates.append(Gate("RY", (target,), data(first_column + i)))
        if k:
            changed = _gray(i) ^ _gray((i + 1) % 2**k)
            position = changed.bit_length() - 1  # bit p of j is control qubit controls[k - 1 - p]
            gates.append(Gate("CNOT", (controls[k - 1 - position], target)))
    return gates


def amplitude_circuit(n_qubits: int, offset: int = 0, width: int | None = None) -> Circuit:
    """Amplitude-encoding state preparation on qubits ``offset .. offset + n_qubits - 1`` (2**n - 1 data angles)."""
    width = offset + n_qubits if width is None else width
    check_gates(amplitude_gate_count(n_qubits), "amplitude", n_qubits)
    gates: list[Gate] = []
    column = 0
    for k in range(n_qubits):
        gates += _uniformly_controlled_ry(offset + k, [offset + c for c in range(k)], column)
        column += 2**k
    return Circuit(width, tuple(gates), column, 0, "amplitude")


def amplitude_gate_count(n_qubits: int) -> int:
    """Gates of :func:`amplitude_circuit` on n qubits: one RY, then 2**k RY and 2**k CNOT for k = 1 .. n - 1."""
    return 2 ** (n_qubits + 1) - 3 if n_qubits >= 1 else 0


def _gray_transform(theta: np.ndarray) -> np.ndarray:
    """``theta @ M`` for M[j, i] = (-1)^popcount(gray(i) & j), the rotation angles' transform for k controls
    (theta: (m, 2**k)): the Walsh-Hadamard transform of each row (Sylvester order, O(k 2**k), no 4**k matrix),
    its columns read at gray(i)."""
    m, size = theta.shape
    t, h = np.array(theta, dtype=float), 1
    while h < size:  # butterflies on pairs h apart: (a, b) -> (a + b, a - b)
        blocks = t.reshape(m, -1, 2, h)
        t = np.stack((blocks[:, :, 0] + blocks[:, :, 1], blocks[:, :, 0] - blocks[:, :, 1]), axis=2).reshape(m, size)
        h *= 2
    i = np.arange(size)
    return t[:, i ^ (i >> 1)]


def amplitude_angles(vectors: np.ndarray) -> np.ndarray:
    """The RY angles of :func:`amplitude_circuit` preparing each (real, unit-norm) row of ``vectors``."""
    v = np.asarray(vectors, dtype=float)
    m, size = v.shape
    n = size.bit_length() - 1
    if size != 2**n or n < 1:
        raise TemplateError(f"amplitude encoding needs 2**n >= 2 amplitudes per sample, got {size}")
    cols = []
    for k in range(n):
        blocks = v.reshape(m, 2**k, 2, 2 ** (n - k - 1))  # prefix j, bit k, the rest
        if k == n - 1:  # leaves: signed amplitudes
            theta = 2 * np.arctan2(blocks[:, :, 1, 0], blocks[:, :, 0, 0])
        else:
            theta = 2 * np.arctan2(np.linalg.norm(blocks[:, :, 1, :], axis=-1),
                                   np.linalg.norm(blocks[:, :, 0, :], axis=-1))
        cols.append(_gray_transform(theta) / 2**k)  # alpha = M^T theta / 2^k (M symmetric up to order)
    return np.hstack(cols)


def normalised(V: np.ndarray) -> np.ndarray:
    """Rows scaled to unit norm; an all-zero row stays zero (:func:`amplitude_angles` encodes it as |0...0>)."""
    V = np.asarray(V, dtype=float)
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    return V / np.where(norms > 0, norms, 1.0)


def pad_and_normalise(X: np.ndarray, size: int) -> np.ndarray:
    """Rows padded to ``size`` with 1/size entries and normalised (Bowles et al. 2024's amplitude-encoding input)."""
    X = np.asarray(X, dtype=float)
    if X.shape[1] > size:
        raise TemplateError(f"amplitude encoding of {X.shape[1]} features needs more than {size} amplitudes")
    return normalised(np.hstack([X, np.full((len(X), size - X.shape[1]), 1.0 / size)]))


def amplitude_qubits(n_features: int) -> int:
    """Qubits that amplitude-encode ``n_features`` numbers (at least one)."""
    return max(1, int(np.ceil(np.log2(max(n_features, 1)))))


@dataclass(frozen=True)
class AmplitudeFeatureMap(FeatureMap):
    """Amplitude encoding: features padded to the next power of two (entries 1/2**n) and normalised.

    ``circuit(n)`` prepares 2**n amplitudes on n qubits; ``angles(X)`` pads X to 2**ceil(log2 d).
    """

    feature_range: tuple[float, float] = (-1.0, 1.0)
    bandwidth: float = 1.0
    name = "amplitude"
    #: 2**n features on n qubits: not a map for the kernel and QNN models, which give each feature a qubit
    one_qubit_per_feature = False

    def __post_init__(self) -> None:
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        return amplitude_circuit(n_qubits)

    def angles(self, X: np.ndarray) -> np.ndarray:
        X = self._check_width(X)
        return amplitude_angles(pad_and_normalise(X, 2 ** amplitude_qubits(X.shape[1])))


# ---------------------------------------------------------------------------------- embeddings
@dataclass(frozen=True)
class RingEmbedding(FeatureMap):
    """``layers`` x (RX(x_i) on every qubit, then CNOT(i, i+1 mod n)): the vanilla QNN's embedding (Bowles et al. 2024)."""

    layers: int = 1
    feature_range: tuple[float, float] = IQP_RANGE
    bandwidth: float = 1.0
    name = "ring"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", repetitions(self.layers, self.name, "layers"))
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(self.layers * (2 * n_qubits if n_qubits > 1 else 1), self.name, n_qubits)
        gates: list[Gate] = []
        for _ in range(self.layers):
            gates += [Gate("RX", (q,), data(q)) for q in range(n_qubits)]
            if n_qubits > 1:
                gates += [Gate("CNOT", (q, (q + 1) % n_qubits)) for q in range(n_qubits)]
        return Circuit(n_qubits, tuple(gates), n_qubits, 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        return self._check_width(X).copy()


# ------------------------------------------------------------------------------------- ansaetze
@dataclass(frozen=True)
class TreeTensorAnsatz:
    """Tree tensor network: per level RY on every 2**l-th qubit, CNOT(i + 2**l -> i); a final RY on qubit 0 (2n - 1 weights)."""

    kind = "ansatz"
    name = "tree_tensor"

    def circuit(self, n_qubits: int) -> Circuit:
        if not is_power_of_two(n_qubits):
            raise TemplateError(f"tree_tensor: needs a power of two of qubits, got {n_qubits}")
        check_gates(3 * n_qubits - 2, self.name, n_qubits)  # per level n / 2**l RY and half as many CNOTs, a last RY
        gates: list[Gate] = []
        w = 0
        for level in range(n_qubits.bit_length() - 1):
            step = 2**level
            for q in range(0, n_qubits, step):
                gates.append(Gate("RY", (q,), weight(w)))
                w += 1
            gates += [Gate("CNOT", (i + step, i)) for i in range(0, n_qubits, 2 * step)]
        gates.append(Gate("RY", (0,), weight(w)))
        return Circuit(n_qubits, tuple(gates), 0, w + 1, self.name)


def controlled_ry(control: int, target: int, w: int) -> list[Gate]:
    """CRY(w) from the gate set: RY(w/2), CNOT, RY(-w/2), CNOT."""
    return [Gate("RY", (target,), weight(w, 0.5)), Gate("CNOT", (control, target)),
            Gate("RY", (target,), weight(w, -0.5)), Gate("CNOT", (control, target))]


@dataclass(frozen=True)
class QCNNAnsatz:
    """Quantum convolutional network (Cong, Choi & Lukin 2019), measurement-free.

    Each level: convolution, a two-qubit block RY(a) RY(b) CNOT RY(c) RY(d) on neighbouring
    active qubits (even pairs, then odd pairs); pooling, a controlled RY from every second
    active qubit onto its neighbour, which stays active.  Levels repeat until one qubit is
    left (qubit 0, to be measured).  Weights are shared within a level (translation invariance).
    """

    kind = "ansatz"
    name = "qcnn"

    @staticmethod
    def gate_count(n_qubits: int) -> int:
        """Gates of :meth:`circuit`: per level of a active qubits, a - 1 five-gate blocks and a // 2 four-gate pools."""
        count, active = 1, n_qubits
        while active > 1:
            count += 5 * (active - 1) + 4 * (active // 2)
            active = (active + 1) // 2
        return count

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(self.gate_count(n_qubits), self.name, n_qubits)
        active = list(range(n_qubits))
        gates: list[Gate] = []
        w = 0
        while len(active) > 1:
            pairs = [(active[i], active[i + 1]) for i in range(0, len(active) - 1, 2)]
            pairs += [(active[i], active[i + 1]) for i in range(1, len(active) - 1, 2)]
            for a, b in pairs:
                gates += [Gate("RY", (a,), weight(w)), Gate("RY", (b,), weight(w + 1)), Gate("CNOT", (a, b)),
                          Gate("RY", (a,), weight(w + 2)), Gate("RY", (b,), weight(w + 3))]
            w += 4
            kept = active[0::2]
            for i in range(1, len(active), 2):
                gates += controlled_ry(active[i], active[i - 1], w)
            w += 1
            active = kept
        gates.append(Gate("RY", (0,), weight(w)))
        return Circuit(n_qubits, tuple(gates), 0, w + 1, self.name)


# ----------------------------------------------------------------------- fixed model circuits
def _cz_pairs(n_qubits: int, odd: bool) -> list[tuple[int, int]]:
    """PennyLane's broadcast patterns ``double`` (0-1, 2-3, ...) and ``double_odd`` (1-2, 3-4, ...)."""
    return [(i, i + 1) for i in range(1 if odd else 0, n_qubits - 1, 2)]


def reuploading_circuit(n_qubits: int, layers: int, entangling: bool = True) -> Circuit:
    """Data re-uploading (Perez-Salinas et al. 2020, as Bowles et al. 2024): per layer Rot(x w) Rot(theta) per qubit, CZs.

    Data column ``l * 3n + j`` holds x_j * omega[l, j] (the core multiplies in the trainable input
    weights); weight ``(i * (L + 1) + l) * 3 + k`` is theta[i, l, k].  The last layer is
    Rot(x w + theta), written as same-axis rotations in a row (they add).  ``entangling=False``: the
    paper's separable ablation, every layer Rot(x w + theta) and no CZs.
    """
    # even layers: n // 2 CZs, odd layers: (n - 1) // 2
    cz = ((layers + 1) // 2) * (n_qubits // 2) + (layers // 2) * ((n_qubits - 1) // 2) if entangling else 0
    check_gates((layers + 1) * 6 * n_qubits + cz, "reuploading", n_qubits)
    gates: list[Gate] = []

    def theta(i: int, layer: int, k: int) -> Angle:
        return weight((i * (layers + 1) + layer) * 3 + k)

    def x(layer: int, i: int, k: int) -> Angle:
        return data(layer * 3 * n_qubits + 3 * i + k)

    def merged(layer: int) -> None:  # Rot(x w + theta): same-axis rotations in a row add
        for i in range(n_qubits):
            for k, axis in enumerate(("RZ", "RY", "RZ")):
                gates.extend([Gate(axis, (i,), x(layer, i, k)), Gate(axis, (i,), theta(i, layer, k))])

    for layer in range(layers):
        if not entangling:
            merged(layer)
            continue
        for i in range(n_qubits):
            gates += _rot(i, x(layer, i, 0), x(layer, i, 1), x(layer, i, 2))
            gates += _rot(i, theta(i, layer, 0), theta(i, layer, 1), theta(i, layer, 2))
        gates += [Gate("CZ", pair) for pair in _cz_pairs(n_qubits, odd=layer % 2 == 1)]
    merged(layers)
    return Circuit(n_qubits, tuple(gates), 3 * n_qubits * (layers + 1), 3 * n_qubits * (layers + 1), "reuploading")


def separable_circuit(n_qubits: int, layers: int) -> Circuit:
    """Separable variational circuit: per qubit, ``layers`` x (Rot(w), RY(x_i)), then Rot(w); no two-qubit gates."""
    check_gates(n_qubits * (4 * layers + 3), "separable", n_qubits)
    gates: list[Gate] = []
    per_qubit = 3 * (layers + 1)
    for i in range(n_qubits):
        base = i * per_qubit
        for layer in range(layers):
            gates += _rot(i, *(weight(base + 3 * layer + k) for k in range(3)))
            gates.append(Gate("RY", (i,), data(i)))
        gates += _rot(i, *(weight(base + 3 * layers + k) for k in range(3)))
    return Circuit(n_qubits, tuple(gates), n_qubits, n_qubits * per_qubit, "separable")


def _ring(n_qubits: int) -> list[tuple[int, int]]:
    """PennyLane's ``ring`` broadcast: (i, i+1 mod n); one CNOT for two qubits, none for one."""
    if n_qubits < 2:
        return []
    if n_qubits == 2:
        return [(0, 1)]
    return [(i, (i + 1) % n_qubits) for i in range(n_qubits)]


def dressed_circuit(n_qubits: int, layers: int, entangling: bool = True) -> Circuit:
    """The dressed quantum circuit's core (Mari et al. 2020): H, RY(x_i); then ``layers`` x (RY(w) per qubit, CNOT ring).

    ``entangling=False``: the paper's separable ablation, without the CNOT rings.
    """
    check_gates(2 * n_qubits + layers * (n_qubits + (len(_ring(n_qubits)) if entangling else 0)), "dressed", n_qubits)
    gates: list[Gate] = []
    for i in range(n_qubits):
        gates += [Gate("H", (i,)), Gate("RY", (i,), data(i))]
    for layer in range(layers):
        gates += [Gate("RY", (i,), weight(layer * n_qubits + i)) for i in range(n_qubits)]
        gates += [Gate("CNOT", pair) for pair in (_ring(n_qubits) if entangling else [])]
    return Circuit(n_qubits, tuple(gates), n_qubits, layers * n_qubits, "dressed")


__all__ = ["AmplitudeFeatureMap", "QCNNAnsatz", "RingEmbedding", "TreeTensorAnsatz", "amplitude_angles",
           "amplitude_circuit", "amplitude_qubits", "controlled_ry", "dressed_circuit", "is_power_of_two",
           "normalised", "pad_and_normalise", "reuploading_circuit", "separable_circuit"]
