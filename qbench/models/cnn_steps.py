"""The CNN's training step in compiled code (numba), for :func:`qbench.models.training.train_schedule`'s ``run_chunk``.

:meth:`qbench.models.cnn.ConvNet.loss_and_grad` on the paper's 4x4 images is a few dozen small NumPy calls a
step, and their overhead, not the arithmetic, was most of its time.  Here is the same arithmetic as loops: SAME
convolutions, SAME 2x2 max-pools (ties to the first maximum in the order (0, 0), (0, 1), (1, 0), (1, 1), as
``_pool``), the dense ReLU layer (no gradient at 0), one logit, the mean sigmoid log loss; the parameters are
``ConvNet``'s flat vector in its order.

Convolutions and the dense layers are sums of "taps" (:func:`taps`): an output pixel's channels are its bias plus
input entries times kernel rows, the rows contiguous along the output channels.  The sums that dominate a step
run in :mod:`qbench.models.simd_rows`'s LLVM kernels, the partial sums in registers: :func:`tap_products` four
samples at a time sharing each kernel row (a batch is padded to a multiple of :data:`TILE` with zero images that
carry no loss), a dense layer's :func:`tap_weight_grads` four rows at a time, the first convolution's
(:func:`padded_weight_grads`) four kernel rows at a time over the zero-padded image.  A max-pool's gradient
reaches one cell of each window, so the second convolution's backward pass visits only those cells
(:func:`pooled_conv_backward`).  The tap tables are made once per chunk of steps (:func:`layer_taps`).  Sums
run in a fixed order (multiply-adds fused, nothing reordered), so a step is deterministic and differs from
NumPy's BLAS products by rounding alone.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbench.models.compiled_training import RUNNING, finish_step_live
from qbench.models.simd_rows import (gathered_axpy, gathered_axpy4, gathered_axpy4_at, gathered_axpy_taps,
                                     gathered_sum4, transpose)

#: Samples per block of the tap kernels; a batch is padded to a multiple of it.
TILE = 4


@njit(cache=True, nogil=True)
def taps(side, k, lo, channels):
    """A SAME convolution's structure on a ``side`` x ``side`` image: for each output pixel (row-major), the flat
    input entries (pixel * channels + channel) it reads and the kernel rows ((i * k + j) * channels + channel)
    that weigh them, as ``starts`` (pixels + 1), ``inputs`` and ``rows`` (compressed rows).  ``lo`` is the
    padding before the image (SAME: (k - 1) // 2)."""
    pixels = side * side
    starts = np.zeros(pixels + 1, dtype=np.int64)
    inputs = np.empty(pixels * k * k * channels, dtype=np.int64)
    rows = np.empty(pixels * k * k * channels, dtype=np.int64)
    t = 0
    for r in range(side):
        for c in range(side):
            for i in range(k):
                rr = r + i - lo
                if rr < 0 or rr >= side:
                    continue
                for j in range(k):
                    cc = c + j - lo
                    if cc < 0 or cc >= side:
                        continue
                    for ch in range(channels):
                        inputs[t] = (rr * side + cc) * channels + ch
                        rows[t] = (i * k + j) * channels + ch
                        t += 1
            starts[r * side + c + 1] = t
    return starts, inputs[:t].copy(), rows[:t].copy()


@njit(cache=True, nogil=True)
def tap_products(x, w, b, starts, inputs, rows, out):
    """``out[n, p] = b + sum over p's taps t of x[n, inputs[t]] * w[rows[t]]``: x (N, entries), w (rows, F),
    out (N, pixels, F), all C-contiguous, N a multiple of :data:`TILE`.  Four samples at a time share each row of
    ``w`` (:func:`qbench.models.simd_rows.gathered_sum4`, the sums in registers, ``out`` written once)."""
    n_samples, entries = x.shape
    pixels, filters = out.shape[1], out.shape[2]
    w_rows = rows * filters
    x_flat, w_flat, out_flat = x.reshape(-1), w.reshape(-1), out.reshape(-1)
    for n in range(0, n_samples, TILE):
        for p in range(pixels):
            gathered_sum4(out_flat, (n * pixels + p) * filters, pixels * filters, w_flat, w_rows, 0, x_flat, inputs,
                          n * entries, entries, starts[p], starts[p + 1], filters, b, 0)


@njit(cache=True, nogil=True)
def tap_weight_grads(x, d, starts, inputs, rows, dw):
    """A dense layer's kernel gradient (:func:`tap_products` on one pixel): ``dw[rows[t]] += sum_n x[n, inputs[t]] *
    d[n, 0]`` over the pixel's taps t (from :func:`taps`: rows and inputs increase); x (N, entries), d (N, 1, F), dw
    (rows, F), all C-contiguous.  Four rows of ``dw`` at a time as sums of rows of ``d``
    (:func:`qbench.models.simd_rows.gathered_axpy4`, the sums in registers) where four taps' rows and inputs run on
    by one, else one."""
    n_samples, entries = x.shape
    filters = d.shape[2]
    x_flat, d_flat, dw_flat = x.reshape(-1), d.reshape(-1), dw.reshape(-1)
    x_rows, d_rows = np.arange(n_samples) * entries, np.arange(n_samples) * filters
    column = np.empty(n_samples)
    t, end = starts[0], starts[1]
    while t < end:
        if (t + TILE <= end and rows[t + TILE - 1] - rows[t] == TILE - 1
                and inputs[t + TILE - 1] - inputs[t] == TILE - 1):
            gathered_axpy4(dw_flat, rows[t] * filters, filters, d_flat, d_rows, 0, x_flat, x_rows, inputs[t], 1, 0,
                           n_samples, filters)
            t += TILE
        else:
            for n in range(n_samples):
                column[n] = x_flat[n * entries + inputs[t]]
            gathered_axpy(dw_flat, rows[t] * filters, d_flat, d_rows, column, 0, n_samples, 0, filters)
            t += 1


@njit(cache=True, nogil=True)
def padded_weight_grads(x, d, k, dw):
    """A SAME convolution's kernel gradient, added to ``dw`` (k * k * C, F): ``dw[(i * k + j) * C + c] += sum over
    samples n and output pixels (r, s) of x[n, r + i - lo, s + j - lo, c] * d[n, r * S + s]`` (lo = (k - 1) // 2;
    zero outside the image), x (N, S, S, C), d (N, S * S, F).  Over the zero-padded input every tap exists, so four
    rows of ``dw`` at a time share each row of ``d`` as a term
    (:func:`qbench.models.simd_rows.gathered_axpy4_at`, the sums in registers)."""
    n_samples, side, _, channels = x.shape
    lo, wide = (k - 1) // 2, side + k - 1
    padded = np.zeros((n_samples, wide, wide, channels))
    padded[:, lo:lo + side, lo:lo + side, :] = x
    pixels, filters = side * side, d.shape[2]
    terms = n_samples * pixels
    rows, index = np.empty(terms, dtype=np.int64), np.empty(terms, dtype=np.int64)  # d's row; tap (0, 0) in padded
    for n in range(n_samples):
        for r in range(side):
            for s in range(side):
                t = (n * side + r) * side + s
                rows[t], index[t] = t * filters, ((n * wide + r) * wide + s) * channels
    n_rows = k * k * channels
    ats, coef_ats = np.empty(4, dtype=np.int64), np.empty(4, dtype=np.int64)
    for first in range(0, n_rows, 4):
        for j in range(4):
            row = min(first + j, n_rows - 1)  # past the last row: the last row again (the same sum, stored twice)
            offset, c = row // channels, row % channels
            ats[j], coef_ats[j] = row * filters, ((offset // k) * wide + offset % k) * channels + c
        gathered_axpy4_at(dw.reshape(-1), ats, d.reshape(-1), rows, 0, padded.reshape(-1), index, coef_ats, 0, terms,
                          filters)


@njit(cache=True, nogil=True)
def conv_forward(x, w, b):
    """SAME convolution, stride 1, of ``x`` (N, S, S, C) with ``w`` (k, k, C, F) plus ``b``: (N, S, S, F)."""
    k = w.shape[0]
    starts, inputs, rows = taps(x.shape[1], k, (k - 1) // 2, x.shape[3])
    return conv_with(x, w, b, starts, inputs, rows)


@njit(cache=True, nogil=True)
def conv_with(x, w, b, starts, inputs, rows):
    """:func:`conv_forward` with its :func:`taps` given."""
    n_samples, side, _, channels = x.shape
    k, filters = w.shape[0], w.shape[3]
    out = np.empty((n_samples, side * side, filters))
    tap_products(x.reshape((n_samples, -1)), w.reshape((k * k * channels, filters)), b, starts, inputs, rows, out)
    return out.reshape((n_samples, side, side, filters))


@njit(cache=True, nogil=True)
def pool_forward(a):
    """SAME 2x2 max-pool, stride 2, of ``a`` (N, S, S, F): the maxima and the flat pixel (row * S + col) of each.

    Cells past an odd edge are left out (``_pool`` pads them with -inf); the first maximum wins a tie.
    """
    n_samples, side, _, filters = a.shape
    half = (side + 1) // 2
    out = np.empty((n_samples, half, half, filters))
    arg = np.empty((n_samples, half, half, filters), dtype=np.int64)
    for n in range(n_samples):
        for r2 in range(half):
            for c2 in range(half):
                r, c = 2 * r2, 2 * c2
                for f in range(filters):
                    best, where = a[n, r, c, f], r * side + c
                    if c + 1 < side and a[n, r, c + 1, f] > best:
                        best, where = a[n, r, c + 1, f], r * side + c + 1
                    if r + 1 < side:
                        if a[n, r + 1, c, f] > best:
                            best, where = a[n, r + 1, c, f], (r + 1) * side + c
                        if c + 1 < side and a[n, r + 1, c + 1, f] > best:
                            best, where = a[n, r + 1, c + 1, f], (r + 1) * side + c + 1
                    out[n, r2, c2, f] = best
                    arg[n, r2, c2, f] = where
    return out, arg


@njit(cache=True, nogil=True)
def pool_backward(dpooled, arg, side):
    """The pooled gradient sent back to each window's maximum cell, zero elsewhere: (N, side * side, F), each entry
    written once."""
    n_samples, half, _, filters = dpooled.shape
    da = np.empty((n_samples, side * side, filters))
    for n in range(n_samples):
        for r2 in range(half):
            for c2 in range(half):
                for q in range(4):  # the window's cells (past an odd edge: none)
                    r, c = 2 * r2 + q // 2, 2 * c2 + q % 2
                    if r >= side or c >= side:
                        continue
                    cell = r * side + c
                    for f in range(filters):
                        da[n, cell, f] = dpooled[n, r2, c2, f] if arg[n, r2, c2, f] == cell else 0.0
    return da


@njit(cache=True, nogil=True)
def pooled_conv_backward(dpooled, arg, x, w, grad_w, grad_b):
    """Backward through a SAME convolution and the max-pool after it, from the pooled output's gradient.

    ``arg`` is :func:`pool_forward`'s, ``x`` the convolution's input, ``w`` (k, k, C, F) its kernel.  Only a
    window's maximum cell has a gradient, so the sums run over those cells alone, as sums of rows
    (:func:`qbench.models.simd_rows.gathered_axpy`, the sum in registers): for each kernel offset and filter, the
    kernel's gradient row (over the input channels) sums the input rows of the entries (sample, window) whose
    maximum that filter's offset reaches; for each entry and input pixel, the input's gradient row sums the
    transposed kernel's rows of the filters whose maximum reads that pixel.  Writes the kernel's gradient into
    ``grad_w`` (flat, ``w``'s order) and the bias's into ``grad_b``; returns the gradient of ``x``.
    """
    k = w.shape[0]
    starts, sources, offsets = taps(x.shape[1], k, (k - 1) // 2, 1)  # per output pixel: (input pixel, offset)
    grad_w[:] = 0.0  # the offsets that never meet the image are left out below
    return pooled_conv_backward_with(dpooled, arg, x, w, grad_w, grad_b, starts, sources, offsets)


@njit(cache=True, nogil=True)
def pooled_conv_backward_with(dpooled, arg, x, w, grad_w, grad_b, starts, sources, offsets):
    """:func:`pooled_conv_backward` with its pixel-level :func:`taps` (one channel) given.  The kernel's offsets that
    never meet the image (a 5x5 kernel on a 2x2 map) have a gradient of zero, which is left to the caller: their
    part of ``grad_w`` is not written."""
    n_samples, side, _, channels = x.shape
    k, filters = w.shape[0], w.shape[3]
    half = dpooled.shape[2]  # windows per row
    pixels, windows = side * side, dpooled.shape[1] * half
    entries = n_samples * windows
    used = np.zeros(k * k, dtype=np.bool_)  # the offsets that reach into the image (few for a large kernel)
    for t in range(sources.shape[0]):
        used[offsets[t]] = True
    place = np.empty(pixels, dtype=np.int64)  # a cell's place in its 2x2 window: 2 * row parity + column parity
    for p in range(pixels):
        place[p] = (p // side) % 2 * 2 + p % side % 2
    g = dpooled.reshape((entries, filters))
    cells = arg.reshape((entries, filters))
    # One pass over the (entry, filter) pairs, in order, puts each in two buckets: (filter, cell), the entries whose
    # maximum for that filter is the cell, as x's rows and weights (at most one entry a sample: a cell is in one
    # window); (entry, place of the cell), the filters, as the transposed kernel's rows and weights.
    x_rows, x_coefs = np.empty(filters * pixels * n_samples, dtype=np.int64), np.empty(filters * pixels * n_samples)
    x_count = np.zeros(filters * pixels, dtype=np.int64)
    w_rows, w_coefs = np.empty(entries * 4 * filters, dtype=np.int64), np.empty(entries * 4 * filters)
    w_count = np.zeros(entries * 4, dtype=np.int64)
    for e in range(entries):
        row = (e // windows) * pixels * channels
        for f in range(filters):
            p, coef = cells[e, f], g[e, f]
            a = f * pixels + p
            u = a * n_samples + x_count[a]
            x_count[a] += 1
            x_rows[u], x_coefs[u] = row, coef
            b = e * 4 + place[p]
            u = b * filters + w_count[b]
            w_count[b] += 1
            w_rows[u], w_coefs[u] = f * channels, coef
    for f in range(filters):
        grad_b[f] = 0.0
    for e in range(entries):
        for f in range(filters):
            grad_b[f] += g[e, f]
    w_flat, grad_w_flat = w.reshape(-1), grad_w.reshape(-1)
    block = filters * channels
    w_t, dw_t = np.empty(k * k * block), np.empty(k * k * block)  # (offset, filter, channel), used offsets only
    for o in range(k * k):
        if used[o]:
            dw_t[o * block:(o + 1) * block] = 0.0
            transpose(w_flat, o * block, channels, filters, w_t, o * block)
    x_flat = x.reshape(-1)
    for p in range(pixels):  # the kernel's gradient: per cell and filter, the bucket's x rows into the cell's taps
        t = starts[p]
        while t < starts[p + 1]:
            s0, o0 = sources[t], offsets[t]
            if t + 4 <= starts[p + 1]:  # four taps at once: the same terms, four rows and shifts
                s1, s2, s3 = sources[t + 1], sources[t + 2], sources[t + 3]
                o1, o2, o3 = offsets[t + 1], offsets[t + 2], offsets[t + 3]
                for f in range(filters):
                    a = f * pixels + p
                    if x_count[a] > 0:
                        gathered_axpy_taps(dw_t, o0 * block + f * channels, o1 * block + f * channels,
                                           o2 * block + f * channels, o3 * block + f * channels, x_flat,
                                           s0 * channels, s1 * channels, s2 * channels, s3 * channels, x_rows, x_coefs,
                                           a * n_samples, a * n_samples + x_count[a], channels)
                t += 4
                continue
            for f in range(filters):
                a = f * pixels + p
                if x_count[a] > 0:
                    gathered_axpy(dw_t, o0 * block + f * channels, x_flat, x_rows, x_coefs, a * n_samples,
                                  a * n_samples + x_count[a], s0 * channels, channels)
            t += 1
    dx = np.zeros(n_samples * pixels * channels)
    for p in range(pixels):  # x's gradient: per cell and entry of its window, the bucket's kernel rows into its taps
        r, c = p // side, p % side
        window = r // 2 * half + c // 2
        for sample in range(n_samples):
            n, b = sample * pixels, (sample * windows + window) * 4 + place[p]
            if w_count[b] == 0:
                continue
            first, stop = b * filters, b * filters + w_count[b]
            t = starts[p]
            while t < starts[p + 1]:
                s0, o0 = sources[t], offsets[t]
                if t + 4 <= starts[p + 1]:
                    s1, s2, s3 = sources[t + 1], sources[t + 2], sources[t + 3]
                    o1, o2, o3 = offsets[t + 1], offsets[t + 2], offsets[t + 3]
                    gathered_axpy_taps(dx, (n + s0) * channels, (n + s1) * channels, (n + s2) * channels,
                                       (n + s3) * channels, w_t, o0 * block, o1 * block, o2 * block, o3 * block,
                                       w_rows, w_coefs, first, stop, channels)
                    t += 4
                    continue
                gathered_axpy(dx, (n + s0) * channels, w_t, w_rows, w_coefs, first, stop, o0 * block, channels)
                t += 1
    for o in range(k * k):
        if used[o]:
            transpose(dw_t, o * block, filters, channels, grad_w_flat, o * block)
    return dx.reshape(x.shape)


@njit(cache=True, nogil=True)
def loss_and_grad(params, x, y, kernel, channels, hidden, grad):
    """Mean log loss of the CNN on images ``x`` (N, S, S, C) against 0/1 targets ``y``; its gradient into ``grad``.

    ``channels`` is ``(c1, c2)``, ``hidden`` the dense layer's width: ``ConvNet.loss_and_grad``'s arithmetic.
    """
    side, c_in = x.shape[1], x.shape[3]
    start = 0
    for live in live_ranges(side, c_in, kernel, channels, hidden):  # the gradient that is always zero
        grad[start:live[0]] = 0.0
        start = live[1]
    plan = layer_taps(side, c_in, kernel, channels, hidden)
    return loss_and_grad_with(params, x, y, kernel, channels, hidden, grad, plan)


@njit(cache=True, nogil=True)
def layer_taps(side, c_in, kernel, channels, hidden):
    """The :func:`taps` of the CNN's layers on ``side`` x ``side`` images, made once per chunk of steps: the
    convolutions', the dense layer's forward and backward (one pixel, every input a tap), and the second
    convolution's per pixel (one channel) for its pooled backward pass."""
    lo, half = (kernel - 1) // 2, (side + 1) // 2
    n_flat = ((half + 1) // 2) ** 2 * channels[1]
    conv1, conv2 = taps(side, kernel, lo, c_in), taps(half, kernel, lo, channels[0])
    dense, back, pixel = taps(1, 1, 0, n_flat), taps(1, 1, 0, hidden), taps(half, kernel, lo, 1)
    return conv1 + conv2 + dense + back + pixel


@njit(cache=True, nogil=True)
def param_blocks(side, c_in, kernel, channels, hidden):
    """Where each of ``ConvNet``'s parameter blocks (w1, b1, w2, b2, w3, b3, w4, b4) starts and ends in its flat
    vector, for ``side`` x ``side`` images."""
    c1, c2 = channels
    pooled = ((side + 1) // 2 + 1) // 2
    n_flat = pooled * pooled * c2
    sizes = np.array([kernel * kernel * c_in * c1, c1, kernel * kernel * c1 * c2, c2, n_flat * hidden, hidden,
                      hidden, 1])
    ends = np.cumsum(sizes)
    return ends - sizes, ends


@njit(cache=True, nogil=True)
def live_ranges(side, c_in, kernel, channels, hidden):
    """The ranges (start, end) of the CNN's flat parameters that can get a gradient: all but the kernel offsets of a
    convolution that never meet its image (a 5x5 kernel on the 2x2 maps of the second convolution reaches them
    with its middle 3x3 only), whose gradient is always zero."""
    c1, c2 = channels
    half, lo = (side + 1) // 2, (kernel - 1) // 2
    starts, ends = param_blocks(side, c_in, kernel, channels, hidden)
    conv2, size = starts[2], ends[-1]  # where the second convolution's kernel starts; all parameters
    out = np.empty((2 * kernel * kernel + 1, 2), dtype=np.int64)  # at most one range more than dead blocks
    n, start = 0, 0
    for width, block, first in ((side, c_in * c1, 0), (half, c1 * c2, conv2)):
        for o in range(kernel * kernel):
            reach = abs(o // kernel - lo) < width and abs(o % kernel - lo) < width  # the offset meets the image
            if not reach:  # a dead block: end the live range before it
                if first + o * block > start:
                    out[n, 0], out[n, 1] = start, first + o * block
                    n += 1
                start = first + (o + 1) * block
    out[n, 0], out[n, 1] = start, size
    return out[:n + 1]


@njit(cache=True, nogil=True)
def loss_and_grad_with(params, x, y, kernel, channels, hidden, grad, plan):
    """:func:`loss_and_grad` with the layers' :func:`layer_taps` given; ``grad`` must hold zeros outside
    :func:`live_ranges` (the gradient there is always zero and is not written)."""
    n_real, side, _, c_in = x.shape
    n_samples = -(-n_real // TILE) * TILE
    if n_samples != n_real:
        padded = np.zeros((n_samples, side, side, c_in))
        padded[:n_real] = x
        x = padded
    c1, c2 = channels
    starts, ends = param_blocks(side, c_in, kernel, channels, hidden)
    n_flat = (ends[4] - starts[4]) // hidden
    w1 = params[starts[0]:ends[0]].reshape((kernel, kernel, c_in, c1))
    b1 = params[starts[1]:ends[1]]
    w2 = params[starts[2]:ends[2]].reshape((kernel, kernel, c1, c2))
    b2 = params[starts[3]:ends[3]]
    w3 = params[starts[4]:ends[4]].reshape((n_flat, hidden))
    b3 = params[starts[5]:ends[5]]
    w4 = params[starts[6]:ends[6]]
    b4 = params[starts[7]]

    conv_starts, conv_inputs, conv_rows, conv2_starts, conv2_inputs, conv2_rows = plan[:6]
    dense_starts, dense_inputs, dense_rows, back_starts, back_inputs, back_rows = plan[6:12]
    pixel_starts, pixel_sources, pixel_offsets = plan[12:]
    m1, arg1 = pool_forward(conv_with(x, w1, b1, conv_starts, conv_inputs, conv_rows))
    m2, arg2 = pool_forward(conv_with(m1, w2, b2, conv2_starts, conv2_inputs, conv2_rows))
    flat = m2.reshape((n_samples, n_flat))
    z3 = np.empty((n_samples, 1, hidden))
    tap_products(flat, w3, b3, dense_starts, dense_inputs, dense_rows, z3)
    z3 = z3.reshape((n_samples, hidden))
    dz = np.zeros((n_samples, 1, hidden))
    grad_w4 = grad[starts[6]:ends[6]]
    grad_w4[:] = 0.0
    loss, grad_b4 = 0.0, 0.0
    for n in range(n_real):
        logit = 0.0
        for h in range(hidden):
            logit += max(z3[n, h], 0.0) * w4[h]
        logit += b4
        loss += np.logaddexp(0.0, logit) - y[n] * logit
        d = (1.0 / (1.0 + np.exp(-logit)) - y[n]) / n_real
        grad_b4 += d
        for h in range(hidden):
            grad_w4[h] += max(z3[n, h], 0.0) * d
            dz[n, 0, h] = d * w4[h] * (1.0 if z3[n, h] > 0.0 else 0.0)
    grad[starts[7]] = grad_b4
    grad_b3 = grad[starts[5]:ends[5]]
    grad_b3[:] = dz[:n_real].sum(axis=0)[0]
    grad_w3 = grad[starts[4]:ends[4]].reshape((n_flat, hidden))
    grad_w3[:] = 0.0
    tap_weight_grads(flat, dz, dense_starts, dense_inputs, dense_rows, grad_w3)
    dflat = np.empty((n_samples, 1, n_flat))  # the dense layer's input gradient: dz times w3 transposed
    w3_t = np.empty(n_flat * hidden)
    transpose(w3.reshape(-1), 0, n_flat, hidden, w3_t, 0)
    tap_products(dz.reshape((n_samples, hidden)), w3_t.reshape((hidden, n_flat)), np.zeros(n_flat), back_starts,
                 back_inputs, back_rows, dflat)

    dm1 = pooled_conv_backward_with(dflat.reshape(m2.shape), arg2, m1, w2, grad[starts[2]:ends[2]],
                                    grad[starts[3]:ends[3]], pixel_starts, pixel_sources, pixel_offsets)
    # the first convolution reads few channels (one, in the CNN), too few rows for pooled_conv_backward's loops:
    # its kernel's gradient is over the whole padded image, from the pooled gradient spread back over the pixels
    da1 = pool_backward(dm1, arg1, side)
    grad[starts[1]:ends[1]] = dm1.reshape((-1, c1)).sum(axis=0)  # each window's gradient reaches one cell
    grad_w1 = grad[starts[0]:ends[0]].reshape((kernel * kernel * c_in, c1))
    grad_w1[:] = 0.0
    padded_weight_grads(x, da1, kernel, grad_w1)
    return loss / n_real


@njit(cache=True, nogil=True)
def run_chunk(images, targets, kernel, channels, hidden, params, m, v, first, lr, batches, losses, interval):
    """``train_compiled``'s chunk for the CNN on ``images`` (N, S, S, C) and 0/1 ``targets``: one Adam step a batch."""
    grad = np.zeros(params.shape[0])
    plan = layer_taps(images.shape[1], images.shape[3], kernel, channels, hidden)
    live = live_ranges(images.shape[1], images.shape[3], kernel, channels, hidden)
    for k in range(batches.shape[0]):
        batch = batches[k]
        loss = loss_and_grad_with(params, images[batch], targets[batch], kernel, channels, hidden, grad, plan)
        status = finish_step_live(params, grad, m, v, lr, losses, first + k, loss, interval, live)
        if status != RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], RUNNING


__all__ = ["TILE", "conv_forward", "conv_with", "layer_taps", "live_ranges", "loss_and_grad", "loss_and_grad_with",
           "padded_weight_grads", "param_blocks", "pool_backward", "pool_forward", "pooled_conv_backward",
           "pooled_conv_backward_with", "run_chunk", "tap_products", "tap_weight_grads", "taps"]
