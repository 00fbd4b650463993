"""Readout-error mitigation, framework-neutral: tensored calibration measured through the backend's own sampler.

``mitigation = "readout"`` (a backend option; a suite's ``mitigation`` key sets it on every sampled job):

* **Calibration.** Two circuits per width, all qubits in |0> and all in |1> (an X on every wire), run
  through the backend's own outcome path (its native sampler on hardware or a simulator, the exact
  channel without shots).  Qubit q's confusion matrix A_q[measured, prepared] comes from the marginals:
  e0 = P(q reads 1 | prepared 0), e1 = P(q reads 0 | prepared 1).  Tensored: readout errors are taken
  as independent per qubit (one calibration per width, cached for the backend's lifetime).
* **Correction.** Measured frequencies f become (A_0^-1 x ... x A_{n-1}^-1) f, applied one qubit axis
  at a time (O(n 2^n) per row), before any expectation value or kernel entry is formed.  The result is a
  quasi-probability vector (entries may be slightly negative); expectation values stay unbiased.

The X gates of the |1> calibration carry the gate noise of ``p1`` too, so with one-qubit gate noise the
calibration also absorbs (a little of) it; the kit checks mitigation with ``p1 = 0``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qbench.circuits.ir import Circuit, Gate
from qbench.errors import CapabilityError, QBenchError

MITIGATIONS = ("readout",)


def check_mitigation(backend: str, mode: str, value) -> str | None:
    """The mitigation option, validated: None or one of :data:`MITIGATIONS`, and only in a sampled mode."""
    if value is None:
        return None
    if value not in MITIGATIONS:
        raise QBenchError(f"backend {backend!r}: mitigation must be one of {', '.join(map(repr, MITIGATIONS))}, "
                          f"got {value!r}")
    if mode == "exact":
        raise CapabilityError(f"backend {backend!r}: mitigation {value!r} applies to measured outcomes; "
                              f"exact mode has no readout")
    return value


@lru_cache(maxsize=32)
def calibration_circuits(n_qubits: int) -> tuple[Circuit, Circuit]:
    """All qubits prepared in |0>, and all in |1>."""
    zeros = Circuit(n_qubits, (), 0, 0, f"calibration0[{n_qubits}]")
    ones = Circuit(n_qubits, tuple(Gate("X", (q,)) for q in range(n_qubits)), 0, 0, f"calibration1[{n_qubits}]")
    return zeros, ones


def _bits(n: int) -> np.ndarray:
    idx = np.arange(2**n)
    return (idx[None, :] >> (n - 1 - np.arange(n))[:, None]) & 1  # (n, 2**n), qubit 0 most significant


def confusion_matrices(zeros: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """Per-qubit A_q[measured, prepared], shape (n, 2, 2), from the outcome frequencies of the two calibrations."""
    zeros, ones = np.asarray(zeros, dtype=float).reshape(-1), np.asarray(ones, dtype=float).reshape(-1)
    n = int(np.log2(zeros.size))
    bits = _bits(n)
    e0 = bits @ zeros            # P(q reads 1 | all prepared 0)
    e1 = (1 - bits) @ ones       # P(q reads 0 | all prepared 1)
    out = np.empty((n, 2, 2))
    out[:, 0, 0], out[:, 1, 0] = 1 - e0, e0
    out[:, 0, 1], out[:, 1, 1] = e1, 1 - e1
    return out


def correct(frequencies: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """(A_0^-1 x ... x A_{n-1}^-1) applied to every row of outcome frequencies, shape (rows, 2**n)."""
    n = matrices.shape[0]
    det = matrices[:, 0, 0] * matrices[:, 1, 1] - matrices[:, 0, 1] * matrices[:, 1, 0]
    if np.any(np.abs(det) < 1e-9):
        raise QBenchError("readout calibration is singular (a qubit reads the same whatever was prepared)")
    inverse = np.linalg.inv(matrices)
    freqs = np.asarray(frequencies, dtype=float)
    rows = freqs.shape[0]
    v = freqs.reshape((rows,) + (2,) * n)
    for q in range(n):
        v = np.moveaxis(np.tensordot(inverse[q], v, axes=([1], [q + 1])), 0, q + 1)
    return np.ascontiguousarray(v).reshape(rows, 2**n)


__all__ = ["MITIGATIONS", "check_mitigation", "calibration_circuits", "confusion_matrices", "correct"]
