"""Circuits the core derives from a circuit, once, for every backend.

* :func:`lift`: the same gates with rotation k reading data column k (scale 1, no offset),
  so a backend evaluates *resolved* angle rows (``resolve_angles``) directly: parameter
  shift evaluates shifted rows of one circuit instead of rebuilding circuits.
* :func:`overlap_circuit`: compute-uncompute U(b)^dagger U(a) on rows ``[resolved(a), resolved(b)]``;
  the probability of the all-zero outcome is |<phi(b)|phi(a)>|^2 without noise.

Both are cached per circuit, so a plugin's translation cache sees one circuit each.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Angle, Circuit, Gate, resolve_angles


def rotations(circuit: Circuit) -> int:
    """How many gates of ``circuit`` carry an angle (the columns of ``resolve_angles``)."""
    return sum(g.angle is not None for g in circuit.gates)


@lru_cache(maxsize=256)
def lift(circuit: Circuit) -> Circuit:
    """``circuit`` with its k-th rotation reading data column k: evaluated on resolved angle rows."""
    gates, k = [], 0
    for g in circuit.gates:
        if g.angle is None:
            gates.append(g)
        else:
            gates.append(Gate(g.name, g.wires, Angle("data", k)))
            k += 1
    return Circuit(circuit.n_qubits, tuple(gates), k, 0, f"{circuit.name}#lifted")


@lru_cache(maxsize=256)
def overlap_circuit(circuit: Circuit) -> Circuit:
    """U(b)^dagger U(a) on data rows ``[resolved(a), resolved(b)]`` (2 * rotations columns)."""
    up = lift(circuit)
    return Circuit(up.n_qubits, up.then(up.inverse()).gates, 2 * up.n_data, 0, f"{circuit.name}#overlap")


def overlap_rows(circuit: Circuit, a: np.ndarray, b: np.ndarray | None) -> tuple[np.ndarray, tuple]:
    """Rows of :func:`overlap_circuit` for the Gram matrix entries to evaluate, and their (i, j) positions.

    Diagonal policy (docs/plugins.md): for a symmetric Gram matrix the pairs i <= j are
    evaluated, the diagonal included, and mirrored; nothing is set to 1.
    """
    ra = resolve_angles(circuit, a, None)
    rb = ra if b is None else resolve_angles(circuit, b, None)
    if b is None:
        i, j = np.triu_indices(len(ra))
    else:
        i, j = (x.ravel() for x in np.indices((len(ra), len(rb))))
    return np.hstack([ra[i], rb[j]]), (i, j)


def assemble_gram(values: np.ndarray, where: tuple, shape: tuple[int, int], symmetric: bool) -> np.ndarray:
    """The Gram matrix from the evaluated entries of :func:`overlap_rows` (mirrored when symmetric)."""
    i, j = where
    k = np.zeros(shape)
    k[i, j] = values
    if symmetric:
        k[j, i] = values
    return k


__all__ = ["rotations", "lift", "overlap_circuit", "overlap_rows", "assemble_gram"]
