"""WeiNet's training step in compiled code (numba): the mixture of shifted correlators, the linear head, the log loss.

Once the correlators F (samples x shifts x correlators) are measured, a WeiNet step is classical:
softmax(s) mixes the shifts, a linear model with a bias gives the logit, and the log loss is
minimised.  :func:`run_chunk` is that step (the arithmetic of ``WeiNet._loss_and_grad``, which the
tests hold it to) for :func:`qbench.models.compiled_training.train_compiled`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbench.models.compiled_training import RUNNING, finish_step


@njit(cache=True, nogil=True)
def loss_and_grad(params, F, t, batch, grad):
    """Mean log loss of the batch's logits and its gradient (into ``grad``): params = (s (shifts), w, bias)."""
    n_shifts, n_corr = F.shape[1], F.shape[2]
    s = params[:n_shifts]
    e = np.exp(s - s.max())
    p = e / e.sum()
    grad[:] = 0.0
    dp = np.zeros(n_shifts)
    mix = np.empty(n_corr)  # the sample's correlators mixed over the shifts
    loss = 0.0
    size = batch.shape[0]
    for i in range(size):
        j = batch[i]
        z = params[-1]
        for o in range(n_corr):
            mix[o] = 0.0
            for q in range(n_shifts):
                mix[o] += p[q] * F[j, q, o]
            z += mix[o] * params[n_shifts + o]
        loss += np.logaddexp(0.0, z) - t[j] * z
        g = (1.0 / (1.0 + np.exp(-z)) - t[j]) / size
        for o in range(n_corr):
            for q in range(n_shifts):
                dp[q] += g * F[j, q, o] * params[n_shifts + o]
            grad[n_shifts + o] += mix[o] * g
        grad[-1] += g
    mean_dp = 0.0
    for q in range(n_shifts):
        mean_dp += p[q] * dp[q]
    for q in range(n_shifts):
        grad[q] = p[q] * (dp[q] - mean_dp)
    return loss / size


@njit(cache=True, nogil=True)
def run_chunk(F, t, params, m, v, first, lr, batches, losses, interval):
    """:func:`qbench.models.compiled_training.train_compiled`'s chunk of WeiNet steps."""
    grad = np.empty(params.shape[0])
    for k in range(batches.shape[0]):
        loss = loss_and_grad(params, F, t, batches[k], grad)
        status = finish_step(params, grad, m, v, lr, losses, first + k, loss, interval)
        if status != RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], RUNNING
