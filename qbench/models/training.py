"""The core trainer every trained quantum model shares: Adam on one flat parameter vector, seeded batches, a stop rule.

A model hands :func:`train` a function ``loss_and_grad(params, batch) -> (loss, grad)`` over a
flat vector that holds its quantum weights and any classical parameters together (joint
training), and the trainer owns the rest: the optimiser, which samples each step sees (drawn
from the model's ``random_state``, so a seed gives the same model on every exact backend), and
when to stop.  The stop rule is the one Bowles, Ahmed & Schuld (2024) train with: the loss is
flat when the means of the last two windows of ``convergence_interval`` steps differ by no more
than half the standard error of the last window; ``max_steps`` caps the run.  Models whose
``max_iter`` counts passes over the data (QNNClassifier, WeiNet, the Boltzmann machines) train
through :func:`train_epochs`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from qbench.errors import DataError

#: How batches are drawn: ``"epochs"`` shuffles the training set once per pass and walks it in
#: batches (QNNClassifier); ``"replacement"`` draws each step's batch with replacement (the paper);
#: ``"per_group"`` draws ``batch_size`` distinct samples from each of the given groups (the metric
#: learner's batch of each class).
SAMPLINGS = ("epochs", "replacement", "per_group")
#: The largest ``batch_size`` a trained model takes (the paper's grids use 16-64): one step's batch is drawn at
#: once, so an unbounded size could allocate without bound.
MAX_BATCH_SIZE = 100_000


def batch_size_constraint() -> list:
    """``batch_size`` as a scikit-learn ``_parameter_constraints`` entry: an integer from 1 to :data:`MAX_BATCH_SIZE`,
    refused when parameters are checked (a suite file when it is read)."""
    from numbers import Integral

    from sklearn.utils._param_validation import Interval

    return [Interval(Integral, 1, MAX_BATCH_SIZE, closed="both")]


class Adam:
    """Adam optimiser on a flat parameter vector."""

    def __init__(self, size: int, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """The updated parameters (a new array); the moments are updated in place, operation for operation
        the textbook update m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p - lr m_hat / (sqrt(v_hat) + eps)."""
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * grad
        self.v *= self.beta2
        sq = np.multiply(grad, grad)
        sq *= 1 - self.beta2
        self.v += sq
        denom = np.divide(self.v, 1 - self.beta2**self.t, out=sq)
        np.sqrt(denom, out=denom)
        denom += self.eps
        update = self.m / (1 - self.beta1**self.t)
        update *= self.lr
        update /= denom
        return params - update


def loss_is_flat(losses, interval: int) -> bool:
    """The paper's convergence rule: |mean(last window) - mean(window before)| <= std(last window) / sqrt(interval) / 2.

    Decided only once more than two windows of losses exist.
    """
    if interval is None or len(losses) <= 2 * interval:
        return False
    last = np.asarray(losses[-interval:], dtype=float)
    before = np.asarray(losses[-2 * interval:-interval], dtype=float)
    return bool(abs(before.mean() - last.mean()) <= last.std() / np.sqrt(interval) / 2)


@dataclass
class TrainResult:
    """What :func:`train` returns: final parameters, the loss of every step, and why it stopped."""

    params: np.ndarray
    step_losses: list[float] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)
    converged: bool = False
    #: Mean loss per completed pass over the data (:func:`train_epochs` only).
    epoch_losses: list[float] = field(default_factory=list)
    #: Whether training counted passes (:func:`train_epochs`) rather than steps.
    by_pass: bool = False

    @property
    def n_steps(self) -> int:
        return len(self.step_losses)

    @property
    def loss_curve(self) -> list[float]:
        """The loss per pass for :func:`train_epochs`, else per step (a model's ``loss_curve_``; its length ``n_iter_``)."""
        return self.epoch_losses if self.by_pass else self.step_losses


def check_schedule(learning_rate: float, batch_size: int, max_steps: int, convergence_interval: int | None = None) -> None:
    """One-line error for a training schedule that cannot run."""
    if not (isinstance(max_steps, (int, np.integer)) and max_steps >= 1):
        raise DataError(f"max_steps / max_iter must be an integer >= 1, got {max_steps!r}")
    if not (isinstance(batch_size, (int, np.integer)) and batch_size >= 1):
        raise DataError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise DataError(f"learning_rate must be > 0, got {learning_rate!r}")
    if convergence_interval is not None and not (isinstance(convergence_interval, (int, np.integer))
                                                 and convergence_interval >= 1):
        raise DataError(f"convergence_interval must be an integer >= 1 or none, got {convergence_interval!r}")


def epoch_batches(rng: np.random.RandomState, n_samples: int, batch_size: int):
    """Endless batches: a fresh permutation of the samples per pass, cut into ``batch_size`` pieces."""
    while True:
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            yield order[start:start + batch_size]


def replacement_batches(rng: np.random.RandomState, n_samples: int, batch_size: int):
    """Endless batches of ``batch_size`` samples drawn with replacement (the paper's ``get_batch``)."""
    while True:
        yield rng.randint(0, n_samples, size=batch_size)


def group_batches(rng: np.random.RandomState, groups, batch_size: int):
    """Endless batches: ``batch_size`` distinct samples of each group (index arrays), the groups' draws in order."""
    while True:
        yield np.concatenate([group[rng.choice(len(group), batch_size, replace=False)] for group in groups])


def train(loss_and_grad: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]], params: np.ndarray, *,
          rng: np.random.RandomState, n_samples: int, learning_rate: float, batch_size: int, max_steps: int,
          convergence_interval: int | None = None, sampling: str = "replacement", warn: bool = True,
          groups=None) -> TrainResult:
    """Adam on ``params`` over seeded batches until the loss is flat (:func:`loss_is_flat`) or ``max_steps``.

    ``loss_and_grad(params, batch)`` gets the indices of the step's samples and returns the mean
    loss on them and its gradient with respect to every entry of ``params``.  A NaN loss stops
    training at once (as the paper's trainer does).  Not converging within ``max_steps`` with a
    ``convergence_interval`` set is a scikit-learn ``ConvergenceWarning`` (the paper raises it).
    ``sampling="per_group"`` takes ``groups``, a list of index arrays (e.g. one per class): each
    batch is ``batch_size`` distinct samples of every group, group after group.
    """
    if sampling not in SAMPLINGS:
        raise DataError(f"sampling must be one of {', '.join(SAMPLINGS)}, got {sampling!r}")
    check_schedule(learning_rate, batch_size, max_steps, convergence_interval)
    if sampling == "per_group":
        if not groups or min(len(g) for g in groups) < batch_size:
            raise DataError(f"per-group batches of {batch_size} need groups of at least {batch_size} samples")
        batches = group_batches(rng, [np.asarray(g) for g in groups], int(batch_size))
    else:
        batches = (epoch_batches if sampling == "epochs" else replacement_batches)(rng, n_samples, int(batch_size))
    params = np.asarray(params, dtype=float).copy()
    opt = Adam(len(params), float(learning_rate))
    result = TrainResult(params)
    for _ in range(int(max_steps)):
        batch = next(batches)
        loss, grad = loss_and_grad(params, batch)
        params = opt.step(params, np.asarray(grad, dtype=float))
        result.step_losses.append(float(loss))
        result.batch_sizes.append(len(batch))
        if not np.isfinite(loss):
            break
        if loss_is_flat(result.step_losses, convergence_interval):
            result.converged = True
            break
    result.params = params
    if warn and convergence_interval is not None and not result.converged:
        warnings.warn(f"training did not converge within max_steps={max_steps} steps", ConvergenceWarning,
                      stacklevel=2)
    return result


