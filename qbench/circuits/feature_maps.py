"""Feature maps: data -> circuit.  Each map builds a Circuit whose data angles it computes from features.

Every map has two scaling hyperparameters: ``feature_range``, the interval min-max scaling
maps each feature to before encoding, and ``bandwidth``, a factor applied to the scaled
features (Shaydulin & Wild 2022; Canatar et al. 2022: it sets the kernel's concentration).
The defaults follow the literature of each template (docs/runner.md, "Input scaling").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from qbench.circuits.bounds import check_gates, repetitions
from qbench.circuits.ir import Circuit, Gate, data
from qbench.errors import TemplateError

ENTANGLEMENTS = ("full", "linear", "circular")
#: Bowles, Ahmed & Schuld 2024 (qml-benchmarks' IQPKernelClassifier): MinMaxScaler to [-pi/2, pi/2].
IQP_RANGE = (-float(np.pi) / 2, float(np.pi) / 2)
#: Havlicek et al. 2019 define the ZZ map on x in (0, 2 pi]^n, where their ad hoc data already lies (it is
#: registered in angle units and not rescaled).  Other data go to (0, pi): min-max scaling to the full
#: (0, 2 pi) makes the kernel too rough for generic data (moons: 0.48 test accuracy against 0.73; docs/runner.md).
ZZ_RANGE = (0.0, float(np.pi))
#: Angle encoding: RY(x) for x in [0, pi] runs once from |0> to |1> (qbench's choice; no template literature).
ANGLE_RANGE = (0.0, float(np.pi))


def entangler_pairs(n_qubits: int, entanglement: str) -> list[tuple[int, int]]:
    """Qubit pairs of an entangling pattern, as Qiskit's ``ZZFeatureMap`` defines them."""
    if entanglement == "full":
        return list(combinations(range(n_qubits), 2))
    linear = [(i, i + 1) for i in range(n_qubits - 1)]
    if entanglement == "linear":
        return linear
    if entanglement == "circular":
        return ([(n_qubits - 1, 0)] if n_qubits > 2 else []) + linear
    raise TemplateError(f"unknown entanglement {entanglement!r}; expected one of {', '.join(ENTANGLEMENTS)}")


def pair_count(n_qubits: int, entanglement: str) -> int:
    """``len(entangler_pairs(n_qubits, entanglement))`` without listing them (to bound a circuit before building it)."""
    if entanglement == "full":
        return n_qubits * (n_qubits - 1) // 2
    return max(n_qubits - 1, 0) + (entanglement == "circular" and n_qubits > 2)


