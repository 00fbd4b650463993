"""The explicit-SIMD row kernel is NumPy's sum of rows, for every length (blocks of 32, of 8, single entries)."""

import numpy as np
import pytest
from numba import njit

from qbench.models.simd_rows import (gathered_axpy, gathered_axpy4, gathered_axpy4_at, gathered_axpy_taps,
                                     gathered_sum4, transpose)


@njit
def _axpy(dst, at, src, rows, coefs, first, stop, shift, length):
    gathered_axpy(dst, at, src, rows, coefs, first, stop, shift, length)


@pytest.mark.parametrize("length", [0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 71])
@pytest.mark.parametrize("terms", [0, 1, 5])
def test_gathered_axpy_is_numpys_sum_of_rows(length, terms):
    rng = np.random.RandomState(length * 10 + terms)
    src, dst = rng.normal(size=600), rng.normal(size=200)
    rows, coefs = rng.randint(0, 400, size=12).astype(np.int64), rng.normal(size=12)
    at, first, shift = 5, 3, 11
    want = dst.copy()
    for t in range(first, first + terms):
        want[at:at + length] += coefs[t] * src[rows[t] + shift:rows[t] + shift + length]
    _axpy(dst, at, src, rows, coefs, first, first + terms, shift, length)
    np.testing.assert_allclose(dst, want, rtol=1e-13, atol=1e-13)  # entries outside [at, at + length) untouched


def test_gathered_axpy_refuses_other_array_types():
    from numba.core.errors import TypingError

    with pytest.raises(TypingError):
        _axpy(np.zeros(8, dtype=np.float32), 0, np.zeros(8), np.zeros(1, dtype=np.int64), np.ones(1), 0, 1, 0, 8)


@njit
def _axpy4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop, length):
    gathered_axpy4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop, length)


@pytest.mark.parametrize("length", [0, 1, 7, 8, 9, 32, 33, 64, 71])
@pytest.mark.parametrize("terms", [0, 1, 6])
def test_gathered_axpy4_is_numpys_sum_of_rows_on_four_rows(length, terms):
    rng = np.random.RandomState(length * 10 + terms + 1)
    src, dst, coefs = rng.normal(size=600), rng.normal(size=500), rng.normal(size=300)
    rows, coef_index = rng.randint(0, 400, size=12).astype(np.int64), rng.randint(0, 200, size=12).astype(np.int64)
    at, dst_stride, shift, coef_at, coef_stride, first = 5, 90, 11, 7, 13, 2
    want = dst.copy()
    for j in range(4):
        for t in range(first, first + terms):
            coef = coefs[coef_index[t] + coef_at + j * coef_stride]
            want[at + j * dst_stride:at + j * dst_stride + length] += coef * src[rows[t] + shift:rows[t] + shift + length]
    _axpy4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, first + terms, length)
    np.testing.assert_allclose(dst, want, rtol=1e-13, atol=1e-13)


@njit
def _sum4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop, length, base,
          base_at):
    gathered_sum4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop, length,
                  base, base_at)


@pytest.mark.parametrize("length", [0, 1, 7, 8, 9, 32, 33, 64, 71])
@pytest.mark.parametrize("terms", [0, 1, 6])
def test_gathered_sum4_is_the_base_row_plus_numpys_sum_of_rows(length, terms):
    """The destination rows are overwritten (NaN there must not leak in), everything else is left alone."""
    rng = np.random.RandomState(length * 10 + terms + 3)
    src, coefs, base = rng.normal(size=600), rng.normal(size=300), rng.normal(size=100)
    dst = np.full(500, np.nan)
    rows, coef_index = rng.randint(0, 400, size=12).astype(np.int64), rng.randint(0, 200, size=12).astype(np.int64)
    at, dst_stride, shift, coef_at, coef_stride, first, base_at = 5, 90, 11, 7, 13, 2, 9
    want = dst.copy()
    for j in range(4):
        row = base[base_at:base_at + length].copy()
        for t in range(first, first + terms):
            row += coefs[coef_index[t] + coef_at + j * coef_stride] * src[rows[t] + shift:rows[t] + shift + length]
        want[at + j * dst_stride:at + j * dst_stride + length] = row
    _sum4(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, first + terms, length,
          base, base_at)
    np.testing.assert_allclose(dst, want, rtol=1e-13, atol=1e-13)
    assert np.isnan(dst).sum() == 500 - 4 * length


