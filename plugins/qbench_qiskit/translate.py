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


@lru_cache(maxsize=128)
def noisy_template(circuit: Circuit, noise, measured: bool) -> QuantumCircuit:
    """The core noise model in the circuit: a depolarizing error after every gate, bit flips before measuring.

    Qiskit's ``depolarizing_error(lam, k)`` is rho -> (1 - lam) rho + lam I / 2^k; the core's strength p
    (probability of a non-identity Pauli) is lam = p 4^k / (4^k - 1).  Without ``measured`` the
    circuit ends in ``save_probabilities`` (exact, density-matrix method); P is written as RZ
    (a global phase: nothing measured changes).
    """
    import qiskit_aer  # noqa: F401  (adds save_probabilities to QuantumCircuit)
    from qiskit_aer.noise import depolarizing_error, pauli_error

    theta = ParameterVector("theta", n_rotations(circuit))
    n = circuit.n_qubits
    qc = QuantumCircuit(n, name=f"{circuit.name}-noisy")
    k = 0
    for g in circuit.gates:
        if g.angle is None:
            _append(qc, g.name, g.wires)
        else:
            _append(qc, g.name, g.wires, theta[k], phase_free=True)
            k += 1
        p = noise.after(len(g.wires))
        if p:
            full = 4 ** len(g.wires)
            qc.append(depolarizing_error(p * full / (full - 1), len(g.wires)).to_instruction(), _qubits(g.wires, n))
    if noise.p_meas:
        flip = pauli_error([("X", noise.p_meas), ("I", 1.0 - noise.p_meas)]).to_instruction()
        for q in range(n):
            qc.append(flip, [q])
    if measured:
        qc.measure_all()
    else:
        qc.save_probabilities(list(range(n)))
    return qc
