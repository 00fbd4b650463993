"""The variational zoo's whole training step in compiled code, on the numpy backend's dense sweeps.

At a few qubits the sweeps (:mod:`qbench.backends.dense_sweeps`) take a few microseconds per batch;
the Python around them in :meth:`VariationalClassifier._loss_and_grad` and the trainer (angle maps,
the loss, argument checks, Adam) takes several times that.  When the backend runs the model's
training step on the dense sweeps (``NumpyBackend.dense_training``), a model with a compiled
``head`` here trains through :func:`qbench.models.compiled_training.train_compiled` instead: the
same schedule, batches and arithmetic, one compiled call per thousand steps.

A head is a model's angle map and loss, the compiled twin of its ``_angles`` and ``_loss`` (the tests
hold each pair equal):

* :data:`SIGMOID6`: cross-entropy of sigmoid(6 <O_0>) (vanilla QNN, separable variational, QCNN);
* :data:`ERROR_PROBABILITY`: the mean probability of the wrong class (1 - <O_0> s) / 2, s = +-1 (IQP variational);
* :data:`SQUARE` / :data:`SQUARE_HALF`: (<O_0> + b - s)^2, halved for the latter (tree tensor, circuit-centric);
* :data:`DRESSED`: data angles tanh(W_in x) pi / 2, logits W_out <O>, two-class softmax cross-entropy
  (the dressed circuits); its input layer is trained through the data angles;
* :data:`REUPLOADING`: data angles x_(j mod d) omega_j, the paper's weighted fidelity cost with trainable alphas
  (the data re-uploading classifiers); omega is trained through the data angles.

Every other head has fixed data angles, computed once for the whole training set.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qbench.backends.dense_sweeps import backward, forward
from qbench.models.compiled_training import RUNNING, finish_step

SIGMOID6, ERROR_PROBABILITY, SQUARE, SQUARE_HALF, DRESSED, REUPLOADING = range(6)
HEADS = {"sigmoid6": SIGMOID6, "error_probability": ERROR_PROBABILITY, "square": SQUARE,
         "square_half": SQUARE_HALF, "dressed": DRESSED, "reuploading": REUPLOADING}


@njit(cache=True, nogil=True)
def _log_expit(z):
    return -np.logaddexp(0.0, -z)


@njit(cache=True, nogil=True)
def head_loss(head, c, F, y, dF, dc):
    """The mean loss of values F (m, n_obs) for 0/1 labels y; d loss / d F into ``dF`` and d loss / d c into ``dc``
    (for :data:`DRESSED`, its output layer only; the input layer's part comes through the data angles)."""
    m = F.shape[0]
    dF[:] = 0.0
    dc[:] = 0.0
    loss = 0.0
    if head == SIGMOID6:
        for s in range(m):
            z = 6.0 * F[s, 0]
            loss += np.logaddexp(0.0, z) - y[s] * z
            dF[s, 0] = 6.0 * ((0.5 * (1.0 + np.tanh(z / 2.0)) - y[s]) / m)
    elif head == ERROR_PROBABILITY:
        for s in range(m):
            sign = 2.0 * y[s] - 1.0
            loss += (1.0 - F[s, 0] * sign) / 2.0
            dF[s, 0] = -sign / 2.0 / m
    elif head == SQUARE or head == SQUARE_HALF:
        k = 1.0 if head == SQUARE_HALF else 2.0
        for s in range(m):
            r = F[s, 0] + c[0] - (2.0 * y[s] - 1.0)
            loss += r * r
            dF[s, 0] = k * r / m
            dc[0] += k * r / m
        if head == SQUARE_HALF:
            loss *= 0.5
    elif head == REUPLOADING:  # c = (omega, alpha_0 (k), alpha_1 (k)) for k observables
        k = F.shape[1]
        a0, a1 = c.shape[0] - 2 * k, c.shape[0] - k
        for s in range(m):
            for o in range(k):
                p0, p1 = (1.0 - F[s, o]) / 2.0, (1.0 + F[s, o]) / 2.0
                r0, r1 = c[a0 + o] * p0 - (1.0 - y[s]), c[a1 + o] * p1 - y[s]
                loss += r0 * r0 + r1 * r1
                dF[s, o] = (-0.5 * r0 * c[a0 + o] + 0.5 * r1 * c[a1 + o]) / m
                dc[a0 + o] += r0 * p0 / m
                dc[a1 + o] += r1 * p1 / m
        loss *= 0.5
    else:  # DRESSED: c = (W_in (n x n), W_out (2 x n)), both row-major
        n = F.shape[1]
        out = c[n * n:]
        for s in range(m):
            z = 0.0
            for i in range(n):
                z += F[s, i] * (out[n + i] - out[i])
            loss -= y[s] * _log_expit(z) + (1.0 - y[s]) * _log_expit(-z)
            r = (1.0 / (1.0 + np.exp(-z)) - y[s]) / m
            for i in range(n):
                dF[s, i] = r * (out[n + i] - out[i])
                dc[n * n + i] -= r * F[s, i]
                dc[n * n + n + i] += r * F[s, i]
    return loss / m


@njit(cache=True, nogil=True)
def dressed_angles(c, X, angles, t):
    """angles = tanh(X W_in^T) pi / 2 (and t = tanh(X W_in^T), for the backward pass)."""
    m, n = X.shape
    for s in range(m):
        for i in range(n):
            pre = 0.0
            for j in range(n):
                pre += X[s, j] * c[i * n + j]
            t[s, i] = np.tanh(pre)
            angles[s, i] = t[s, i] * (np.pi / 2)


@njit(cache=True, nogil=True)
def run_chunk(psi0, after, identity, members, kind, mask, signs, source, index, scale, offset, diagonals, head,
              n_weights, n_angles, inputs, targets, params, m, v, first, lr, batches, losses, interval):
    """:func:`qbench.models.compiled_training.train_compiled`'s chunk of steps for a head; ``inputs`` are the data
    angles (``n_angles`` of them) of every training sample, or its features for the heads with trainable angles;
    ``params`` the weights, then ``c``."""
    size, width = batches.shape[1], inputs.shape[1]
    X = np.empty((size, width))
    angles = np.empty((size, n_angles))
    t = np.empty((size, n_angles))
    y = np.empty(size)
    dF = np.empty((size, diagonals.shape[0]))
    dc = np.empty(params.shape[0] - n_weights)
    grad = np.empty(params.shape[0])
    n_data = n_angles if head == DRESSED or head == REUPLOADING else 0
    for k in range(batches.shape[0]):
        for s in range(size):
            y[s] = targets[batches[k, s]]
            X[s, :] = inputs[batches[k, s], :]
        c = params[n_weights:]
        if head == DRESSED:
            dressed_angles(c, X, angles, t)
        elif head == REUPLOADING:
            for s in range(size):
                for j in range(n_angles):
                    angles[s, j] = X[s, j % width] * c[j]
        else:
            angles[:, :] = X
        cos, sin, phi, final, values = forward(psi0, after, identity, members, kind, mask, signs, source, index,
                                               scale, offset, angles, params[:n_weights], diagonals)
        loss = head_loss(head, c, values, y, dF, dc)
        gw, ga = backward(after, identity, members, kind, mask, signs, source, index, scale, cos, sin, phi, final,
                          dF, diagonals, n_weights, n_data)
        grad[:n_weights] = gw
        grad[n_weights:] = dc
        if head == DRESSED:  # the input layer, through the data angles
            for s in range(size):
                for i in range(width):
                    pre = ga[s, i] * (np.pi / 2) * (1.0 - t[s, i] ** 2)
                    for j in range(width):
                        grad[n_weights + i * width + j] += pre * X[s, j]
        elif head == REUPLOADING:  # omega, through the data angles
            for s in range(size):
                for j in range(n_angles):
                    grad[n_weights + j] += ga[s, j] * X[s, j % width]
        status = finish_step(params, grad, m, v, lr, losses, first + k, loss, interval)
        if status != RUNNING:
            return first + k + 1, status
    return first + batches.shape[0], RUNNING


def chunk_runner(sweeps: tuple, diagonals: np.ndarray, head: str, n_weights: int, n_angles: int, inputs: np.ndarray,
                 targets: np.ndarray):
    """``run_chunk`` for :func:`~qbench.models.compiled_training.train_compiled`, bound to a circuit, a head and the
    training set (``inputs``: data angles, or features for the heads with trainable angles; ``targets``: 0/1)."""
    code = HEADS[head]
    inputs = np.ascontiguousarray(inputs, dtype=float)
    targets = np.ascontiguousarray(targets, dtype=float)
    return lambda *state: run_chunk(*sweeps, diagonals, code, int(n_weights), int(n_angles), inputs, targets, *state)


__all__ = ["DRESSED", "ERROR_PROBABILITY", "HEADS", "REUPLOADING", "SIGMOID6", "SQUARE", "SQUARE_HALF", "chunk_runner",
           "dressed_angles", "head_loss", "run_chunk"]