def train_epochs(loss_and_grad: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]], params: np.ndarray, *,
                 rng: np.random.RandomState, n_samples: int, learning_rate: float, batch_size: int,
                 max_epochs: int) -> TrainResult:
    """:func:`train` for the models whose ``max_iter`` counts passes: ``max_epochs`` shuffled passes, no stop rule.

    Every pass is a fresh permutation of the samples cut into ``batch_size`` batches; the result's
    ``epoch_losses`` holds the mean loss of each completed pass (the models' ``loss_curve_``).
    """
    check_schedule(learning_rate, batch_size, max_epochs)
    steps_per_pass = -(-int(n_samples) // int(batch_size))
    result = train(loss_and_grad, params, rng=rng, n_samples=n_samples, learning_rate=learning_rate,
                   batch_size=int(batch_size), max_steps=int(max_epochs) * steps_per_pass, sampling="epochs")
    result.epoch_losses = epoch_losses(result, n_samples)
    result.by_pass = True
    return result


def train_schedule(loss_and_grad: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]], params: np.ndarray, *,
                   rng: np.random.RandomState, n_samples: int, learning_rate: float, batch_size: int, max_iter: int,
                   max_steps: int | None = None, convergence_interval: int | None = None,
                   run_chunk=None) -> TrainResult:
    """The two schedules of the models whose ``max_iter`` counts passes (WeiNet, the Boltzmann machines, the CNN-headed
    image models): ``max_steps=None`` trains ``max_iter`` shuffled passes, no stop rule (:func:`train_epochs`); a
    ``max_steps`` trains the paper's way instead (:func:`train`: batches drawn with replacement, at most
    ``max_steps`` steps, the stop rule every ``convergence_interval`` steps), and ``max_iter`` is not read.
    ``run_chunk``, the same step compiled, runs the paper's schedule in compiled code
    (:func:`qbench.models.compiled_training.train_compiled`: same batches, same model up to rounding).
    """
    check_passes_or_steps(max_steps, convergence_interval)
    if max_steps is None:
        return train_epochs(loss_and_grad, params, rng=rng, n_samples=n_samples, learning_rate=learning_rate,
                            batch_size=batch_size, max_epochs=max_iter)
    if run_chunk is not None:
        from qbench.models.compiled_training import train_compiled

        return train_compiled(run_chunk, params, rng=rng, n_samples=n_samples, learning_rate=learning_rate,
                              batch_size=int(batch_size), max_steps=max_steps,
                              convergence_interval=convergence_interval)
    return train(loss_and_grad, params, rng=rng, n_samples=n_samples, learning_rate=learning_rate,
                 batch_size=int(batch_size), max_steps=max_steps, convergence_interval=convergence_interval,
                 sampling="replacement", warn=True)


