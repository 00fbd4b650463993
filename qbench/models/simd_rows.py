"""One explicit-SIMD kernel for numba code: a row plus a weighted sum of gathered rows, the sum held in registers.

numba's loops over the CNN's 32 channels spend about as long being entered (row addresses, the vectoriser's run-time
overlap checks) as computing, and a sum of rows taken one row at a time stores its partial sum after every row.
:func:`gathered_axpy` is written in LLVM IR instead (a numba ``intrinsic``): blocks of 32 entries held as four
8-wide vectors over all the terms, then one 8-wide vector, then single entries, so the destination is loaded and
stored once per block and no overlap check is made (the caller's rows must not overlap the destination).  The terms
are summed in their order with fused multiply-adds: the result differs from NumPy's ``dst + coefs @ rows`` by
rounding alone.  (numba's on-disk cache of a caller does not notice an edit here: delete ``qbench/**/*.nbi`` and
``*.nbc`` after changing this file, as after changing ``compiled_training.py``.)
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

#: Entries per vector and vectors per block of :func:`gathered_axpy`.
LANES, VECTORS = 8, 4


@intrinsic
def gathered_axpy(typingctx, dst, at, src, rows, coefs, first, stop, shift, length):
    """``dst[at:at + length] += sum(coefs[t] * src[rows[t] + shift : rows[t] + shift + length] for t in
    range(first, stop))``, in that order of ``t``.  ``dst``, ``src``, ``coefs``: 1-D C-contiguous float64 arrays;
    ``rows``: a 1-D C-contiguous int64 array; the others integers.  Indices are not checked: the caller keeps
    them inside the arrays, and no source row may overlap the destination."""
    floats = types.Array(types.float64, 1, "C")
    ints = types.Array(types.int64, 1, "C")
    if dst != floats or src != floats or coefs != floats or rows != ints:
        return None
    if not all(isinstance(v, types.Integer) for v in (at, first, stop, shift, length)):
        return None
    sig = types.void(dst, at, src, rows, coefs, first, stop, shift, length)

    def codegen(context, builder, signature, args):
        dst_v, at_v, src_v, rows_v, coefs_v, first_v, stop_v, shift_v, length_v = args
        i64 = ir.IntType(64)
        at_v, first_v, stop_v, shift_v, length_v = (
            context.cast(builder, v, ty, types.int64)
            for v, ty in zip((at_v, first_v, stop_v, shift_v, length_v),
                             (signature.args[1], *signature.args[5:])))
        out = builder.gep(context.make_array(floats)(context, builder, dst_v).data, [at_v])
        data = context.make_array(floats)(context, builder, src_v).data
        row_data = context.make_array(ints)(context, builder, rows_v).data
        coef_data = context.make_array(floats)(context, builder, coefs_v).data
        double = ir.DoubleType()
        fma = cgutils.get_or_insert_function(builder.module, ir.FunctionType(double, [double] * 3), "llvm.fma.f64")

        def sweep(begin, end, width, vectors):
            """Blocks of ``width`` x ``vectors`` entries in [begin, end), the sums in registers (allocas that LLVM
            promotes)."""
            vty = ir.VectorType(double, width) if width > 1 else double
            vfma = fma if width == 1 else cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(vty, [vty] * 3), f"llvm.fma.v{width}f64")
            sums = [cgutils.alloca_once(builder, vty) for _ in range(vectors)]
            step = ir.Constant(i64, width * vectors)

            def at_entry(base, k):
                return builder.bitcast(builder.gep(base, [ir.Constant(i64, k * width)]), vty.as_pointer())

            with cgutils.for_range_slice(builder, begin, end, step) as (block, _):
                start = builder.gep(out, [block])
                for k, s in enumerate(sums):
                    builder.store(builder.load(at_entry(start, k), align=8), s)
                with cgutils.for_range_slice(builder, first_v, stop_v, ir.Constant(i64, 1)) as (t, _):
                    row = builder.add(builder.load(builder.gep(row_data, [t])), shift_v)
                    coef = builder.load(builder.gep(coef_data, [t]))
                    if width > 1:
                        lanes = ir.VectorType(double, 1)
                        one = builder.insert_element(ir.Constant(lanes, ir.Undefined), coef, ir.Constant(i64, 0))
                        coef = builder.shuffle_vector(one, ir.Constant(lanes, ir.Undefined),
                                                      ir.Constant(ir.VectorType(ir.IntType(32), width), [0] * width))
                    base = builder.gep(data, [builder.add(row, block)])
                    for k, s in enumerate(sums):
                        term = builder.load(at_entry(base, k), align=8)
                        builder.store(builder.call(vfma, [coef, term, builder.load(s)]), s)
                for k, s in enumerate(sums):
                    builder.store(builder.load(s), at_entry(start, k), align=8)

        big = LANES * VECTORS
        blocks_end = builder.mul(builder.sdiv(length_v, ir.Constant(i64, big)), ir.Constant(i64, big))
        vectors_end = builder.mul(builder.sdiv(length_v, ir.Constant(i64, LANES)), ir.Constant(i64, LANES))
        sweep(ir.Constant(i64, 0), blocks_end, LANES, VECTORS)
        sweep(blocks_end, vectors_end, LANES, 1)
        sweep(vectors_end, length_v, 1, 1)
        return context.get_dummy_value()

    return sig, codegen


__all__ = ["LANES", "VECTORS", "gathered_axpy"]