class FeatureMap:
    """Base of feature maps: ``circuit(n)`` and ``angles(X)`` agree on the data columns."""

    kind = "feature_map"
    name = "feature_map"
    #: The interval features are min-max scaled to before encoding (a template overrides it as a parameter).
    feature_range: tuple[float, float] = ANGLE_RANGE
    #: Factor applied to the scaled features before the angles are computed.
    bandwidth: float = 1.0

    def circuit(self, n_qubits: int) -> Circuit:  # pragma: no cover - abstract
        raise NotImplementedError

    def angles(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_width(self, X: np.ndarray) -> np.ndarray:
        """X as a 2-D float array, multiplied by the bandwidth."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2:
            raise TemplateError(f"{self.name}: expected a 2-D feature array, got shape {X.shape}")
        return X * self.bandwidth if self.bandwidth != 1.0 else X

    def _check_scaling(self) -> None:
        """Validate ``feature_range`` and ``bandwidth`` (and store the range as a tuple of floats)."""
        object.__setattr__(self, "feature_range", check_feature_range(self.feature_range, self.name))
        object.__setattr__(self, "bandwidth", check_bandwidth(self.bandwidth, self.name))


def check_feature_range(value, who: str = "feature map") -> tuple[float, float]:
    """``(low, high)`` with low < high, both finite; one-line error otherwise."""
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TemplateError(f"{who}: feature_range must be a pair [low, high] of numbers, got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
        raise TemplateError(f"{who}: feature_range must be an interval [low, high] with low < high, got {value!r}")
    return (low, high)


def check_bandwidth(value, who: str = "feature map") -> float:
    """A finite number > 0; one-line error otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise TemplateError(f"{who}: bandwidth must be a number > 0, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class ZZFeatureMap(FeatureMap):
    """Havlicek et al. (2019) second-order Pauli-Z map, gate for gate as Qiskit's ``ZZFeatureMap``.

    Each repetition: H on every qubit, P(2 x_i), then for each entangled pair
    CNOT(i, j) P(2 (pi - x_i)(pi - x_j)) on j, CNOT(i, j).  Data already in angle units (the
    paper's ad hoc data, on [0, 2 pi]) is not rescaled; other data are scaled to (0, pi).
    """

    reps: int = 2
    entanglement: str = "full"
    feature_range: tuple[float, float] = ZZ_RANGE
    bandwidth: float = 1.0
    #: False: the separable ablation, without the two-qubit ZZ blocks (Bowles et al. 2024).
    entangling: bool = True
    name = "zz"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"zz: entangling must be true or false, got {self.entangling!r}")
        object.__setattr__(self, "reps", repetitions(self.reps, "zz", "reps"))
        entangler_pairs(2, self.entanglement)
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(self.reps * (2 * n_qubits + 3 * pair_count(n_qubits, self.entanglement) * self.entangling), "zz",
                    n_qubits)
        pairs = entangler_pairs(n_qubits, self.entanglement) if self.entangling else []
        gates: list[Gate] = []
        for _ in range(self.reps):
            gates += [Gate("H", (q,)) for q in range(n_qubits)]
            gates += [Gate("P", (q,), data(q)) for q in range(n_qubits)]
            for k, (i, j) in enumerate(pairs):
                gates += [Gate("CNOT", (i, j)), Gate("P", (j,), data(n_qubits + k)), Gate("CNOT", (i, j))]
        return Circuit(n_qubits, tuple(gates), n_qubits + len(pairs), 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        X = self._check_width(X)
        pairs = entangler_pairs(X.shape[1], self.entanglement) if self.entangling else []
        cols = [2.0 * X] + [2.0 * ((np.pi - X[:, [i]]) * (np.pi - X[:, [j]])) for i, j in pairs]
        return np.hstack(cols)


@dataclass(frozen=True)
class IQPFeatureMap(FeatureMap):
    """IQP embedding as PennyLane's ``IQPEmbedding``: H, RZ(x_i), then RZZ(x_i x_j) on every pair; ``repeats`` times.

    Features are scaled to [-pi/2, pi/2] as in Bowles et al. 2024 (qml-benchmarks' IQPKernelClassifier).
    """

    repeats: int = 1
    feature_range: tuple[float, float] = IQP_RANGE
    bandwidth: float = 1.0
    #: False: the separable ablation, without the RZZ gates (Bowles et al. 2024).
    entangling: bool = True
    name = "iqp"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"iqp: entangling must be true or false, got {self.entangling!r}")
        object.__setattr__(self, "repeats", repetitions(self.repeats, "iqp", "repeats"))
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(self.repeats * (2 * n_qubits + n_qubits * (n_qubits - 1) // 2 * self.entangling), "iqp", n_qubits)
        pairs = list(combinations(range(n_qubits), 2)) if self.entangling else []
        gates: list[Gate] = []
        for _ in range(self.repeats):
            gates += [Gate("H", (q,)) for q in range(n_qubits)]
            gates += [Gate("RZ", (q,), data(q)) for q in range(n_qubits)]
            gates += [Gate("RZZ", (i, j), data(n_qubits + k)) for k, (i, j) in enumerate(pairs)]
        return Circuit(n_qubits, tuple(gates), n_qubits + len(pairs), 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        X = self._check_width(X)
        pairs = list(combinations(range(X.shape[1]), 2)) if self.entangling else []
        return np.hstack([X] + [X[:, [i]] * X[:, [j]] for i, j in pairs])


@dataclass(frozen=True)
class AngleFeatureMap(FeatureMap):
    """Angle encoding: one RX (or RY) rotation by x_i on qubit i."""

    rotation: str = "Y"
    feature_range: tuple[float, float] = ANGLE_RANGE
    bandwidth: float = 1.0
    #: Only here to refuse the separable-ablation flag with a clear message: this map has no two-qubit gates.
    entangling: bool | None = field(default=None, repr=False)
    name = "angle"

    def __post_init__(self) -> None:
        if self.entangling is not None:
            raise TemplateError("angle: the feature map has no two-qubit gates, so it has no entangling/separable variant")
        if self.rotation not in ("X", "Y"):
            raise TemplateError(f"angle: rotation must be 'X' or 'Y', got {self.rotation!r}")
        self._check_scaling()

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(n_qubits, "angle", n_qubits)
        gates = tuple(Gate("R" + self.rotation, (q,), data(q)) for q in range(n_qubits))
        return Circuit(n_qubits, gates, n_qubits, 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        return self._check_width(X).copy()
