"""Explicit-SIMD kernels for numba code: rows plus weighted sums of gathered rows, the sums held in registers.

numba's loops over the CNN's 32 to 128 channels spend about as long being entered (row addresses, the vectoriser's
run-time overlap checks) as computing, and a sum of rows taken one row at a time stores its partial sum after every
row.  These kernels are written in LLVM IR instead (numba ``intrinsic``\\ s): the destination rows in blocks of 32
entries held as four 8-wide vectors each over all the terms, then 8 entries, then single entries, so each
destination entry is loaded and stored once and no overlap check is made (the caller's source rows must not overlap
the destination).  The terms are summed in their order with fused multiply-adds: a result differs from NumPy's
product by rounding alone.  (numba's on-disk cache of a caller does not notice an edit here: delete
``qbench/**/*.nbi`` and ``*.nbc`` after changing this file, as after changing ``compiled_training.py``.)
"""

from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

#: Entries per vector and vectors per block.
LANES, VECTORS = 8, 4

_FLOATS = types.Array(types.float64, 1, "C")
_INTS = types.Array(types.int64, 1, "C")


class _Lanes:
    """The IR for vectors of ``width`` doubles (one: a scalar): their type, a vector at a pointer, a scalar
    broadcast, the fused multiply-add."""

    def __init__(self, builder, width):
        self.builder, self.width = builder, width
        self.type = ir.VectorType(ir.DoubleType(), width) if width > 1 else ir.DoubleType()
        self.fma = cgutils.get_or_insert_function(builder.module, ir.FunctionType(self.type, [self.type] * 3),
                                                  f"llvm.fma.v{width}f64" if width > 1 else "llvm.fma.f64")

    def at(self, base, k):
        """A pointer to the k-th vector from ``base`` (a double pointer)."""
        return self.builder.bitcast(self.builder.gep(base, [ir.Constant(ir.IntType(64), k * self.width)]),
                                    self.type.as_pointer())

    def splat(self, x):
        if self.width == 1:
            return x
        one, builder = ir.VectorType(ir.DoubleType(), 1), self.builder
        x = builder.insert_element(ir.Constant(one, ir.Undefined), x, ir.Constant(ir.IntType(64), 0))
        return builder.shuffle_vector(x, ir.Constant(one, ir.Undefined),
                                      ir.Constant(ir.VectorType(ir.IntType(32), self.width), [0] * self.width))


def _in_blocks(builder, length, sweep):
    """``sweep(lanes, vectors, block)`` over [0, length): blocks of :data:`VECTORS` x :data:`LANES` entries, then of
    :data:`LANES`, then single entries (``block`` the block's first entry)."""
    i64 = ir.IntType(64)

    def round_down(n, multiple):
        return builder.mul(builder.sdiv(n, ir.Constant(i64, multiple)), ir.Constant(i64, multiple))

    blocks_end, vectors_end = round_down(length, LANES * VECTORS), round_down(length, LANES)
    for begin, end, width, vectors in ((ir.Constant(i64, 0), blocks_end, LANES, VECTORS),
                                       (blocks_end, vectors_end, LANES, 1), (vectors_end, length, 1, 1)):
        lanes = _Lanes(builder, width)
        with cgutils.for_range_slice(builder, begin, end, ir.Constant(i64, width * vectors)) as (block, _):
            sweep(lanes, vectors, block)


def _sum_rows(context, builder, outs, sources, row_data, first, stop, length, coefs_of, inits=None):
    """``outs[j][0:length] = inits[j][0:length] + sum over t in [first, stop) of coefs_of(t)[j] *
    source_j[row_data[t]:][:length]`` for each destination row j (pointers; ``inits`` defaults to ``outs``: a sum
    added to the rows), where ``sources`` holds one pointer shared by every row (its rows loaded once a term) or one
    per row; by :func:`_in_blocks`, the sums in allocas that LLVM promotes to registers."""

    def sweep(lanes, vectors, block):
        sums = [[cgutils.alloca_once(builder, lanes.type) for _ in range(vectors)] for _ in outs]
        for init, row_sums in zip(inits or outs, sums):
            for k, s in enumerate(row_sums):
                builder.store(builder.load(lanes.at(builder.gep(init, [block]), k), align=8), s)
        with cgutils.for_range_slice(builder, first, stop, ir.Constant(ir.IntType(64), 1)) as (t, _):
            at = builder.add(builder.load(builder.gep(row_data, [t])), block)
            bases = [builder.gep(source, [at]) for source in sources]
            shared = [builder.load(lanes.at(bases[0], k), align=8) for k in range(vectors)] \
                if len(bases) == 1 else None
            for j, (coef, row_sums) in enumerate(zip(coefs_of(t), sums)):
                coef = lanes.splat(coef)
                terms = shared or [builder.load(lanes.at(bases[j], k), align=8) for k in range(vectors)]
                for term, s in zip(terms, row_sums):
                    builder.store(builder.call(lanes.fma, [coef, term, builder.load(s)]), s)
        for out, row_sums in zip(outs, sums):
            for k, s in enumerate(row_sums):
                builder.store(builder.load(s), lanes.at(builder.gep(out, [block]), k), align=8)

    _in_blocks(builder, length, sweep)


