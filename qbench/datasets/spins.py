"""Spin data as qml-benchmarks generates them (``data/spin_blobs.py``, ``data/ising.py``), written for numpy.

* ``spin_blobs``: bitstrings near a few peak configurations ("blobs"): pick a peak (uniformly), flip
  Binomial(N, p) randomly chosen spins.  With N = 16 and 8 blobs the peaks are qml-benchmarks'
  ``generate_8blobs`` 4x4 patterns (p = 0.01); otherwise random peaks from the seed.  The label is the blob.
* ``ising``: configurations sampled from p(s) ~ exp(-H(s)/T), H(s) = -s.J.s/2 - b.s, by Metropolis-Hastings
  with single-spin-flip proposals (one sweep = N proposals, 1,000 warm-up sweeps, as qml-benchmarks).
  qml-benchmarks' Ising data are unlabelled (generative benchmarks) and draw from JAX's random numbers, so
  samples are not reproducible bit for bit offline; for classification qbench labels them by phase: half
  drawn at ``t_low`` (ordered, label 0), half at ``t_high`` (disordered, label 1), on a periodic square
  lattice with nearest-neighbour coupling 1 and no field.  Each sample is the end of its own chain.

Both return bits in {0, 1} (qml-benchmarks' (s + 1) / 2).
"""

from __future__ import annotations

import numpy as np

from qbench.errors import DataError

#: qml-benchmarks' ``generate_8blobs`` peaks (4x4, row-major, 1 = spin up).
EIGHT_BLOBS = np.array([
    [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
    [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
    [[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]],
    [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]],
    [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]],
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
    [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]],
    [[1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1]],
]).reshape(8, 16)


def spin_blobs(n_samples: int = 300, n_features: int = 16, seed: int = 0, n_blobs: int = 8, p: float = 0.01):
    """Bitstrings near ``n_blobs`` peak configurations, each spin flipped with probability ``p``; label = blob."""
    if not 0.0 <= p <= 1.0:
        raise DataError(f"spin_blobs: p must be in [0, 1], got {p}")
    if n_blobs < 2 or n_blobs > 2**n_features:
        raise DataError(f"spin_blobs: n_blobs must be between 2 and 2**n_features, got {n_blobs}")
    rng = np.random.default_rng(seed)
    if n_features == 16 and n_blobs == 8:
        peaks = EIGHT_BLOBS
    else:
        codes = rng.choice(2**min(n_features, 62), size=n_blobs, replace=False) if n_features <= 62 else None
        peaks = ((codes[:, None] >> np.arange(n_features)[None, :]) & 1) if codes is not None else \
            rng.integers(0, 2, size=(n_blobs, n_features))
    y = rng.integers(0, n_blobs, size=n_samples)
    # Binomial(N, p) spins flipped at random positions = each spin flipped independently with probability p
    flips = rng.random((n_samples, n_features)) < p
    return np.where(flips, 1 - peaks[y], peaks[y]).astype(float), y


def lattice_couplings(n_spins: int) -> np.ndarray:
    """J of a periodic L x L square lattice with nearest-neighbour coupling 1 (n_spins = L**2)."""
    side = int(round(np.sqrt(n_spins)))
    if side * side != n_spins or side < 2:
        raise DataError(f"ising: n_features must be a square >= 4 (an L x L lattice), got {n_spins}")
    J = np.zeros((n_spins, n_spins))
    for r in range(side):
        for c in range(side):
            i = r * side + c
            for j in (r * side + (c + 1) % side, ((r + 1) % side) * side + c):
                if i != j:
                    J[i, j] = J[j, i] = 1.0
    return J


def metropolis(J: np.ndarray, b: np.ndarray, T: float, n_chains: int, sweeps: int, rng) -> np.ndarray:
    """Spins (+-1) at the end of ``n_chains`` single-spin-flip Metropolis-Hastings chains of ``sweeps`` sweeps."""
    n = len(b)
    s = rng.choice([-1.0, 1.0], size=(n_chains, n))
    rows = np.arange(n_chains)
    for _ in range(sweeps * n):
        k = rng.integers(0, n, size=n_chains)
        delta = 2.0 * s[rows, k] * ((s * J[k]).sum(axis=1) + b[k])  # H(flipped) - H(s), J symmetric, J_kk = 0
        accept = rng.random(n_chains) < np.exp(np.minimum(0.0, -delta / T))
        s[rows[accept], k[accept]] *= -1.0
    return s


def ising(n_samples: int = 300, n_features: int = 16, seed: int = 0, t_low: float = 1.5, t_high: float = 4.0,
          warmup: int = 1000):
    """Ising configurations on an L x L lattice: half at t_low (label 0), half at t_high (label 1), as bits."""
    if not 0 < t_low < t_high:
        raise DataError(f"ising: need 0 < t_low < t_high, got {t_low}, {t_high}")
    rng = np.random.default_rng(seed)
    J, b = lattice_couplings(n_features), np.zeros(n_features)
    half = n_samples // 2
    s = np.vstack([metropolis(J, b, t_low, half, warmup, rng), metropolis(J, b, t_high, n_samples - half, warmup, rng)])
    y = np.repeat([0, 1], [half, n_samples - half])
    order = rng.permutation(n_samples)
    return (s[order] + 1.0) / 2.0, y[order]
