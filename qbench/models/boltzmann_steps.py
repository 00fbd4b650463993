"""The Boltzmann machines' training steps in numba, for :func:`qbench.models.compiled_training.train_compiled`.

At a few qubits a step of :meth:`qbench.models.boltzmann.QuantumBoltzmannMachine.fit` is a batched 4x4
``eigh`` and some twenty small NumPy calls, and their overhead, not the arithmetic, is its time.  Here is
the same math one sample at a time: :func:`gibbs_sample` is :func:`qbench.models.boltzmann.gibbs_expectation`
(the eigenbasis of H, exp(-H/T)/Z, divided differences with the same rule for (near-)equal eigenvalues; H
diagonalised by :func:`qbench.models.jacobi_eigh.jacobi_eigh` up to its ``MAX_DIM``, by LAPACK above),
:func:`separable_sample` the separable machine's mean or product of :func:`qbench.models.boltzmann.one_qubit_gibbs_z`,
and :func:`log_loss_term` the log loss of ``fit`` (P(class 1) = (1 + f) / 2 clipped to [1e-12, 1 - 1e-12]).
The NumPy functions stay the definition (prediction, and the Hamiltonian path above
:data:`qbench.models.boltzmann.COMPILED_MAX_QUBITS` qubits, run on them); these are tested against them.
Imported by a fit on the paper's schedule only (importing numba takes a quarter second).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbench.models.boltzmann import CLOSE_EIGENVALUES, SMALL_FIELD
from qbench.models.compiled_training import RUNNING, finish_step
from qbench.models.jacobi_eigh import MAX_DIM as JACOBI_MAX_DIM
from qbench.models.jacobi_eigh import jacobi_eigh


@njit(cache=True, nogil=True)
def gibbs_sample(c, diagonals, flips, observable, beta, H, G, T, grad):
    """f = tr[O exp(-beta H)] / Z for H = sum_k c[k] terms[k] (terms as :class:`~qbench.models.boltzmann.PauliTerms`'
    arrays, O by its diagonal); d f / d c[k] goes into ``grad``.  H, G and T are 2**n x 2**n scratch."""
    n_terms, dim = diagonals.shape
    H[:, :] = 0.0
    for i in range(dim):
        s = 0.0
        for k in range(n_terms):
            s += c[k] * diagonals[k, i]
        H[i, i] = s
    for k in range(n_terms):
        if flips[k] != 0:
            for i in range(dim):
                H[i, i ^ flips[k]] += c[k]
    if dim <= JACOBI_MAX_DIM:  # LAPACK's call set-up outweighs its arithmetic on the smallest matrices
        lam, V = np.empty(dim), np.empty((dim, dim))
        jacobi_eigh(H, lam, V)
    else:
        lam, V = np.linalg.eigh(H)
    lam = lam - lam[0]  # shift by the ground energy: exp stays in [0, 1], the ratio is unchanged
    w = np.exp(-beta * lam)
    Z = w.sum()
    # G = V^T diag(o) V (symmetric), then f from its diagonal
    for i in range(dim):
        for j in range(i, dim):
            s = 0.0
            for a in range(dim):
                s += V[a, i] * (observable[a] * V[a, j])
            G[i, j] = s
            G[j, i] = s
    f = 0.0
    for i in range(dim):
        f += G[i, i] * w[i]
    f /= Z
    # d exp(-beta H) in the eigenbasis: divided differences of w, weighted by O, less f times d Z
    for i in range(dim):
        for j in range(dim):
            dl = lam[i] - lam[j]
            if abs(dl) < CLOSE_EIGENVALUES:
                G[i, j] *= -beta * 0.5 * (w[i] + w[j])
            else:
                G[i, j] *= (w[i] - w[j]) / dl
        G[i, i] -= f * (-beta * w[i])
    G /= Z
    # back to the computational basis, Gc = V G V^T, of which only the entries the terms touch are needed
    for i in range(dim):
        for b in range(dim):
            s = 0.0
            for a in range(dim):
                s += V[i, a] * G[a, b]
            T[i, b] = s
    for k in range(n_terms):
        s = 0.0
        if flips[k] == 0:
            for i in range(dim):
                s += _basis_entry(T, V, i, i) * diagonals[k, i]
        else:
            for i in range(dim):
                s += _basis_entry(T, V, i, i ^ flips[k])
        grad[k] = s
    return f


@njit(cache=True, nogil=True, inline="always")
def _basis_entry(T, V, i, j):
    """(V G V^T)[i, j] from T = V G."""
    s = 0.0
    for b in range(V.shape[1]):
        s += T[i, b] * V[j, b]
    return s


@njit(cache=True, nogil=True)
def one_qubit_sample(a, b, beta):
    """:func:`qbench.models.boltzmann.one_qubit_gibbs_z` for one (a, b): <Z>, d<Z>/da, d<Z>/db."""
    r = np.hypot(a, b)
    x = beta * r
    if x < SMALL_FIELD:
        g = beta * (1.0 - x**2 / 3.0)
        h = -2.0 * beta**3 / 3.0 * (1.0 - 0.8 * x**2)
    else:
        t = np.tanh(x)
        g = t / r
        h = (beta * r * (1.0 - t**2) - t) / r**3
    return -a * g, -(g + a * a * h), -a * b * h


@njit(cache=True, nogil=True)
def separable_sample(c, beta, product, m, grad):
    """The separable machine's f for coefficients ``c`` = (a_0, b_0, a_1, b_1, ...), one pair per visible qubit, and
    d f / d c into ``grad``: the mean (or with ``product`` the product) of the qubits' <Z>; ``m`` is scratch."""
    nv = m.shape[0]
    for q in range(nv):
        m[q], grad[2 * q], grad[2 * q + 1] = one_qubit_sample(c[2 * q], c[2 * q + 1], beta)
    if not product:
        for k in range(2 * nv):
            grad[k] *= 1.0 / nv
        return m.sum() / nv
    for q in range(nv):
        rest = 1.0
        for p in range(nv):
            if p != q:
                rest *= m[p]
        grad[2 * q] *= rest
        grad[2 * q + 1] *= rest
    return m.prod()


