"""Projected quantum kernels (Huang et al. 2021, Nat. Commun. 12, 2631, eq. (9) / Methods).

The features of x are the one-qubit reduced density matrices rho_k(x) of the feature map's state,
i.e. <X_k>, <Y_k>, <Z_k> on every qubit k, and

    k_PQ(x, x') = exp(-gamma * sum_k ||rho_k(x) - rho_k(x')||_F^2),

with ||rho - rho'||_F^2 = (1/2) sum_{P in X,Y,Z} (<P> - <P>')^2 for one-qubit states.  The
expectation values come from the backend's ``expval`` after a basis change (H for X; S^dagger
then H for Y), so every backend computes them in every mode it supports: exact, shots, noisy.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

from qbench.circuits.ir import Circuit, Gate, const
from qbench.circuits.observables import z_observable
from qbench.errors import QBenchError

KERNELS = ("fidelity", "projected")
#: What ``qbench templates`` prints for the kernels a ``kind = "kernel"`` model can use.
KERNEL_DESCRIPTIONS = {
    "fidelity": "|<phi(x)|phi(x')>|^2 of the feature map's states (the default)",
    "projected": "Huang et al. 2021 projected kernel exp(-gamma sum_k ||rho_k(x) - rho_k(x')||_F^2) (gamma > 0)",
}
BASES = ("X", "Y", "Z")


def check_gamma(gamma) -> float:
    """gamma as a positive float, or a one-line error."""
    try:
        value = float(gamma)
    except (TypeError, ValueError):
        raise QBenchError(f"projected kernel: gamma must be a positive number, got {gamma!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise QBenchError(f"projected kernel: gamma must be > 0, got {gamma!r}")
    return value


def measured_in(circuit: Circuit, basis: str) -> Circuit:
    """``circuit`` followed by the rotation that turns a Z measurement on every qubit into ``basis``."""
    n = circuit.n_qubits
    if basis == "Z":
        return circuit
    if basis == "X":
        extra = tuple(Gate("H", (q,)) for q in range(n))
    elif basis == "Y":  # H S^dagger maps Y to Z:  (H S^dagger)^dagger Z (H S^dagger) = S X S^dagger = Y
        extra = tuple(g for q in range(n) for g in (Gate("P", (q,), const(-np.pi / 2)), Gate("H", (q,))))
    else:
        raise QBenchError(f"unknown measurement basis {basis!r}; expected one of {', '.join(BASES)}")
    return Circuit(n, circuit.gates + extra, circuit.n_data, circuit.n_weights, f"{circuit.name}@{basis}")


def bloch_features(backend, circuit: Circuit, angles: np.ndarray) -> np.ndarray:
    """(n_samples, n_qubits, 3) array of <X_k>, <Y_k>, <Z_k>: the Bloch vectors of the one-qubit reduced states."""
    angles = np.asarray(angles, dtype=float)
    weights = np.zeros(circuit.n_weights)
    out = np.empty((len(angles), circuit.n_qubits, 3))
    for b, basis in enumerate(BASES):
        rotated = measured_in(circuit, basis)
        for q in range(circuit.n_qubits):
            out[:, q, b] = backend.expval(rotated, angles, weights, z_observable(circuit.n_qubits, q))
    return out


def projected_kernel_from_features(fa: np.ndarray, fb: np.ndarray | None, gamma: float) -> np.ndarray:
    """exp(-gamma sum_k ||rho_k - rho'_k||_F^2) from Bloch-vector features (each ||.||_F^2 is half the squared distance)."""
    gamma = check_gamma(gamma)
    a = np.asarray(fa, dtype=float).reshape(len(fa), -1)
    b = a if fb is None else np.asarray(fb, dtype=float).reshape(len(fb), -1)
    d2 = cdist(a, b, "sqeuclidean") * 0.5
    k = np.exp(-gamma * d2)
    if fb is None:
        k = (k + k.T) / 2.0
        np.fill_diagonal(k, 1.0)
    return k


def projected_kernel(backend, circuit: Circuit, angles_a: np.ndarray, angles_b: np.ndarray | None = None,
                     gamma: float = 1.0) -> np.ndarray:
    """Projected quantum kernel Gram matrix of a feature-map circuit on ``backend``."""
    gamma = check_gamma(gamma)
    fa = bloch_features(backend, circuit, angles_a)
    fb = None if angles_b is None else bloch_features(backend, circuit, angles_b)
    return projected_kernel_from_features(fa, fb, gamma)
