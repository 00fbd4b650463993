"""The dense adjoint's two sweeps, compiled with numba.

At a few qubits a training step is a few thousand tiny complex products; as NumPy calls their cost is
per call, not per amplitude (about 1.5 ms a step at 2 qubits, 15 layers).  These loops do the same
arithmetic in compiled code, one rotation at a time, the samples innermost (contiguous, so the
compiler vectorises over them).

A circuit reaches them as steps (see :mod:`qbench.backends.dense_adjoint`): step t applies its
rotations (on disjoint wires, so they commute), then the fixed gates F_t after them.  A rotation is
``kind`` 0 (RX) or 1 (RY) on the wire of bit ``mask``, 2 (exp(-i theta Z...Z / 2), ``signs`` its
diagonal) or 3 (the phase gate diag(1, e^{i theta}), ``signs`` -1 where it applies e^{i theta}).
A rotation's angle is offset + scale * (a data angle of the sample, a weight, or nothing).

* :func:`forward` takes cos and sin of every half angle, keeps ``phi[t]``, the states (d, m) after
  step t's rotations and before F_t, and returns the final states.
* :func:`backward` sweeps the adjoint states lambda back: at step t, with mu = F_t^dagger lambda,
  d f_s / d theta_r = 2 Re <mu_s| Gamma_r |phi_t,s> for each rotation r of the step (dU_r/dtheta = Gamma_r U_r),
  chained to the weight or data angle it reads; then lambda = prod_r U_r^dagger mu.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbench.backends.dense_adjoint import PHASE, RX, RY, SOURCES, ZPARITY

DATA, WEIGHT = SOURCES["data"], SOURCES["weight"]


@njit(cache=True, nogil=True)
def _rotate(psi, kind, mask, signs, cos, sin, sign):
    """psi (d, m) <- U(sign * theta) psi, in place; theta / 2 is given by its ``cos`` and ``sin`` (m,)."""
    d, m = psi.shape
    if kind == RX:
        for i in range(d):
            if i & mask == 0:
                j = i | mask
                for s in range(m):
                    c, n = cos[s], sign * sin[s]
                    a, b = psi[i, s], psi[j, s]
                    psi[i, s] = c * a - 1j * n * b
                    psi[j, s] = c * b - 1j * n * a
    elif kind == RY:
        for i in range(d):
            if i & mask == 0:
                j = i | mask
                for s in range(m):
                    c, n = cos[s], sign * sin[s]
                    a, b = psi[i, s], psi[j, s]
                    psi[i, s] = c * a - n * b
                    psi[j, s] = n * a + c * b
    elif kind == ZPARITY:
        for i in range(d):
            for s in range(m):
                psi[i, s] *= complex(cos[s], -sign * signs[i] * sin[s])
    else:
        for i in range(d):
            if signs[i] < 0:
                for s in range(m):
                    c, n = cos[s], sign * sin[s]
                    psi[i, s] *= complex(c * c - n * n, 2.0 * c * n)


@njit(cache=True, nogil=True)
def _generator_overlaps(mu, phi, kind, mask, signs, out):
    """out[s] = 2 Re <mu_s| Gamma |phi_s> for the rotation's generator Gamma (dU/dtheta = Gamma U)."""
    d, m = phi.shape
    out[:] = 0.0
    if kind == RX:  # Gamma = -i X / 2: Re(-i z) = Im z
        for i in range(d):
            j = i ^ mask
            for s in range(m):
                out[s] += (np.conj(mu[i, s]) * phi[j, s]).imag
    elif kind == RY:  # Gamma = -i Y / 2: (Gamma phi)_i = -phi_j / 2 on bit 0, +phi_j / 2 on bit 1
        for i in range(d):
            j = i ^ mask
            sign = -1.0 if i & mask == 0 else 1.0
            for s in range(m):
                out[s] += sign * (np.conj(mu[i, s]) * phi[j, s]).real
    elif kind == ZPARITY:  # Gamma = -i diag(signs) / 2
        for i in range(d):
            for s in range(m):
                out[s] += signs[i] * (np.conj(mu[i, s]) * phi[i, s]).imag
    else:  # Gamma = i diag(1 - signs) / 2 = i |1><1| where signs = -1: Re(2 i z) = -2 Im z
        for i in range(d):
            if signs[i] < 0:
                for s in range(m):
                    out[s] -= 2.0 * (np.conj(mu[i, s]) * phi[i, s]).imag