def _as_int64(context, builder, values, tys):
    return [context.cast(builder, v, ty, types.int64) for v, ty in zip(values, tys)]


@intrinsic
def gathered_axpy(typingctx, dst, at, src, rows, coefs, first, stop, shift, length):
    """``dst[at:at + length] += sum(coefs[t] * src[rows[t] + shift : rows[t] + shift + length] for t in
    range(first, stop))``, in that order of ``t``.  ``dst``, ``src``, ``coefs``: 1-D C-contiguous float64 arrays;
    ``rows``: a 1-D C-contiguous int64 array; the others integers.  Indices are not checked: the caller keeps
    them inside the arrays, and no source row may overlap the destination."""
    if (dst, src, coefs, rows) != (_FLOATS, _FLOATS, _FLOATS, _INTS):
        return None
    if not all(isinstance(v, types.Integer) for v in (at, first, stop, shift, length)):
        return None
    sig = types.void(dst, at, src, rows, coefs, first, stop, shift, length)

    def codegen(context, builder, signature, args):
        dst_v, _, src_v, rows_v, coefs_v = args[:5]
        at_v, first_v, stop_v, shift_v, length_v = _as_int64(
            context, builder, (args[1], *args[5:]), (signature.args[1], *signature.args[5:]))
        out = builder.gep(context.make_array(_FLOATS)(context, builder, dst_v).data, [at_v])
        coef_data = context.make_array(_FLOATS)(context, builder, coefs_v).data
        source = builder.gep(context.make_array(_FLOATS)(context, builder, src_v).data, [shift_v])
        _sum_rows(context, builder, [out], [source], context.make_array(_INTS)(context, builder, rows_v).data,
                  first_v, stop_v, length_v, lambda t: [builder.load(builder.gep(coef_data, [t]))])
        return context.get_dummy_value()

    return sig, codegen


#: Destination rows of :func:`gathered_axpy4`.
ROWS = 4


def _sum_four_rows(context, builder, dst, ats, src, shift, rows, coefs, coef_index, coef_offsets, first, stop,
                   length, inits=None):
    """The code of the four-row gathers: ``dst[ats[j]:][:length] (+)= sum(coefs[coef_index[t] + coef_offsets[j]] *
    src[rows[t] + shift:][:length])`` for j in 0..3 (``dst``, ``src``, ``coefs`` and the int64 ``rows`` and
    ``coef_index`` as numba array values, the rest as int64 IR values), by :func:`_sum_rows`."""
    dst_data = context.make_array(_FLOATS)(context, builder, dst).data
    coef_data = context.make_array(_FLOATS)(context, builder, coefs).data
    index_data = context.make_array(_INTS)(context, builder, coef_index).data

    def coefs_of(t):
        at = builder.load(builder.gep(index_data, [t]))
        return [builder.load(builder.gep(coef_data, [builder.add(at, offset)])) for offset in coef_offsets]

    source = builder.gep(context.make_array(_FLOATS)(context, builder, src).data, [shift])
    _sum_rows(context, builder, [builder.gep(dst_data, [at]) for at in ats], [source],
              context.make_array(_INTS)(context, builder, rows).data, first, stop, length, coefs_of, inits)


