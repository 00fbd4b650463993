"""Diagonal observables as weighted sums of Z strings: basis-state projectors and arbitrary diagonals."""

from __future__ import annotations

import math

import numpy as np

from qbench.circuits.observables import Observable


def projector(n_qubits: int, index: int) -> Observable:
    """|b><b| for the basis state ``index`` (qubit 0 most significant) as a sum of Z strings."""
    bits = [(index >> (n_qubits - 1 - q)) & 1 for q in range(n_qubits)]
    terms = []
    for subset in range(2**n_qubits):
        wires = tuple(q for q in range(n_qubits) if (subset >> q) & 1)
        sign = (-1) ** sum(bits[q] for q in wires)
        terms.append((sign / 2**n_qubits, wires))
    return Observable(tuple(terms), f"projector_{index}")


def diagonal_observable(diagonal: np.ndarray, name: str) -> Observable:
    """A diagonal operator as a weighted sum of Z strings (Walsh-Hadamard transform; qubit 0 most significant)."""
    dim = len(diagonal)
    n = int(round(math.log2(dim)))
    idx = np.arange(dim)
    terms = []
    for mask in range(dim):
        sign = np.array([(-1) ** bin(i & mask).count("1") for i in idx])
        coeff = float(diagonal @ sign) / dim
        if abs(coeff) > 1e-12:
            terms.append((coeff, tuple(q for q in range(n) if (mask >> (n - 1 - q)) & 1)))
    return Observable(tuple(terms), name)
