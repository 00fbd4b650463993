"""Feature maps: data -> circuit.  Each map builds a Circuit whose data angles it computes from features."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from qbench.circuits.ir import Circuit, Gate, data
from qbench.errors import TemplateError

ENTANGLEMENTS = ("full", "linear", "circular")


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


class FeatureMap:
    """Base of feature maps: ``circuit(n)`` and ``angles(X)`` agree on the data columns."""

    kind = "feature_map"
    name = "feature_map"
    #: The interval features are scaled to before encoding.
    feature_range: tuple[float, float] = (0.0, float(np.pi))

    def circuit(self, n_qubits: int) -> Circuit:  # pragma: no cover - abstract
        raise NotImplementedError

    def angles(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_width(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2:
            raise TemplateError(f"{self.name}: expected a 2-D feature array, got shape {X.shape}")
        return X


@dataclass(frozen=True)
class ZZFeatureMap(FeatureMap):
    """Havlicek et al. (2019) second-order Pauli-Z map, gate for gate as Qiskit's ``ZZFeatureMap``.

    Each repetition: H on every qubit, P(2 x_i), then for each entangled pair
    CNOT(i, j) P(2 (pi - x_i)(pi - x_j)) on j, CNOT(i, j).
    """

    reps: int = 2
    entanglement: str = "full"
    #: False: the separable ablation, without the two-qubit ZZ blocks (Bowles et al. 2024).
    entangling: bool = True
    name = "zz"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"zz: entangling must be true or false, got {self.entangling!r}")
        if self.reps < 1:
            raise TemplateError(f"zz: reps must be >= 1, got {self.reps}")
        entangler_pairs(2, self.entanglement)

    def circuit(self, n_qubits: int) -> Circuit:
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
    """IQP embedding as PennyLane's ``IQPEmbedding``: H, RZ(x_i), then RZZ(x_i x_j) on every pair; ``repeats`` times."""

    repeats: int = 1
    #: False: the separable ablation, without the RZZ gates (Bowles et al. 2024).
    entangling: bool = True
    name = "iqp"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"iqp: entangling must be true or false, got {self.entangling!r}")
        if self.repeats < 1:
            raise TemplateError(f"iqp: repeats must be >= 1, got {self.repeats}")

    def circuit(self, n_qubits: int) -> Circuit:
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
    #: Only here to refuse the separable-ablation flag with a clear message: this map has no two-qubit gates.
    entangling: bool | None = field(default=None, repr=False)
    name = "angle"

    def __post_init__(self) -> None:
        if self.entangling is not None:
            raise TemplateError("angle: the feature map has no two-qubit gates, so it has no entangling/separable variant")
        if self.rotation not in ("X", "Y"):
            raise TemplateError(f"angle: rotation must be 'X' or 'Y', got {self.rotation!r}")

    def circuit(self, n_qubits: int) -> Circuit:
        gates = tuple(Gate("R" + self.rotation, (q,), data(q)) for q in range(n_qubits))
        return Circuit(n_qubits, gates, n_qubits, 0, self.name)

    def angles(self, X: np.ndarray) -> np.ndarray:
        return self._check_width(X).copy()
