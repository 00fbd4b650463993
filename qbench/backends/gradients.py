"""Gradients the core computes for every backend, on resolved angle rows of one lifted circuit.

* **parameter shift**: every rotation of the gate set has generator eigenvalues that differ
  by 1, so d/dtheta f = [f(theta + pi/2) - f(theta - pi/2)] / 2 gate by gate, with or without
  gate noise (the channels do not depend on theta).  All shifted rows of all samples are
  one batched evaluation of :func:`~qbench.backends.programs.lift` (``shift_rows``).
* **finite differences**: central differences of every weight, also one batched evaluation.
* **data angles**: models with trainable parameters in front of the data (input weights,
  classical layers feeding circuit angles) need per-sample derivatives d f_s / d angles[s, j];
  :func:`parameter_shift_angle_vjp` shifts every data-driven rotation, all samples and shifts
  in one batched evaluation of the lifted circuit.
* **adjoint** methods compute d f / d(rotation angle k); :func:`weight_gradient` maps those
  derivatives to the weights (chain rule through ``scale * weight + offset``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits.ir import Circuit, resolve_angles


@dataclass(frozen=True)
class WeightUse:
    """A rotation gate driven by a weight: its column in the resolved rows, the weight, and the scale."""

    column: int
    weight: int
    scale: float


def weight_uses(circuit: Circuit) -> list[WeightUse]:
    """Every weight-dependent rotation, in gate order."""
    out, k = [], 0
    for g in circuit.gates:
        if g.angle is None:
            continue
        if g.angle.source == "weight":
            out.append(WeightUse(k, g.angle.index, g.angle.scale))
        k += 1
    return out


def weight_gradient(circuit: Circuit, per_rotation: np.ndarray) -> np.ndarray:
    """Gradient w.r.t. the weights from derivatives w.r.t. each rotation column (shape (n_rotations,))."""
    grad = np.zeros(circuit.n_weights)
    for use in weight_uses(circuit):
        grad[use.weight] += use.scale * float(per_rotation[use.column])
    return grad


def shift_rows(circuit: Circuit, resolved: np.ndarray) -> tuple[np.ndarray, list[WeightUse]]:
    """Rows to evaluate for parameter shift: block 2u is use u shifted by +pi/2, block 2u+1 by -pi/2."""
    uses = weight_uses(circuit)
    blocks = []
    for use in uses:
        for delta in (np.pi / 2, -np.pi / 2):
            rows = resolved.copy()
            rows[:, use.column] += delta
            blocks.append(rows)
    return (np.concatenate(blocks) if blocks else np.zeros((0, resolved.shape[1]))), uses


def combine_shifts(values: np.ndarray, uses: list[WeightUse], n_samples: int, n_weights: int,
                   cotangent: np.ndarray) -> np.ndarray:
    """sum_s cotangent[s] df_s/dw from the values of the :func:`shift_rows` rows."""
    f = np.asarray(values, dtype=float).reshape(len(uses), 2, n_samples)
    grad = np.zeros(n_weights)
    for use, (up, down) in zip(uses, f):
        grad[use.weight] += use.scale * float(cotangent @ (up - down)) / 2.0
    return grad


def parameter_shift_vjp(evaluate, circuit: Circuit, angles, weights, cotangent) -> np.ndarray:
    """VJP by parameter shift; ``evaluate(rows)`` returns the values of the lifted circuit on resolved rows."""
    resolved = resolve_angles(circuit, angles, weights)
    rows, uses = shift_rows(circuit, resolved)
    if not uses:
        return np.zeros(circuit.n_weights)
    return combine_shifts(evaluate(rows), uses, len(resolved), circuit.n_weights, cotangent)


def data_uses(circuit: Circuit) -> list[WeightUse]:
    """Every data-dependent rotation, in gate order (``weight`` holds the data column it reads)."""
    out, k = [], 0
    for g in circuit.gates:
        if g.angle is None:
            continue
        if g.angle.source == "data":
            out.append(WeightUse(k, g.angle.index, g.angle.scale))
        k += 1
    return out


def parameter_shift_angle_vjp(evaluate, circuit: Circuit, angles, weights, cotangent) -> np.ndarray:
    """cotangent[s] * d f_s / d angles[s, j], shape (n_samples, n_data), by parameter shift in one ``evaluate(rows)``."""
    resolved = resolve_angles(circuit, angles, weights)
    n = len(resolved)
    out = np.zeros((n, circuit.n_data))
    uses = data_uses(circuit)
    if not uses or n == 0:
        return out
    blocks = []
    for use in uses:
        for delta in (np.pi / 2, -np.pi / 2):
            rows = resolved.copy()
            rows[:, use.column] += delta
            blocks.append(rows)
    f = np.asarray(evaluate(np.concatenate(blocks)), dtype=float).reshape(len(uses), 2, n)
    cot = np.asarray(cotangent, dtype=float)
    for use, (up, down) in zip(uses, f):
        out[:, use.weight] += use.scale * cot * (up - down) / 2.0
    return out


#: Step of the core's central differences (on the weights).
FINITE_DIFF_STEP = 1e-5


def finite_diff_vjp(evaluate, circuit: Circuit, angles, weights, cotangent, step: float = FINITE_DIFF_STEP):
    """VJP by central differences of every weight, all rows in one ``evaluate(rows)`` call."""
    n = circuit.n_weights
    blocks = []
    for k in range(n):
        for sign in (1.0, -1.0):
            w = np.array(weights, dtype=float)
            w[k] += sign * step
            blocks.append(resolve_angles(circuit, angles, w))
    if not blocks:
        return np.zeros(0)
    f = np.asarray(evaluate(np.concatenate(blocks)), dtype=float).reshape(n, 2, len(angles))
    return np.array([float(cotangent @ (up - down)) / (2 * step) for up, down in f])


__all__ = ["WeightUse", "weight_uses", "data_uses", "parameter_shift_angle_vjp", "weight_gradient", "shift_rows", "combine_shifts", "parameter_shift_vjp",
           "finite_diff_vjp", "FINITE_DIFF_STEP"]
