"""Exact gradients by the adjoint method, from simulated final states and Cirq's ``apply_unitary``.

For f_s = <psi_s| O |psi_s> with psi_s = U_N ... U_1 |0> and U_k = exp(-i theta_k G_k),

    sum_s c_s df_s/dtheta_k = 2 Im <lambda_k | G_k | psi_k>,

where psi_k is the state after gate k and lambda_k = U_{k+1}^dagger ... U_N^dagger (c_s O psi_s),
both obtained by undoing gates one at a time from the simulated final states.  All samples
are one tensor of shape (2,) * n + (n_samples,): ``cirq.apply_unitary`` acts on the qubit
axes and broadcasts over the sample axis, so every gate that is the same for all samples
(fixed gates, weight rotations) is applied once for the whole batch.  The backward pass
stops at the first weight gate, so a feature map in front of an ansatz is never undone;
data gates after a weight gate (data re-uploading) are undone sample by sample.

Generators: RX/RY/RZ -> P/2, RZZ -> Z(x)Z/2, P(theta) = diag(1, e^{i theta}) -> -|1><1| = (Z - I)/2.
"""

from __future__ import annotations

import cirq
import numpy as np

from qbench.backends.gradients import weight_gradient
from qbench.circuits.ir import Circuit
from qbench_cirq.translate import _FIXED, _rotation

_PAULI = {"RX": cirq.X, "RY": cirq.Y, "RZ": cirq.Z, "P": cirq.Z}


def _apply(op: cirq.Operation, tensor: np.ndarray, axes) -> np.ndarray:
    """U tensor (``tensor`` may be overwritten)."""
    return cirq.apply_unitary(op, cirq.ApplyUnitaryArgs(tensor, np.empty_like(tensor), axes))


def _generator(name: str, qubits, psi: np.ndarray, axes) -> np.ndarray:
    """G psi for the gate's generator G (dU/dtheta = -i G U)."""
    if name == "RZZ":
        return 0.5 * _apply(cirq.Z(qubits[1]), _apply(cirq.Z(qubits[0]), psi.copy(), axes[:1]), axes[1:])
    z = 0.5 * _apply(_PAULI[name](qubits[0]), psi.copy(), axes)
    return z - 0.5 * psi if name == "P" else z


def adjoint_vjp(circuit: Circuit, states: np.ndarray, exponents: np.ndarray, diagonal: np.ndarray,
                cotangent: np.ndarray) -> np.ndarray:
    """sum_s cotangent[s] d<O>_s/dw from final states (n_samples, 2**n) and rotation exponents (n_samples, n_rot).

    ``diagonal`` is the observable's eigenvalue per basis state (qubit 0 most significant).
    """
    n, n_samples = circuit.n_qubits, len(states)
    per_rotation = np.zeros(exponents.shape[1])
    gates = circuit.gates
    weight_pos = [i for i, g in enumerate(gates) if g.angle is not None and g.angle.source == "weight"]
    if not weight_pos or not n_samples:
        return np.zeros(circuit.n_weights)
    shape = (2,) * n + (n_samples,)
    psi = np.ascontiguousarray(states.T, dtype=np.complex128).reshape(shape)
    lam = np.ascontiguousarray((diagonal[:, None] * states.T) * cotangent[None, :], dtype=np.complex128).reshape(shape)
    qubits = cirq.LineQubit.range(n)
    k = sum(g.angle is not None for g in gates)  # rotation counter, walking backwards
    for pos in range(len(gates) - 1, weight_pos[0] - 1, -1):
        g = gates[pos]
        on = [qubits[w] for w in g.wires]
        axes = list(g.wires)
        if g.angle is None:
            op = _FIXED[g.name].on(*on)  # self-inverse
            psi, lam = _apply(op, psi, axes), _apply(op, lam, axes)
            continue
        k -= 1
        column = exponents[:, k]
        if g.angle.source == "weight":
            gpsi = _generator(g.name, on, psi, axes)
            per_rotation[k] = 2.0 * float(np.vdot(lam, gpsi).imag)
        if g.angle.source != "data" or np.all(column == column[0]):
            inv = _rotation(g.name, -float(column[0])).on(*on)
            psi, lam = _apply(inv, psi, axes), _apply(inv, lam, axes)
        else:  # a data gate after a weight gate: undone sample by sample
            for s in range(n_samples):
                inv = _rotation(g.name, -float(column[s])).on(*on)
                psi[..., s] = _apply(inv, psi[..., s].copy(), axes)
                lam[..., s] = _apply(inv, lam[..., s].copy(), axes)
    return weight_gradient(circuit, per_rotation)  # the core maps rotation derivatives to weights


__all__ = ["adjoint_vjp"]