@njit(cache=True, nogil=True)
def log_loss_term(f, t):
    """-[t log p + (1 - t) log(1 - p)] for p = (1 + f) / 2 clipped to [1e-12, 1 - 1e-12], and d/df of it (through the
    clipped p, as ``fit`` takes it)."""
    p = (1.0 + f) / 2.0
    if p < 1e-12:
        p = 1e-12
    elif p > 1.0 - 1e-12:
        p = 1.0 - 1e-12
    return -(t * np.log(p) + (1.0 - t) * np.log(1.0 - p)), (p - t) / (p * (1.0 - p)) * 0.5


@njit(cache=True, nogil=True)
def _coefficients(params, x, c):
    """c = theta @ x for the flat ``params`` of theta (rows x len(x))."""
    d = x.shape[0]
    for k in range(c.shape[0]):
        s = 0.0
        for j in range(d):
            s += x[j] * params[k * d + j]
        c[k] = s


@njit(cache=True, nogil=True)
def _add_gradient(grad, scale, dfdc, x):
    """grad += scale * outer(dfdc, x), flat (the chain rule through c = theta @ x)."""
    d = x.shape[0]
    for k in range(dfdc.shape[0]):
        g = scale * dfdc[k]
        for j in range(d):
            grad[k * d + j] += g * x[j]


@njit(cache=True, nogil=True)
def gibbs_chunk(Z, target, diagonals, flips, observable, beta, params, m, v, first, lr, batches, losses, interval):
    """``run_chunk`` of :func:`~qbench.models.compiled_training.train_compiled` for the Hamiltonian machine: the mean
    log loss of each batch of rows of ``Z`` (features scaled) and its gradient, then :func:`finish_step`."""
    n_terms, dim = diagonals.shape
    c, dfdc, grad = np.empty(n_terms), np.empty(n_terms), np.empty(params.shape[0])
    H, G, T = np.empty((dim, dim)), np.empty((dim, dim)), np.empty((dim, dim))
    for k in range(batches.shape[0]):
        batch = batches[k]
        grad[:] = 0.0
        total = 0.0
        for s in batch:
            _coefficients(params, Z[s], c)
            f = gibbs_sample(c, diagonals, flips, observable, beta, H, G, T, dfdc)
            loss, dldf = log_loss_term(f, target[s])
            total += loss
            _add_gradient(grad, dldf / batch.shape[0], dfdc, Z[s])
        status = finish_step(params, grad, m, v, lr, losses, first + k, total / batch.shape[0], interval)
        if status != RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], RUNNING


@njit(cache=True, nogil=True)
def separable_chunk(Z, target, n_visible, beta, product, params, m, v, first, lr, batches, losses, interval):
    """:func:`gibbs_chunk` for the separable machine (:func:`separable_sample`)."""
    c, dfdc, grad = np.empty(2 * n_visible), np.empty(2 * n_visible), np.empty(params.shape[0])
    qubits = np.empty(n_visible)
    for k in range(batches.shape[0]):
        batch = batches[k]
        grad[:] = 0.0
        total = 0.0
        for s in batch:
            _coefficients(params, Z[s], c)
            f = separable_sample(c, beta, product, qubits, dfdc)
            loss, dldf = log_loss_term(f, target[s])
            total += loss
            _add_gradient(grad, dldf / batch.shape[0], dfdc, Z[s])
        status = finish_step(params, grad, m, v, lr, losses, first + k, total / batch.shape[0], interval)
        if status != RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], RUNNING


@njit(cache=True, nogil=True)
def gibbs_expectations(coeffs, diagonals, flips, observable, beta):
    """:func:`gibbs_sample` row by row: f (samples,) and d f / d coeffs (samples, terms), for tests."""
    n = coeffs.shape[0]
    n_terms, dim = diagonals.shape
    f, grad = np.empty(n), np.empty((n, n_terms))
    H, G, T = np.empty((dim, dim)), np.empty((dim, dim)), np.empty((dim, dim))
    for s in range(n):
        f[s] = gibbs_sample(coeffs[s], diagonals, flips, observable, beta, H, G, T, grad[s])
    return f, grad


@njit(cache=True, nogil=True)
def separable_expectations(coeffs, beta, product):
    """:func:`separable_sample` row by row, for tests."""
    n = coeffs.shape[0]
    f, grad, m = np.empty(n), np.empty((n, coeffs.shape[1])), np.empty(coeffs.shape[1] // 2)
    for s in range(n):
        f[s] = separable_sample(coeffs[s], beta, product, m, grad[s])
    return f, grad


__all__ = ["gibbs_chunk", "gibbs_expectations", "gibbs_sample", "log_loss_term",
           "one_qubit_sample", "separable_chunk", "separable_expectations", "separable_sample"]
