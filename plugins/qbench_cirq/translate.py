"""Translation of the qbench circuit IR into parameterized Cirq circuits, sweeps and observables.

Every rotation gate of a core :class:`~qbench.circuits.ir.Circuit` becomes one Cirq gate
whose *exponent* is its own sympy symbol (``t0, t1, ...`` in gate order), so a circuit is
translated once and cached, and a batch of samples is one parameter sweep.  Exponents are
``angle / pi`` and the gates are chosen to match the IR definitions exactly, global phase
included:

  RX/RY/RZ(theta) = XPowGate/YPowGate/ZPowGate(theta/pi, global_shift=-1/2) = exp(-i theta P/2)
  P(theta)        = ZPowGate(theta/pi)                                         = diag(1, e^{i theta})
  RZZ(theta)      = ZZPowGate(theta/pi, global_shift=-1/2)                     = exp(-i theta Z(x)Z/2)

Sweeps bind symbols straight to numbers (no sympy expression is evaluated per sample).
Qubit q of the IR is ``cirq.LineQubit(q)``; states use ``qubit_order=LineQubit.range(n)``,
so qubit 0 is the most significant bit, as the core requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cirq
import numpy as np
import sympy

from qbench.circuits.ir import Circuit, Gate, resolve_angles
from qbench.circuits.observables import Observable

#: Key of the measurement that closes every sampled circuit.
MEASURE_KEY = "m"

_FIXED = {"H": cirq.H, "X": cirq.X, "Y": cirq.Y, "Z": cirq.Z, "CNOT": cirq.CNOT, "CZ": cirq.CZ}


def _rotation(name: str, exponent) -> cirq.Gate:
    if name == "RX":
        return cirq.XPowGate(exponent=exponent, global_shift=-0.5)
    if name == "RY":
        return cirq.YPowGate(exponent=exponent, global_shift=-0.5)
    if name == "RZ":
        return cirq.ZPowGate(exponent=exponent, global_shift=-0.5)
    if name == "P":
        return cirq.ZPowGate(exponent=exponent)
    if name == "RZZ":
        return cirq.ZZPowGate(exponent=exponent, global_shift=-0.5)
    raise ValueError(f"no Cirq translation for gate {name!r}")


def _ops(gates: tuple[Gate, ...], qubits, symbols) -> list:
    """Cirq operations for ``gates``; the k-th rotation gate gets ``symbols[k]``."""
    ops, k = [], 0
    for g in gates:
        on = [qubits[w] for w in g.wires]
        if g.angle is None:
            ops.append(_FIXED[g.name].on(*on))
        else:
            ops.append(_rotation(g.name, symbols[k]).on(*on))
            k += 1
    return ops


@dataclass(frozen=True)
class Program:
    """A parameterized Cirq circuit for a core circuit, and the symbols a sweep binds."""

    circuit: cirq.Circuit
    qubits: tuple
    symbols: tuple  # of sympy.Symbol, one per column of the values a sweep binds


def _rotations(circuit: Circuit) -> int:
    return sum(g.angle is not None for g in circuit.gates)


@lru_cache(maxsize=128)
def state_program(circuit: Circuit) -> Program:
    """U(theta): one symbol per rotation gate."""
    qubits = tuple(cirq.LineQubit.range(circuit.n_qubits))
    symbols = tuple(sympy.Symbol(f"t{k}") for k in range(_rotations(circuit)))
    return Program(cirq.Circuit(_ops(circuit.gates, qubits, symbols)), qubits, symbols)


@lru_cache(maxsize=128)
def measured_program(circuit: Circuit) -> Program:
    """U(theta) followed by a measurement of every qubit (key ``m``, qubit 0 first)."""
    p = state_program(circuit)
    return Program(p.circuit + cirq.Circuit(cirq.measure(*p.qubits, key=MEASURE_KEY)), p.qubits, p.symbols)


@lru_cache(maxsize=128)
def noisy_program(circuit: Circuit, noise, measured: bool) -> Program:
    """U(theta) with the core noise model: ``cirq.depolarize`` after every gate, ``cirq.bit_flip`` before measuring.

    cirq.depolarize(p) applies each non-identity Pauli (string) with probability p/3 (p/15 on two
    qubits), the core's convention.  Without ``measured`` the bit flips still close the circuit, so
    the final density matrix's diagonal is the measured-outcome distribution.
    """
    qubits = tuple(cirq.LineQubit.range(circuit.n_qubits))
    symbols = tuple(sympy.Symbol(f"t{k}") for k in range(_rotations(circuit)))
    ops = []
    for g, op in zip(circuit.gates, _ops(circuit.gates, qubits, symbols)):
        ops.append(op)
        p = noise.after(len(g.wires))
        if p:
            ops.append(cirq.depolarize(p, n_qubits=len(g.wires)).on(*op.qubits))
    if noise.p_meas:
        ops.append(cirq.Moment(cirq.bit_flip(noise.p_meas).on_each(*qubits)))
    if measured:
        ops.append(cirq.measure(*qubits, key=MEASURE_KEY))
    return Program(cirq.Circuit(ops), qubits, symbols)


def exponents(circuit: Circuit, angles, weights) -> np.ndarray:
    """Per-sample exponents (angle / pi) of every rotation gate, shape (n_samples, n_rotations)."""
    return resolve_angles(circuit, angles, weights) / np.pi


def sweep(symbols, values: np.ndarray) -> cirq.Sweep:
    """One parameter resolver per row of ``values`` (columns in ``symbols`` order)."""
    values = np.asarray(values, dtype=float)
    if not symbols:
        return cirq.Points("_", [0.0] * len(values))
    return cirq.Zip(*(cirq.Points(s.name, values[:, k].tolist()) for k, s in enumerate(symbols)))


def pauli_sum(observable: Observable, qubits) -> cirq.PauliSum:
    """The observable's Z-strings as a ``cirq.PauliSum`` (an empty string is the identity)."""
    total = cirq.PauliSum()
    for coeff, wires in observable.terms:
        total += cirq.PauliString(float(coeff), [cirq.Z(qubits[w]) for w in wires])
    return total


__all__ = ["MEASURE_KEY", "Program", "state_program", "measured_program", "noisy_program", "exponents", "sweep",
           "pauli_sum"]
