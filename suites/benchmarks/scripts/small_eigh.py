"""Time of one symmetric eigen-decomposition in compiled code: numba's ``np.linalg.eigh`` (LAPACK) against
``qbench.models.jacobi_eigh.jacobi_eigh``, per matrix size; the sizes at which Jacobi is the faster are where the
Boltzmann machine's compiled step uses it (``jacobi_eigh.MAX_DIM``).  Random symmetric matrices (Gaussian
entries), a fresh copy each call on both sides, best of ``--repeat`` runs of ``--calls`` calls, one thread.

    python suites/benchmarks/scripts/small_eigh.py
    python suites/benchmarks/scripts/small_eigh.py --sizes 2 4 8 16 --repeat 7
"""

from __future__ import annotations

import os

os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from qbench.models.jacobi_eigh import MAX_DIM, jacobi_eigh  # noqa: E402

#: The most calls a run takes and the largest size it times (its time and memory grow with them).
MAX_CALLS, MAX_SIZE = 10**6, 256


@njit(cache=True)
def _lapack(H, calls):
    s = 0.0
    for _ in range(calls):
        lam, V = np.linalg.eigh(H.copy())
        s += lam[0] + V[0, 0]
    return s


@njit(cache=True)
def _jacobi(H, calls):
    n = H.shape[0]
    lam, V = np.empty(n), np.empty((n, n))
    s = 0.0
    for _ in range(calls):
        jacobi_eigh(H.copy(), lam, V)
        s += lam[0] + V[0, 0]
    return s


def eigh_times(sizes=(2, 4, 8, 16), calls: int = 20000, repeat: int = 5) -> dict[int, dict[str, float]]:
    """Per size: microseconds per call of each solver."""
    rng = np.random.RandomState(0)
    out = {}
    for n in sizes:
        A = rng.normal(size=(n, n))
        H = A + A.T
        out[n] = {}
        for name, f in (("lapack_us", _lapack), ("jacobi_us", _jacobi)):
            f(H, 1)  # compiles (or loads numba's cache)
            best = min(_timed(f, H, calls) for _ in range(repeat))
            out[n][name] = best / calls * 1e6
    return out


def _timed(f, H, calls: int) -> float:
    start = time.perf_counter()
    f(H, calls)
    return time.perf_counter() - start


def _bounded(limit: int):
    def parse(text: str) -> int:
        value = int(text)
        if not 1 <= value <= limit:
            raise argparse.ArgumentTypeError(f"must be an integer from 1 to {limit}, got {text}")
        return value
    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_bounded(MAX_SIZE), nargs="+", default=[2, 4, 8, 16], help="matrix sizes")
    parser.add_argument("--calls", type=_bounded(MAX_CALLS), default=20000, help="calls per timed run")
    parser.add_argument("--repeat", type=_bounded(100), default=5, help="timed runs per figure (the best is kept)")
    args = parser.parse_args(argv)
    for n, t in eigh_times(args.sizes, args.calls, args.repeat).items():
        used = "Jacobi" if n <= MAX_DIM else "LAPACK"
        print(f"{n:>4} x {n:<4} LAPACK {t['lapack_us']:8.2f} us   Jacobi {t['jacobi_us']:8.2f} us   "
              f"(the Boltzmann step uses {used})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
