"""Trainable ansaetze: circuits whose angles index into a weight vector."""

from __future__ import annotations

from dataclasses import dataclass

from qbench.circuits.bounds import check_gates, repetitions
from qbench.circuits.ir import Circuit, Gate, weight
from qbench.errors import TemplateError


class Ansatz:
    kind = "ansatz"
    name = "ansatz"

    def circuit(self, n_qubits: int) -> Circuit:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class HardwareEfficientAnsatz(Ansatz):
    """``layers`` x (RY on every qubit, then a CNOT or CZ ladder), then a final RY layer."""

    layers: int = 2
    entangler: str = "cnot"
    #: False: the separable ablation, without the entangler ladder (Bowles et al. 2024).
    entangling: bool = True
    name = "hardware_efficient"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"hardware_efficient: entangling must be true or false, got {self.entangling!r}")
        object.__setattr__(self, "layers", repetitions(self.layers, "hardware_efficient", "layers", minimum=0))
        if self.entangler not in ("cnot", "cz"):
            raise TemplateError(f"hardware_efficient: entangler must be 'cnot' or 'cz', got {self.entangler!r}")

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates((self.layers + 1) * n_qubits + self.layers * (n_qubits - 1) * self.entangling,
                    "hardware_efficient", n_qubits)
        gates: list[Gate] = []
        w = 0
        for _ in range(self.layers):
            for q in range(n_qubits):
                gates.append(Gate("RY", (q,), weight(w)))
                w += 1
            if self.entangling:
                gates += [Gate(self.entangler.upper(), (q, q + 1)) for q in range(n_qubits - 1)]
        for q in range(n_qubits):
            gates.append(Gate("RY", (q,), weight(w)))
            w += 1
        return Circuit(n_qubits, tuple(gates), 0, w, self.name)


@dataclass(frozen=True)
class StronglyEntanglingAnsatz(Ansatz):
    """PennyLane's ``StronglyEntanglingLayers``: Rot = RZ RY RZ on each qubit, then CNOT(i, i+r) with range r = l mod (n-1) + 1.

    ``imprimitive="cz"`` entangles with CZ instead (PennyLane's ``imprimitive=qml.CZ``, as Bowles et
    al. 2024's vanilla QNN and IQP variational classifier do).
    """

    layers: int = 2
    #: False: the separable ablation, without the CNOTs (Bowles et al. 2024).
    entangling: bool = True
    imprimitive: str = "cnot"
    name = "strongly_entangling"

    def __post_init__(self) -> None:
        if not isinstance(self.entangling, bool):
            raise TemplateError(f"strongly_entangling: entangling must be true or false, got {self.entangling!r}")
        object.__setattr__(self, "layers", repetitions(self.layers, "strongly_entangling", "layers"))
        if self.imprimitive not in ("cnot", "cz"):
            raise TemplateError(f"strongly_entangling: imprimitive must be 'cnot' or 'cz', got {self.imprimitive!r}")

    def circuit(self, n_qubits: int) -> Circuit:
        check_gates(self.layers * 4 * n_qubits, "strongly_entangling", n_qubits)
        gates: list[Gate] = []
        w = 0
        for layer in range(self.layers):
            for q in range(n_qubits):
                gates += [Gate("RZ", (q,), weight(w)), Gate("RY", (q,), weight(w + 1)), Gate("RZ", (q,), weight(w + 2))]
                w += 3
            if n_qubits > 1 and self.entangling:
                r = layer % (n_qubits - 1) + 1
                gates += [Gate(self.imprimitive.upper(), (q, (q + r) % n_qubits)) for q in range(n_qubits)]
        return Circuit(n_qubits, tuple(gates), 0, w, self.name)
