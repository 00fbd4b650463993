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


def outcome_bins(diagonal: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct eigenvalues, outcome order, segment starts) to sum probabilities per eigenvalue."""
    values, inverse = np.unique(np.asarray(diagonal, dtype=float), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(values)))
    return values, order, starts


def bin_probabilities(probs: np.ndarray, bins: tuple) -> np.ndarray:
    """Probabilities summed per distinct eigenvalue, shape (rows, eigenvalues)."""
    _, order, starts = bins
    return np.add.reduceat(probs[:, order], starts, axis=1)


def sample_expectations(rng: np.random.Generator, probs: np.ndarray, diagonal: np.ndarray, shots: int) -> np.ndarray:
    """Shot estimates of a diagonal observable per row: counts over its distinct eigenvalues, not over outcomes.

    Summing a multinomial's counts over the outcomes that share an eigenvalue gives a multinomial
    over the eigenvalues with the summed probabilities, so the estimate has exactly the distribution
    of sampling every outcome; for parity that is 2 categories instead of 2**n.
    """
    bins = outcome_bins(diagonal)
    return sample_binned(rng, bin_probabilities(np.asarray(probs, dtype=float), bins), bins[0], shots)


def sample_binned(rng: np.random.Generator, bin_probs: np.ndarray, values: np.ndarray, shots: int) -> np.ndarray:
    """Shot estimates from probabilities per eigenvalue (rows, eigenvalues): one multinomial call."""
    return sample_counts(rng, bin_probs, shots) @ np.asarray(values, dtype=float) / int(shots)


__all__ = ["sample_counts", "counts_from_bits", "outcome_bins", "bin_probabilities", "sample_expectations",
           "sample_binned"]
