"""Core :class:`~qbench.circuits.ir.Circuit` -> parameterized Qiskit ``QuantumCircuit``.

Qubit order: the core's qubit 0 is the most significant bit of a basis index,
Qiskit's qubit 0 the least significant.  Core qubit ``q`` is therefore placed on
Qiskit qubit ``n - 1 - q``; Qiskit's little-endian state vectors then come out in
the core's order with no reversal, and a measured bitstring (Qiskit prints
clbit ``n - 1`` first) reads core qubits 0, 1, ..., n-1 from left to right.

Two parameterizations, both built once per circuit and cached:

* :func:`gate_template` -- one ``Parameter`` per rotation gate, ``theta[k]`` for the
  k-th rotation, bound to :func:`qbench.circuits.ir.resolve_angles`.  Used by every
  path that binds numbers itself (Aer state vectors, samplers, parameter shift).
* :func:`split_template` -- ``x[i]`` data and ``w[k]`` weight parameters with the
  gates' affine angle expressions, the shape qiskit-machine-learning expects
  (``input_params`` / ``weight_params``, feature-map parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import SparsePauliOp

from qbench.circuits.ir import Circuit
from qbench.circuits.observables import Observable

_FIXED = {"H": "h", "X": "x", "Y": "y", "Z": "z", "CNOT": "cx", "CZ": "cz"}
_ROTATION = {"RX": "rx", "RY": "ry", "RZ": "rz", "P": "p", "RZZ": "rzz"}


def _qubits(gate_wires, n):
    return [n - 1 - w for w in gate_wires]


def _append(qc: QuantumCircuit, name: str, wires, angle=None, phase_free: bool = False) -> None:
    n = qc.num_qubits
    qs = _qubits(wires, n)
    if name in _FIXED:
        getattr(qc, _FIXED[name])(*qs)
    elif name == "P" and phase_free:
        qc.rz(angle, *qs)  # P(t) = exp(i t / 2) RZ(t): equal up to a global phase
    else:
        getattr(qc, _ROTATION[name])(angle, *qs)


def n_rotations(circuit: Circuit) -> int:
    return sum(g.angle is not None for g in circuit.gates)


@lru_cache(maxsize=128)
def gate_template(circuit: Circuit, inverse: bool = False, name: str = "theta", phase_free: bool = False) -> QuantumCircuit:
    """The circuit with one parameter per rotation gate (``name[k]``, k in gate order), no measurements.

    ``inverse=True`` gives the gates in reverse order with the same parameters, so binding the
    *negated* angles gives U(theta)^dagger.  (Binding numbers instead of building ``-theta[k]``
    expressions keeps gate angles plain parameters.)

    ``phase_free=True`` writes P(t) as RZ(t), dropping a global phase exp(i t / 2): harmless for
    anything measured, and it avoids a parametric global phase, which the transpiler tracks as a
    growing symbolic sum (Qiskit issue #16520): transpiling a 3-qubit ZZ reps-4 circuit to
    ``fake_torino`` takes over a minute with P gates and milliseconds with RZ.
    """
    theta = ParameterVector(name, n_rotations(circuit))
    qc = QuantumCircuit(circuit.n_qubits, name=circuit.name)
    params, k = [], 0
    for g in circuit.gates:
        params.append(theta[k] if g.angle is not None else None)
        k += g.angle is not None
    items = list(zip(circuit.gates, params))
    if inverse:
        items = items[::-1]
    for g, p in items:
        if p is None:
            _append(qc, g.name, g.wires)  # H, X, Y, Z, CNOT, CZ are self-inverse
        else:
            _append(qc, g.name, g.wires, p, phase_free)
    return qc


@dataclass(frozen=True)
class SplitTemplate:
    """A circuit over ``x`` (data) and ``w`` (weight) parameters, and which data columns it reads."""

    circuit: QuantumCircuit
    input_params: tuple
    weight_params: tuple
    data_columns: tuple[int, ...]


@lru_cache(maxsize=128)
def split_template(circuit: Circuit) -> SplitTemplate:
    """The circuit over data parameters ``x[i]`` and weights ``w[k]``; angles are ``scale * p + offset``.

    Data columns no gate reads are left out (qiskit-machine-learning requires every
    feature to be a circuit parameter); feed ``angles[:, data_columns]``.
    """
    used = sorted({g.angle.index for g in circuit.gates if g.angle is not None and g.angle.source == "data"})
    x = ParameterVector("x", len(used))
    col = {c: x[k] for k, c in enumerate(used)}
    w = ParameterVector("w", circuit.n_weights)
    qc = QuantumCircuit(circuit.n_qubits, name=circuit.name)
    for g in circuit.gates:
        a = g.angle
        if a is None:
            _append(qc, g.name, g.wires)
            continue
        if a.source == "const":
            value = a.offset
        else:
            p = col[a.index] if a.source == "data" else w[a.index]
            value = p if (a.scale == 1.0 and a.offset == 0.0) else a.scale * p + a.offset
        _append(qc, g.name, g.wires, value)
    return SplitTemplate(qc, tuple(x), tuple(w), tuple(used))


def pauli_op(observable: Observable, n_qubits: int) -> SparsePauliOp:
    """The observable as a ``SparsePauliOp`` on the translated (reversed) qubits."""
    terms = [("Z" * len(wires), _qubits(wires, n_qubits), float(c)) for c, wires in observable.terms]
    return SparsePauliOp.from_sparse_list(terms, num_qubits=n_qubits).simplify(atol=0)


def shifted_angles(circuit: Circuit, theta: np.ndarray) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """Parameter-shift inputs: rotation angles with gate g shifted by +-pi/2, for every weight-dependent gate.

    Returns ``(values, gates)``: values of shape (2 * len(gates), n_samples, n_rotations)
    (``+`` shift at 2k, ``-`` shift at 2k+1) and, per shifted gate, (weight index, scale).
    """
    rot = [g for g in circuit.gates if g.angle is not None]
    shifted = [(k, g.angle.index, g.angle.scale) for k, g in enumerate(rot) if g.angle.source == "weight"]
    values = np.repeat(theta[None], 2 * len(shifted), axis=0)
    for s, (k, _, _) in enumerate(shifted):
        values[2 * s, :, k] += np.pi / 2
        values[2 * s + 1, :, k] -= np.pi / 2
    return values, [(idx, scale) for _, idx, scale in shifted]


def shift_vjp(values_plus_minus: np.ndarray, gates, cotangent: np.ndarray, n_weights: int) -> np.ndarray:
    """Combine expectation values of shifted circuits, shape (2 * len(gates), n_samples), into the VJP."""
    grad = np.zeros(n_weights)
    for s, (idx, scale) in enumerate(gates):
        grad[idx] += scale * float(cotangent @ (values_plus_minus[2 * s] - values_plus_minus[2 * s + 1])) / 2.0
    return grad
