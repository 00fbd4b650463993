"""Exact Gram matrices computed block by block, so only two blocks of states are alive at a time.

Used by the numpy backend when the states do not fit its memory budget, and by the tiled
Dask Gram (:mod:`qbench.backends.tiled_gram`) for each tile.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def overlap_block(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """|<a_i|b_j>|^2 for two blocks of states; ``sb`` is conjugated in place (callers pass a fresh block)."""
    np.conjugate(sb, out=sb)
    ov = sa @ sb.T
    return ov.real**2 + ov.imag**2


def blockwise_gram(states: Callable[[np.ndarray], np.ndarray], a: np.ndarray, b: np.ndarray | None,
                   block_rows: int, out: np.ndarray | None = None) -> np.ndarray:
    """K[i, j] = |<phi(a_i)|phi(b_j)>|^2 in row blocks x column blocks of ``block_rows`` samples.

    ``states(angles)`` returns the states of a block.  The states of a row block are
    computed once per row pass, those of a column block once per (row block, column
    block); with ``b=None`` only the upper block triangle is computed and mirrored.
    ``out`` may be any writable array-like of the right shape (a memory map, say).
    """
    symmetric = b is None
    cols = a if symmetric else b
    if out is None:
        out = np.empty((len(a), len(cols)))
    r = max(int(block_rows), 1)
    for i in range(0, len(a), r):
        sa = states(a[i:i + r])
        for j in range(i if symmetric else 0, len(cols), r):
            sb = sa.copy() if symmetric and j == i else states(cols[j:j + r])
            block = overlap_block(sa, sb)
            del sb
            out[i:i + r, j:j + r] = block
            if symmetric and j != i:
                out[j:j + r, i:i + r] = block.T
    return out
