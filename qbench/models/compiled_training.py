"""The core trainer's loop in compiled code, for models whose whole training step compiles (numba).

:func:`qbench.models.training.train` calls a model's ``loss_and_grad`` from Python once a step; at
a few qubits or a tiny CNN the arithmetic of a step takes microseconds and the Python around it
(argument checks, small NumPy calls, Adam, the batch draw, the stop rule) takes ten times that.
:func:`train_compiled` runs the same schedule with the steps in compiled code: the model hands it a
``run_chunk`` that loops over a chunk of batches, computing each step's loss and gradient itself and
finishing every step with :func:`finish_step` (Adam, the loss record, the NaN stop and the paper's
stop rule, all compiled here once).  The Python side draws each chunk's batches from the model's
``random_state`` with one ``randint`` call, the same stream :func:`~qbench.models.training.train`
draws one batch at a time, so a seed gives the same batches and, up to rounding, the same model as
the Python loop.  The one difference: a run that stops early has drawn the rest of its last chunk, so
the generator is further on afterwards (no model draws from it after training).

A model's ``run_chunk(params, m, v, first, learning_rate, batches, losses, interval)`` updates
``params``, ``m`` and ``v`` in place, writes the loss of step ``first + k`` to ``losses[first + k]``,
and returns ``(steps done in all, status)`` with status :data:`RUNNING`, :data:`CONVERGED` or
:data:`NOT_FINITE` (as :func:`finish_step` says).
"""

from __future__ import annotations

import warnings

import numpy as np
from numba import njit
from sklearn.exceptions import ConvergenceWarning

from qbench.models.training import TrainResult, check_schedule

#: :func:`finish_step`'s verdicts.
RUNNING, CONVERGED, NOT_FINITE = 0, 1, 2
#: Steps drawn and run per compiled call (the stop rule is checked every step) ...
CHUNK_STEPS = 1024
#: ... and at most this many batch entries per call, so a huge ``batch_size`` draws one step at a time.
CHUNK_ENTRIES = 2**20
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


@njit(cache=True, nogil=True, fastmath={"arcp"}, error_model="numpy")
def adam_step(params, grad, m, v, t, lr):
    """Adam step ``t`` (1-based) in place: :class:`qbench.models.training.Adam`'s operations, its divisions allowed to
    become products with a reciprocal (``arcp``: half the time on 10^4-10^5 parameters, a last-bit difference).

    One branch-free loop, so the compiler vectorises it (``error_model="numpy"``: a division by zero is IEEE's, no
    Python exception to check for): on a CNN's 60,000 parameters a quarter of the time that skipping the
    all-zero ones (kernel taps that never meet the image) took."""
    c1 = 1.0 - BETA1 ** float(t)
    c2 = 1.0 - BETA2 ** float(t)
    for i in range(params.shape[0]):
        g = grad[i]
        mi = m[i] * BETA1 + (1.0 - BETA1) * g
        vi = v[i] * BETA2 + (g * g) * (1.0 - BETA2)
        m[i], v[i] = mi, vi
        params[i] = params[i] - (mi / c1) * lr / (np.sqrt(vi / c2) + EPS)


@njit(cache=True, nogil=True)
def loss_is_flat_at(losses, n, interval):
    """The paper's stop rule (:func:`qbench.models.training.loss_is_flat`) on ``losses[:n]``; ``interval`` 0 is off."""
    if interval <= 0 or n <= 2 * interval:
        return False
    last = losses[n - interval:n]
    before = losses[n - 2 * interval:n - interval]
    return abs(before.mean() - last.mean()) <= last.std() / np.sqrt(interval) / 2


@njit(cache=True, nogil=True)
def finish_step(params, grad, m, v, lr, losses, step, loss, interval):
    """After step ``step`` (0-based) computed ``loss`` and ``grad``: the Adam update, the loss recorded, and the
    verdict, in :func:`qbench.models.training.train`'s order (a non-finite loss stops after its update)."""
    adam_step(params, grad, m, v, step + 1, lr)
    return record_step(losses, step, loss, interval)


@njit(cache=True, nogil=True)
def finish_step_live(params, grad, m, v, lr, losses, step, loss, interval, live):
    """:func:`finish_step` with Adam on the parameters in ``live``'s ranges (start, end) alone: for a model whose
    other parameters never get a gradient (with Adam's moments starting at zero, their updates are exactly zero,
    so the result is the same to the bit)."""
    for r in range(live.shape[0]):
        a, b = live[r, 0], live[r, 1]
        adam_step(params[a:b], grad[a:b], m[a:b], v[a:b], step + 1, lr)
    return record_step(losses, step, loss, interval)


@njit(cache=True, nogil=True)
def record_step(losses, step, loss, interval):
    """The loss of step ``step`` recorded, and the verdict: :data:`NOT_FINITE`, :data:`CONVERGED` or
    :data:`RUNNING`."""
    losses[step] = loss
    if not np.isfinite(loss):
        return NOT_FINITE
    if loss_is_flat_at(losses, step + 1, interval):
        return CONVERGED
    return RUNNING


def train_compiled(run_chunk, params: np.ndarray, *, rng: np.random.RandomState, n_samples: int,
                   learning_rate: float, batch_size: int, max_steps: int, convergence_interval: int | None = None,
                   warn: bool = True) -> TrainResult:
    """:func:`qbench.models.training.train` with ``sampling="replacement"``, each chunk of steps run by ``run_chunk``.

    Same schedule, same batches, same result record, same ``ConvergenceWarning``.
    """
    check_schedule(learning_rate, batch_size, max_steps, convergence_interval)
    params = np.array(params, dtype=float)
    m, v = np.zeros_like(params), np.zeros_like(params)
    interval = int(convergence_interval or 0)
    losses = np.empty(0)
    done, status = 0, RUNNING
    while done < max_steps and status == RUNNING:
        k = min(CHUNK_STEPS, max(1, CHUNK_ENTRIES // int(batch_size)), int(max_steps) - done)
        batches = rng.randint(0, n_samples, size=(k, int(batch_size)))
        if len(losses) < done + k:  # grows with the steps run, never with max_steps
            losses = np.concatenate([losses, np.empty(max(done + k, 2 * len(losses)) - len(losses))])
        done, status = run_chunk(params, m, v, done, float(learning_rate), batches, losses, interval)
        done = int(done)
    result = TrainResult(params, step_losses=losses[:done].tolist(), batch_sizes=[int(batch_size)] * done,
                         converged=status == CONVERGED)
    if warn and convergence_interval is not None and not result.converged:
        warnings.warn(f"training did not converge within max_steps={max_steps} steps", ConvergenceWarning,
                      stacklevel=2)
    return result


__all__ = ["CHUNK_ENTRIES", "CHUNK_STEPS", "CONVERGED", "NOT_FINITE", "RUNNING", "adam_step", "finish_step",
           "finish_step_live", "loss_is_flat_at", "record_step", "train_compiled"]
