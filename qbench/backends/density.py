"""Batched density-matrix simulation of a circuit under a :class:`~qbench.backends.noise.NoiseModel`.

The oracle of ``noisy`` mode: every sample's density matrix (shape (n, 2**q, 2**q)) evolves
at once, a depolarizing channel after every gate and readout bit flips on the outcome
probabilities.  Unitaries reuse the state-vector gate kernels on rows and columns
(rho -> U rho U^dagger); the depolarizing channel is written with partial traces:
D_p(rho) = (1 - 4p/3) rho + 4p/3 (I/2 (x) Tr_q rho) on one qubit and
(1 - 16p/15) rho + 16p/15 (I/4 (x) Tr_ab rho) on two.  Practical to about 10 qubits.
"""

from __future__ import annotations

import numpy as np

from qbench.backends.noise import NoiseModel
from qbench.backends.statevector import apply_gate
from qbench.circuits.ir import Circuit, Gate

#: Density matrices are simulated in chunks of at most this many complex entries.
CHUNK_ENTRIES = 2**23


def _unitary(rho: np.ndarray, n: int, gate: Gate, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """U rho U^dagger for every sample."""
    batch, dim = rho.shape[0], rho.shape[1]
    rows = np.repeat(angles, dim, axis=0) if gate.angle is not None and gate.angle.source == "data" else angles[:1]
    if rows.shape[0] == 1:
        rows = np.broadcast_to(rows, (batch * dim, rows.shape[1])) if rows.shape[1] else np.zeros((batch * dim, 0))
    left = apply_gate(rho.transpose(0, 2, 1).reshape(batch * dim, dim), n, gate, rows, weights)
    left = left.reshape(batch, dim, dim).transpose(0, 2, 1)  # (U rho)[i, j]
    right = apply_gate(left.reshape(batch * dim, dim).conj(), n, gate, rows, weights).conj()
    return right.reshape(batch, dim, dim)


def _mix(rho: np.ndarray, n: int, wire: int) -> np.ndarray:
    """I/2 (x) Tr_wire rho: the qubit replaced by the maximally mixed state."""
    batch = rho.shape[0]
    hi, lo = 2**wire, 2 ** (n - wire - 1)
    t = rho.reshape(batch, hi, 2, lo, hi, 2, lo)
    traced = 0.5 * (t[:, :, 0, :, :, 0, :] + t[:, :, 1, :, :, 1, :])
    out = np.zeros_like(t)
    out[:, :, 0, :, :, 0, :] = traced
    out[:, :, 1, :, :, 1, :] = traced
    return out.reshape(rho.shape)


def depolarize(rho: np.ndarray, n: int, wires: tuple[int, ...], p: float) -> np.ndarray:
    """The depolarizing channel of strength ``p`` (probability of a non-identity Pauli) on ``wires``."""
    if p == 0.0:
        return rho
    mixed = rho
    for w in wires:
        mixed = _mix(mixed, n, w)
    full = 4 ** len(wires)
    lam = p * full / (full - 1)
    return (1.0 - lam) * rho + lam * mixed


def readout(probs: np.ndarray, n: int, p_meas: float) -> np.ndarray:
    """Outcome probabilities after flipping every measured bit independently with probability ``p_meas``."""
    if p_meas == 0.0:
        return probs
    for w in range(n):
        v = probs.reshape(probs.shape[0], 2**w, 2, 2 ** (n - w - 1))
        probs = ((1.0 - p_meas) * v + p_meas * v[:, :, ::-1, :]).reshape(probs.shape)
    return probs


def simulate_density(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, noise: NoiseModel) -> np.ndarray:
    """Final density matrices, shape (n_samples, 2**n, 2**n), a depolarizing channel after every gate."""
    n, dim = circuit.n_qubits, 2**circuit.n_qubits
    angles = np.asarray(angles, dtype=float)
    rho = np.zeros((angles.shape[0], dim, dim), dtype=complex)
    rho[:, 0, 0] = 1.0
    for g in circuit.gates:
        rho = depolarize(_unitary(rho, n, g, angles, weights), n, g.wires, noise.after(len(g.wires)))
    return rho


def probabilities(circuit: Circuit, angles: np.ndarray, weights: np.ndarray, noise: NoiseModel) -> np.ndarray:
    """Measured-outcome probabilities, shape (n_samples, 2**n): gate noise and readout flips included."""
    angles = np.asarray(angles, dtype=float)
    dim = 2**circuit.n_qubits
    step = max(1, CHUNK_ENTRIES // (dim * dim))
    out = np.empty((angles.shape[0], dim))
    for s in range(0, angles.shape[0], step):
        rho = simulate_density(circuit, angles[s:s + step], weights, noise)
        out[s:s + step] = np.clip(np.einsum("bii->bi", rho).real, 0.0, None)
    return readout(out, circuit.n_qubits, noise.p_meas)


__all__ = ["simulate_density", "probabilities", "depolarize", "readout"]
