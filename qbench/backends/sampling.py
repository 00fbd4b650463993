"""Seeded, vectorised shot sampling: the one sampler every backend without a native one uses."""

from __future__ import annotations

import numpy as np


def sample_counts(rng: np.random.Generator, probs: np.ndarray, shots: int) -> np.ndarray:
    """Outcome counts, shape (rows, outcomes): one ``Generator.multinomial`` call over every row."""
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, None)
    if probs.shape[0] == 0:
        return np.zeros(probs.shape, dtype=np.int64)
    probs = probs / probs.sum(axis=1, keepdims=True)
    return rng.multinomial(int(shots), probs)


def counts_from_bits(bits: np.ndarray, n_qubits: int) -> np.ndarray:
    """Counts per basis index from measured bits of shape (rows, shots, n_qubits), qubit 0 most significant."""
    bits = np.asarray(bits, dtype=np.int64)
    index = bits @ (1 << np.arange(n_qubits - 1, -1, -1))
    rows = index.shape[0]
    flat = index + (np.arange(rows) * 2**n_qubits)[:, None]
    return np.bincount(flat.ravel(), minlength=rows * 2**n_qubits).reshape(rows, 2**n_qubits)


__all__ = ["sample_counts", "counts_from_bits"]
