"""Framework-neutral circuit description that every backend plugin translates.

Qubit-ordering convention: qubit 0 is the *most significant* bit of a basis-state
index, so the amplitude of |b_0 b_1 ... b_{n-1}> sits at index
sum_q b_q * 2**(n-1-q).  This is PennyLane's and Cirq's order; Qiskit's is the
reverse, and its plugin reverses qubits when it returns states.

Gate definitions (theta is the gate's angle):
  H, X, Y, Z                 the usual Pauli and Hadamard matrices
  RX/RY/RZ(theta)            exp(-i theta P / 2)
  P(theta)                   diag(1, exp(i theta))
  CNOT(control, target), CZ  the usual two-qubit gates
  RZZ(theta)                 exp(-i theta Z(x)Z / 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Gates with no angle, and how many wires each takes.
FIXED_GATES = {"H": 1, "X": 1, "Y": 1, "Z": 1, "CNOT": 2, "CZ": 2}
#: Gates with one angle, and how many wires each takes.
ROTATION_GATES = {"RX": 1, "RY": 1, "RZ": 1, "P": 1, "RZZ": 2}
GATE_SET = {**FIXED_GATES, **ROTATION_GATES}
#: Gates that are diagonal in the computational basis.
DIAGONAL_GATES = frozenset({"Z", "CZ", "RZ", "P", "RZZ"})


@dataclass(frozen=True)
class Angle:
    """A gate angle: ``scale * source[index] + offset``.

    ``source`` is ``"data"`` (a column of the per-sample angle matrix that the core
    computes from the features), ``"weight"`` (an entry of the trainable weight
    vector) or ``"const"`` (just ``offset``).
    """

    source: str
    index: int = 0
    scale: float = 1.0
    offset: float = 0.0

    def __post_init__(self) -> None:
        if self.source not in ("data", "weight", "const"):
            raise ValueError(f"unknown angle source {self.source!r}")


def data(index: int, scale: float = 1.0) -> Angle:
    return Angle("data", index, scale)


def weight(index: int, scale: float = 1.0) -> Angle:
    return Angle("weight", index, scale)


def const(value: float) -> Angle:
    return Angle("const", 0, 0.0, float(value))


@dataclass(frozen=True)
class Gate:
    name: str
    wires: tuple[int, ...]
    angle: Angle | None = None

    def __post_init__(self) -> None:
        if self.name not in GATE_SET:
            raise ValueError(f"unknown gate {self.name!r}; the gate set is {sorted(GATE_SET)}")
        if len(self.wires) != GATE_SET[self.name]:
            raise ValueError(f"gate {self.name} takes {GATE_SET[self.name]} wires, got {self.wires}")
        if len(set(self.wires)) != len(self.wires):
            raise ValueError(f"gate {self.name} repeats a wire: {self.wires}")
        if (self.name in ROTATION_GATES) != (self.angle is not None):
            raise ValueError(f"gate {self.name} {'needs' if self.name in ROTATION_GATES else 'takes no'} angle")


@dataclass(frozen=True)
class Circuit:
    """An ordered gate list on ``n_qubits`` wires, with ``n_data`` data angles and ``n_weights`` weights."""

    n_qubits: int
    gates: tuple[Gate, ...] = ()
    n_data: int = 0
    n_weights: int = 0
    name: str = field(default="circuit", compare=False)

    def __post_init__(self) -> None:
        for g in self.gates:
            if any(w < 0 or w >= self.n_qubits for w in g.wires):
                raise ValueError(f"gate {g} acts outside {self.n_qubits} qubits")
            if g.angle is not None:
                limit = {"data": self.n_data, "weight": self.n_weights, "const": 1}[g.angle.source]
                if g.angle.source != "const" and g.angle.index >= limit:
                    raise ValueError(f"gate {g} refers to {g.angle.source}[{g.angle.index}] beyond {limit}")

    def then(self, other: "Circuit", share_data: bool = False) -> "Circuit":
        """This circuit followed by ``other``.

        ``other``'s weight indices are shifted after ours; its data indices too, unless
        ``share_data`` (data re-uploading: both read the same data angles).
        """
        n = max(self.n_qubits, other.n_qubits)
        shifted = []
        for g in other.gates:
            a = g.angle
            if a is not None and a.source == "data" and not share_data:
                a = Angle("data", a.index + self.n_data, a.scale, a.offset)
            elif a is not None and a.source == "weight":
                a = Angle("weight", a.index + self.n_weights, a.scale, a.offset)
            shifted.append(Gate(g.name, g.wires, a))
        n_data = max(self.n_data, other.n_data) if share_data else self.n_data + other.n_data
        return Circuit(n, self.gates + tuple(shifted), n_data,
                       self.n_weights + other.n_weights, f"{self.name}+{other.name}")

    def inverse(self) -> "Circuit":
        """The adjoint circuit (used for compute-uncompute kernels)."""
        inv = []
        for g in reversed(self.gates):
            a = g.angle
            if a is not None:
                a = Angle(a.source, a.index, -a.scale, -a.offset)
            inv.append(Gate(g.name, g.wires, a))
        return Circuit(self.n_qubits, tuple(inv), self.n_data, self.n_weights, f"{self.name}^dagger")

    @property
    def depth(self) -> int:
        level = [0] * self.n_qubits
        for g in self.gates:
            d = max(level[w] for w in g.wires) + 1
            for w in g.wires:
                level[w] = d
        return max(level, default=0)

    @property
    def two_qubit_gates(self) -> int:
        return sum(len(g.wires) == 2 for g in self.gates)

    def count_ops(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for g in self.gates:
            counts[g.name] = counts.get(g.name, 0) + 1
        return counts


def resolve_angles(circuit: Circuit, angles, weights):
    """Numeric angle of every rotation gate, per sample: an array of shape (n_samples, n_rotations).

    ``angles`` is the (n_samples, n_data) data-angle matrix, ``weights`` the weight vector.
    Plugins that bind numbers gate by gate use this instead of re-implementing the angle rule.
    """
    import numpy as np

    angles = np.asarray(angles, dtype=float)
    weights = np.zeros(0) if weights is None else np.asarray(weights, dtype=float)
    cols = []
    for g in circuit.gates:
        a = g.angle
        if a is None:
            continue
        if a.source == "data":
            cols.append(a.scale * angles[:, a.index] + a.offset)
        elif a.source == "weight":
            cols.append(np.full(angles.shape[0], a.scale * weights[a.index] + a.offset))
        else:
            cols.append(np.full(angles.shape[0], a.offset))
    return np.stack(cols, axis=1) if cols else np.zeros((angles.shape[0], 0))