@njit
def _axpy4_at(dst, ats, src, rows, shift, coefs, coef_index, coef_ats, first, stop, length):
    gathered_axpy4_at(dst, ats, src, rows, shift, coefs, coef_index, coef_ats, first, stop, length)


@pytest.mark.parametrize("length", [0, 1, 8, 9, 32, 33, 71])
@pytest.mark.parametrize("terms", [0, 1, 6])
@pytest.mark.parametrize("repeat_last", [False, True])
def test_gathered_axpy4_at_is_numpys_sum_of_rows_at_the_given_places(length, terms, repeat_last):
    """Rows anywhere, weights at any offsets; a row given twice with the same weights gets its sum once."""
    rng = np.random.RandomState(length * 10 + terms + 5 + repeat_last)
    src, dst, coefs = rng.normal(size=600), rng.normal(size=500), rng.normal(size=300)
    rows, coef_index = rng.randint(0, 400, size=12).astype(np.int64), rng.randint(0, 200, size=12).astype(np.int64)
    ats, coef_ats = np.array([300, 7, 150, 80]), np.array([5, 0, 41, 17])
    if repeat_last:
        ats[3], coef_ats[3] = ats[2], coef_ats[2]
    shift, first = 11, 2
    want = dst.copy()
    for j in range(4 - repeat_last):
        for t in range(first, first + terms):
            coef = coefs[coef_index[t] + coef_ats[j]]
            want[ats[j]:ats[j] + length] += coef * src[rows[t] + shift:rows[t] + shift + length]
    _axpy4_at(dst, ats, src, rows, shift, coefs, coef_index, coef_ats, first, first + terms, length)
    np.testing.assert_allclose(dst, want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("rows, cols", [(8, 8), (32, 64), (64, 32), (3, 5), (9, 17), (16, 7), (1, 8)])
def test_transpose_is_numpys_transpose(rows, cols):
    rng = np.random.RandomState(rows * 100 + cols)
    src, dst = rng.normal(size=rows * cols + 10), np.full(rows * cols + 6, np.nan)
    transpose(src, 4, rows, cols, dst, 3)
    np.testing.assert_array_equal(dst[3:3 + rows * cols].reshape(cols, rows), src[4:4 + rows * cols].reshape(rows, cols).T)
    assert np.isnan(dst[:3]).all() and np.isnan(dst[3 + rows * cols:]).all()  # nothing outside the block written


@njit
def _taps(dst, ats, src, shifts, rows, coefs, first, stop, length):
    gathered_axpy_taps(dst, ats[0], ats[1], ats[2], ats[3], src, shifts[0], shifts[1], shifts[2], shifts[3], rows,
                       coefs, first, stop, length)


@pytest.mark.parametrize("length", [0, 1, 8, 9, 32, 33, 70])
@pytest.mark.parametrize("terms", [0, 1, 5])
def test_gathered_axpy_taps_is_numpys_sum_of_rows_per_destination(length, terms):
    rng = np.random.RandomState(length * 10 + terms + 2)
    src, dst, coefs = rng.normal(size=700), rng.normal(size=500), rng.normal(size=12)
    rows = rng.randint(0, 400, size=12).astype(np.int64)
    ats, shifts, first = np.array([3, 400, 120, 250]), np.array([0, 17, 90, 5]), 4
    want = dst.copy()
    for at, shift in zip(ats, shifts):
        for t in range(first, first + terms):
            want[at:at + length] += coefs[t] * src[rows[t] + shift:rows[t] + shift + length]
    _taps(dst, ats, src, shifts, rows, coefs, first, first + terms, length)
    np.testing.assert_allclose(dst, want, rtol=1e-13, atol=1e-13)
