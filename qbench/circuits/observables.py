"""Observables: weighted sums of Pauli-Z strings, so every backend can measure them in the computational basis."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qbench.errors import TemplateError


@dataclass(frozen=True)
class Observable:
    """sum_k coeff_k * prod_{q in wires_k} Z_q."""

    terms: tuple[tuple[float, tuple[int, ...]], ...]
    name: str = "observable"
    kind = "observable"

    def check(self, n_qubits: int) -> None:
        for _, wires in self.terms:
            if any(w >= n_qubits or w < 0 for w in wires):
                raise TemplateError(f"observable {self.name} acts on wire {max(wires)} beyond {n_qubits} qubits")

    def diagonal(self, n_qubits: int) -> np.ndarray:
        """Eigenvalue of the observable on each basis state (qubit 0 most significant); read-only, cached per
        (terms, width), since a training loop asks for it every step."""
        return _diagonal(self, n_qubits)

    def on_bits(self, bits: np.ndarray) -> np.ndarray:
        """Observable evaluated on measured bitstrings, ``bits[..., q]`` being qubit q's outcome."""
        bits = np.asarray(bits).astype(np.int64)  # unsigned bit arrays would wrap in 1 - 2 * parity
        out = np.zeros(bits.shape[:-1])
        for coeff, wires in self.terms:
            parity = np.bitwise_xor.reduce(bits[..., list(wires)], axis=-1) if wires else 0
            out = out + coeff * (1 - 2 * parity)
        return out


@lru_cache(maxsize=256)
def _diagonal(observable: Observable, n_qubits: int) -> np.ndarray:
    observable.check(n_qubits)
    idx = np.arange(2**n_qubits)
    out = np.zeros(2**n_qubits)
    for coeff, wires in observable.terms:
        parity = np.zeros_like(idx)
        for w in wires:
            parity ^= (idx >> (n_qubits - 1 - w)) & 1
        out += coeff * (1 - 2 * parity)
    out.setflags(write=False)
    return out


def z_observable(n_qubits: int, wire: int = 0) -> Observable:
    """Z on one qubit."""
    return Observable(((1.0, (wire,)),), "z")


def parity_observable(n_qubits: int) -> Observable:
    """Z on every qubit: the parity of the measured bitstring."""
    return Observable(((1.0, tuple(range(n_qubits))),), "parity")


def mean_z_observable(n_qubits: int) -> Observable:
    """The mean of Z over all qubits."""
    return Observable(tuple((1.0 / n_qubits, (q,)) for q in range(n_qubits)), "mean_z")
