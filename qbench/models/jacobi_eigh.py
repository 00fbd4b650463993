"""Eigen-decomposition of small symmetric matrices by Jacobi rotations, for compiled steps (numba).

A Boltzmann machine's step diagonalises one 2**n x 2**n Hamiltonian per sample.  At two qubits (4 x 4) a LAPACK
call through numba's ``np.linalg.eigh`` costs about 1.5 microseconds, nearly all of it the call's set-up (argument
checks, copies, workspace queries) rather than the arithmetic, and it was most of the step.  :func:`jacobi_eigh`
is the cyclic Jacobi method (rotations that zero one off-diagonal pair at a time, Rutishauser's update of the other
entries, sweeps until the off-diagonal part is below rounding), in place and allocation-free; :data:`MAX_DIM` is
where LAPACK becomes the faster (``suites/benchmarks/scripts/small_eigh.py`` measures both).  Jacobi's eigenvalues
and eigenvectors are as accurate as LAPACK's to rounding (it is backward stable); the eigenvalues come out
ascending as ``eigh``'s, the eigenvectors as columns, each to its sign.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The largest size diagonalised by :func:`jacobi_eigh` in the compiled steps (LAPACK above).
MAX_DIM = 4
#: Sweeps after which :func:`jacobi_eigh` stops even if not converged (convergence is quadratic: a handful do).
MAX_SWEEPS = 50
#: Off-diagonal entries count as zero below this fraction of the matrix's norm.
TOLERANCE = 1e-17


@njit(cache=True, nogil=True)
def jacobi_eigh(A, lam, V):
    """The eigenvalues of the symmetric matrix ``A`` (n x n, overwritten) into ``lam``, ascending, and their
    eigenvectors into the columns of ``V`` (n x n): ``A = V diag(lam) V^T``.  Non-finite entries give NaN."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            V[i, j] = 1.0 if i == j else 0.0
    scale = 0.0  # the largest entry: the sums below are of squares relative to it (no overflow or underflow)
    for i in range(n):
        for j in range(n):
            scale = max(scale, abs(A[i, j]))
    if not np.isfinite(scale):
        lam[:] = np.nan
        V[:, :] = np.nan
        return
    norm = 0.0
    for i in range(n):
        for j in range(n):
            if scale > 0.0:
                norm += (A[i, j] / scale) ** 2
    small = (TOLERANCE * TOLERANCE) * norm
    for _ in range(MAX_SWEEPS):
        off = 0.0
        for p in range(n - 1):
            for q in range(p + 1, n):
                if scale > 0.0:
                    off += (A[p, q] / scale) ** 2
        if off <= small:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = A[p, q]
                if apq == 0.0:
                    continue
                theta = 0.5 * (A[q, q] - A[p, p]) / apq
                if abs(theta) > 1e150:  # theta squared would overflow: t to first order
                    t = 0.5 / theta
                else:
                    t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                    if theta < 0.0:
                        t = -t
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                tau = s / (1.0 + c)
                A[p, p] -= t * apq
                A[q, q] += t * apq
                A[p, q] = 0.0
                A[q, p] = 0.0
                for r in range(n):
                    if r != p and r != q:
                        arp, arq = A[r, p], A[r, q]
                        A[r, p] = A[p, r] = arp - s * (arq + tau * arp)
                        A[r, q] = A[q, r] = arq + s * (arp - tau * arq)
                for r in range(n):
                    vrp, vrq = V[r, p], V[r, q]
                    V[r, p] = vrp - s * (vrq + tau * vrp)
                    V[r, q] = vrq + s * (vrp - tau * vrq)
    for i in range(n):
        lam[i] = A[i, i]
    for i in range(1, n):  # insertion sort of the pairs, ascending (n is small)
        j = i
        while j > 0 and lam[j - 1] > lam[j]:
            lam[j - 1], lam[j] = lam[j], lam[j - 1]
            for r in range(n):
                V[r, j - 1], V[r, j] = V[r, j], V[r, j - 1]
            j -= 1


__all__ = ["MAX_DIM", "MAX_SWEEPS", "TOLERANCE", "jacobi_eigh"]