def _four_rows(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop, length,
               base=None, base_at=None):
    """The signature and code of :func:`gathered_axpy4` (``base`` None) and :func:`gathered_sum4`, or None where the
    types do not fit."""
    arrays = (dst, src, coefs, rows, coef_index) + ((base,) if base is not None else ())
    if arrays != (_FLOATS, _FLOATS, _FLOATS, _INTS, _INTS) + ((_FLOATS,) if base is not None else ()):
        return None
    ints = (at, dst_stride, shift, coef_at, coef_stride, first, stop, length) + ((base_at,) if base is not None else ())
    if not all(isinstance(v, types.Integer) for v in ints):
        return None
    extra = (base, base_at) if base is not None else ()
    sig = types.void(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop,
                     length, *extra)

    def codegen(context, builder, signature, args):
        a, i64 = signature.args, ir.IntType(64)
        positions = (1, 2, 5, 8, 9, 10, 11, 12) + ((14,) if base is not None else ())
        values = _as_int64(context, builder, [args[i] for i in positions], [a[i] for i in positions])
        at_v, stride_v, shift_v, coef_at_v, coef_stride_v, first_v, stop_v, length_v = values[:8]
        inits = None
        if base is not None:
            inits = [builder.gep(context.make_array(_FLOATS)(context, builder, args[13]).data, [values[8]])] * ROWS
        ats, offsets = ([builder.add(start, builder.mul(step, ir.Constant(i64, j))) for j in range(ROWS)]
                        for start, step in ((at_v, stride_v), (coef_at_v, coef_stride_v)))
        _sum_four_rows(context, builder, args[0], ats, args[3], shift_v, args[4], args[6], args[7], offsets, first_v,
                       stop_v, length_v, inits)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def gathered_axpy4(typingctx, dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first,
                   stop, length):
    """Four rows at once, sharing the source rows: for j in 0..3, ``dst[at + j * dst_stride:][:length] +=
    sum(coefs[coef_index[t] + coef_at + j * coef_stride] * src[rows[t] + shift:][:length] for t in range(first,
    stop))``.  Types and caveats as :func:`gathered_axpy`'s (``coef_index`` int64)."""
    return _four_rows(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop,
                      length)


@intrinsic
def gathered_sum4(typingctx, dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first,
                  stop, length, base, base_at):
    """:func:`gathered_axpy4` onto one shared row of ``base`` instead of the destination's own (a layer's bias): for
    j in 0..3, ``dst[at + j * dst_stride:][:length] = base[base_at:][:length] + sum(...)``, the sum as there; the
    destination is written, never read (``base`` a 1-D C-contiguous float64 array)."""
    return _four_rows(dst, at, dst_stride, src, rows, shift, coefs, coef_index, coef_at, coef_stride, first, stop,
                      length, base, base_at)


@intrinsic
def gathered_axpy4_at(typingctx, dst, ats, src, rows, shift, coefs, coef_index, coef_ats, first, stop, length):
    """:func:`gathered_axpy4` with each row's place and weights' offset given (``ats``, ``coef_ats``: int64 arrays of
    four): for j in 0..3, ``dst[ats[j]:][:length] += sum(coefs[coef_index[t] + coef_ats[j]] * src[rows[t] +
    shift:][:length] for t in range(first, stop))``.  Two rows may be the same row with the same weights (the same
    sum, stored twice); types and caveats as :func:`gathered_axpy`'s."""
    if (dst, ats, src, rows, coefs, coef_index, coef_ats) != (_FLOATS, _INTS, _FLOATS, _INTS, _FLOATS, _INTS, _INTS):
        return None
    if not all(isinstance(v, types.Integer) for v in (shift, first, stop, length)):
        return None
    sig = types.void(dst, ats, src, rows, shift, coefs, coef_index, coef_ats, first, stop, length)

    def codegen(context, builder, signature, args):
        a = signature.args
        shift_v, first_v, stop_v, length_v = _as_int64(
            context, builder, (args[4], args[8], args[9], args[10]), (a[4], a[8], a[9], a[10]))
        ats, offsets = ([builder.load(builder.gep(context.make_array(_INTS)(context, builder, args[i]).data,
                                                  [ir.Constant(ir.IntType(64), j)])) for j in range(ROWS)]
                        for i in (1, 7))
        _sum_four_rows(context, builder, args[0], ats, args[2], shift_v, args[3], args[5], args[6], offsets, first_v,
                       stop_v, length_v)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def gathered_axpy_taps(typingctx, dst, at0, at1, at2, at3, src, shift0, shift1, shift2, shift3, rows, coefs, first,
                       stop, length):
    """Four destination rows, each with its own source shift, the terms and weights shared: for j in 0..3,
    ``dst[at_j:at_j + length] += sum(coefs[t] * src[rows[t] + shift_j:][:length] for t in range(first, stop))``
    (a convolution's four taps of one output pixel).  Types and caveats as :func:`gathered_axpy`'s."""
    ints = (at0, at1, at2, at3, shift0, shift1, shift2, shift3, first, stop, length)
    if (dst, src, coefs, rows) != (_FLOATS, _FLOATS, _FLOATS, _INTS) or not all(
            isinstance(v, types.Integer) for v in ints):
        return None
    sig = types.void(dst, at0, at1, at2, at3, src, shift0, shift1, shift2, shift3, rows, coefs, first, stop, length)

    def codegen(context, builder, signature, args):
        a = signature.args
        positions = (1, 2, 3, 4, 6, 7, 8, 9, 12, 13, 14)
        values = _as_int64(context, builder, [args[i] for i in positions], [a[i] for i in positions])
        ats, shifts, (first_v, stop_v, length_v) = values[:4], values[4:8], values[8:]
        dst_data = context.make_array(_FLOATS)(context, builder, args[0]).data
        src_data = context.make_array(_FLOATS)(context, builder, args[5]).data
        coef_data = context.make_array(_FLOATS)(context, builder, args[11]).data

        def coefs_of(t):
            return [builder.load(builder.gep(coef_data, [t]))] * ROWS

        _sum_rows(context, builder, [builder.gep(dst_data, [at]) for at in ats],
                  [builder.gep(src_data, [shift]) for shift in shifts],
                  context.make_array(_INTS)(context, builder, args[10]).data, first_v, stop_v, length_v, coefs_of)
        return context.get_dummy_value()

    return sig, codegen