def check_passes_or_steps(max_steps: int | None, convergence_interval: int | None) -> None:
    """One-line error for a stop rule on the pass schedule of :func:`train_schedule` (it has none)."""
    if max_steps is None and convergence_interval is not None:
        raise DataError("convergence_interval needs max_steps (the paper's schedule); max_iter passes run without "
                        "a stop rule")


class PassesOrSteps:
    """Mixin of the estimators trained by :func:`train_schedule`: the suite parser asks ``check_schedule()``."""

    def check_schedule(self) -> None:
        check_passes_or_steps(self.max_steps, self.convergence_interval)


def record_training(estimator, result: TrainResult) -> None:
    """A fitted model's training record: ``loss_curve_`` (per pass or per step), ``n_iter_`` (its length) and
    ``converged_`` (whether the stop rule ended training)."""
    estimator.loss_curve_ = result.loss_curve
    estimator.n_iter_ = len(result.loss_curve)
    estimator.converged_ = result.converged


def epoch_losses(result: TrainResult, n_samples: int) -> list[float]:
    """Mean training loss per pass over the data, for ``sampling="epochs"`` (batches weighted by size)."""
    out, pass_losses, seen = [], [], 0
    for loss, size in zip(result.step_losses, result.batch_sizes):
        pass_losses.append(loss * size)
        seen += size
        if seen >= n_samples:
            out.append(float(np.sum(pass_losses) / n_samples))
            pass_losses, seen = [], 0
    return out


__all__ = ["Adam", "MAX_BATCH_SIZE", "PassesOrSteps", "SAMPLINGS", "TrainResult", "batch_size_constraint",
           "check_passes_or_steps", "check_schedule", "epoch_batches", "epoch_losses", "group_batches", "loss_is_flat",
           "record_training", "replacement_batches", "train", "train_epochs", "train_schedule"]