@njit(cache=True, nogil=True)
def _apply(matrix, psi, out, adjoint):
    """out (d, m) = matrix psi, or matrix^dagger psi."""
    d, m = psi.shape
    out[:] = 0.0
    for a in range(d):
        for b in range(d):
            e = np.conj(matrix[b, a]) if adjoint else matrix[a, b]
            if e != 0:
                for s in range(m):
                    out[a, s] += e * psi[b, s]


@njit(cache=True, nogil=True)
def _half_angles(source, index, scale, offset, angles, weights):
    """cos and sin of theta / 2 (R, m): theta = offset + scale * (data angle, weight or 0); a shared angle's once."""
    rotations, m = source.shape[0], angles.shape[0]
    cos = np.empty((rotations, m))
    sin = np.empty((rotations, m))
    for r in range(rotations):
        if source[r] == DATA:
            for s in range(m):
                half = 0.5 * (offset[r] + scale[r] * angles[s, index[r]])
                cos[r, s] = np.cos(half)
                sin[r, s] = np.sin(half)
        else:
            half = 0.5 * (offset[r] + (scale[r] * weights[index[r]] if source[r] == WEIGHT else 0.0))
            c, n = np.cos(half), np.sin(half)
            for s in range(m):
                cos[r, s] = c
                sin[r, s] = n
    return cos, sin


@njit(cache=True, nogil=True)
def forward(psi0, after, after_is_identity, members, kind, mask, signs, source, index, scale, offset, angles, weights,
            diagonals):
    """``(cos, sin, phi, final, values)``: the half angles' cos and sin (R, m), phi (T, d, m) the states before each
    step's fixed gates, final (d, m), and the values (m, n_obs) of the observables whose diagonals are given."""
    cos, sin = _half_angles(source, index, scale, offset, angles, weights)
    n_steps, width = members.shape
    m, d = angles.shape[0], psi0.shape[0]
    phi = np.empty((n_steps, d, m), dtype=np.complex128)
    psi = np.empty((d, m), dtype=np.complex128)
    out = np.empty((d, m), dtype=np.complex128)
    for i in range(d):
        psi[i, :] = psi0[i]
    for t in range(n_steps):
        for j in range(width):
            r = members[t, j]
            if r < 0:
                break
            _rotate(psi, kind[r], mask[r], signs[r], cos[r], sin[r], 1.0)
        phi[t] = psi
        if not after_is_identity[t]:
            _apply(after[t], psi, out, False)
            psi[:] = out
    values = np.zeros((m, diagonals.shape[0]))
    for o in range(diagonals.shape[0]):
        for i in range(d):
            for s in range(m):
                values[s, o] += diagonals[o, i] * (psi[i, s].real ** 2 + psi[i, s].imag ** 2)
    return cos, sin, phi, psi, values


@njit(cache=True, nogil=True)
def backward(after, after_is_identity, members, kind, mask, signs, source, index, scale, cos, sin, phi, final, cot,
             diagonals, n_weights, n_data):
    """``(grad, grad_angles)`` of sum_{s,o} cot[s, o] values[s, o]: the gradient to the weights (n_weights,) and per
    sample to the data angles (m, n_data; n_data = 0 skips it).  The adjoint state starts as
    lambda_s = (sum_o cot[s, o] diag(O_o)) |final_s>."""
    n_steps, width = members.shape
    d, m = final.shape
    lam = np.zeros((d, m), dtype=np.complex128)
    for o in range(diagonals.shape[0]):
        for i in range(d):
            for s in range(m):
                lam[i, s] += cot[s, o] * diagonals[o, i] * final[i, s]
    grad = np.zeros(n_weights)
    grad_angles = np.zeros((m, n_data))
    per = np.empty(m)  # d f_s / d theta_r
    mu = lam
    out = np.empty((d, m), dtype=np.complex128)
    for t in range(n_steps - 1, -1, -1):
        if not after_is_identity[t]:
            _apply(after[t], mu, out, True)
            mu[:] = out
        for j in range(width):
            r = members[t, j]
            if r < 0:
                break
            if source[r] == WEIGHT:
                _generator_overlaps(mu, phi[t], kind[r], mask[r], signs[r], per)
                grad[index[r]] += scale[r] * per.sum()
            elif source[r] == DATA and n_data:
                _generator_overlaps(mu, phi[t], kind[r], mask[r], signs[r], per)
                for s in range(m):
                    grad_angles[s, index[r]] += scale[r] * per[s]
        for j in range(width):
            r = members[t, j]
            if r < 0:
                break
            _rotate(mu, kind[r], mask[r], signs[r], cos[r], sin[r], -1.0)
    return grad, grad_angles


__all__ = ["backward", "forward"]