#: The shuffles of an 8 x 8 transpose in three rounds (pairs, then fours, then halves of the two rows' sixteen).
_ROUNDS = (([0, 8, 2, 10, 4, 12, 6, 14], [1, 9, 3, 11, 5, 13, 7, 15]),
           ([0, 1, 8, 9, 4, 5, 12, 13], [2, 3, 10, 11, 6, 7, 14, 15]),
           ([0, 1, 2, 3, 8, 9, 10, 11], [4, 5, 6, 7, 12, 13, 14, 15]))
#: Which rows each round pairs (their low and high shuffles replace them in place).
_PAIRS = (((0, 1), (2, 3), (4, 5), (6, 7)), ((0, 2), (1, 3), (4, 6), (5, 7)), ((0, 4), (1, 5), (2, 6), (3, 7)))


@intrinsic
def transpose8(typingctx, dst, at, dst_stride, src, src_at, src_stride):
    """``dst[at + c * dst_stride + r] = src[src_at + r * src_stride + c]`` for r, c in 0..7: an 8 x 8 block of
    doubles transposed in registers (eight loads, 24 shuffles, eight stores).  1-D C-contiguous float64 arrays;
    indices are not checked and the blocks must not overlap."""
    if (dst, src) != (_FLOATS, _FLOATS) or not all(isinstance(v, types.Integer) for v in
                                                   (at, dst_stride, src_at, src_stride)):
        return None
    sig = types.void(dst, at, dst_stride, src, src_at, src_stride)

    def codegen(context, builder, signature, args):
        a = signature.args
        at_v, dst_stride_v, src_at_v, src_stride_v = _as_int64(
            context, builder, (args[1], args[2], args[4], args[5]), (a[1], a[2], a[4], a[5]))
        i64, vty = ir.IntType(64), ir.VectorType(ir.DoubleType(), LANES)
        dst_data = context.make_array(_FLOATS)(context, builder, args[0]).data
        src_data = context.make_array(_FLOATS)(context, builder, args[3]).data

        def row(data, at, stride, i):
            offset = builder.add(at, builder.mul(stride, ir.Constant(i64, i)))
            return builder.bitcast(builder.gep(data, [offset]), vty.as_pointer())

        rows = [builder.load(row(src_data, src_at_v, src_stride_v, i), align=8) for i in range(LANES)]
        for (low, high), pairs in zip(_ROUNDS, _PAIRS):
            for i, j in pairs:
                rows[i], rows[j] = (builder.shuffle_vector(rows[i], rows[j], ir.Constant(ir.VectorType(
                    ir.IntType(32), LANES), mask)) for mask in (low, high))
        for i, value in enumerate(rows):
            builder.store(value, row(dst_data, at_v, dst_stride_v, i), align=8)
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, nogil=True)
def transpose(src, src_at, rows, cols, dst, dst_at):
    """``dst[dst_at + c * rows + r] = src[src_at + r * cols + c]``: a rows x cols block of ``src`` (1-D C-contiguous
    float64, row-major) written transposed into ``dst``, by 8 x 8 blocks (:func:`transpose8`) and single entries at
    the edges."""
    r8, c8 = rows - rows % LANES, cols - cols % LANES
    for r in range(0, r8, LANES):
        for c in range(0, c8, LANES):
            transpose8(dst, dst_at + c * rows + r, rows, src, src_at + r * cols + c, cols)
    for r in range(rows):
        for c in range(c8 if r < r8 else 0, cols):
            dst[dst_at + c * rows + r] = src[src_at + r * cols + c]


__all__ = ["LANES", "ROWS", "VECTORS", "gathered_axpy", "gathered_axpy4", "gathered_axpy4_at", "gathered_axpy_taps",
           "gathered_sum4", "transpose", "transpose8"]
