"""WeiNet: the quantum convolutional network of Wei et al. 2021 as benchmarked by Bowles et al. 2024.

Wei et al. realise a 3x3 image filter as a linear combination of the nine unitaries
Q_ab = S_a (x) S_b (a, b in {-1, 0, 1}) that cyclically shift the rows and columns of an
amplitude-encoded image, selected by an ancilla register.  qml-benchmarks (whose model the
paper benchmarks) traces the ancilla out, which leaves a trainable classical mixture
softmax(s)_ab of the nine shifted states; the two least significant qubits of the row and
column registers are dropped (pooling), every <Z_i> and <Z_i Z_j> of the rest is measured,
and a linear model on them (with a bias) gives the logit, trained on the log loss.

qbench's circuit is framework-neutral: amplitude encoding of the zero-padded 2^m x 2^m
image (normalised; an all-zero image encodes |0...0>) is built from RY rotations and CNOTs
(the uniformly controlled rotations of Mottonen et al. 2004), with the angles computed by
the core.  A shift Q_ab permutes basis states, so <psi| Q^dag O Q |psi> is the expectation
of the permuted diagonal observable: the shifts are applied to the measured observables
(sums of Z strings) rather than as gates, which is exact and needs no multi-controlled X.

Differences, stated: (1) the ancilla-controlled LCU with post-selection of Wei et al. is
not built (as in qml-benchmarks, it becomes the trained mixture); (2) qml-benchmarks applies
S_a (x) S_a for every b (three distinct unitaries); here the nine are the S_a (x) S_b the
paper's convolution needs; (3) the filter values cancel in qml-benchmarks' unitaries
(V / filter), so ``filter_name`` has no effect there; it is validated and kept here for the
grid, and likewise does not change the model.  Training is the core trainer's (Adam over shuffled
minibatches, ``max_iter`` passes, or with ``max_steps`` the paper's schedule and stop rule:
:func:`qbench.models.training.train_schedule`).
Exact mode takes all states in one ``states`` call; shots mode estimates each outcome's
probability as the expectation of its projector from sampled counts (2**n ``expval`` calls)
and measures the shifted observables on those.
"""

from __future__ import annotations

from itertools import combinations
import math

import numpy as np
from scipy.special import expit, softmax
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.circuits.diagonal import diagonal_observable, projector
from qbench.circuits.observables import Observable
from qbench.circuits.variational import amplitude_angles, amplitude_circuit, normalised
from qbench.errors import DataError
from qbench.models.cnn import MAX_STEPS_CONSTRAINT, TRAINING_CONSTRAINTS, ImageClassifierBase, check_params, image_side
from qbench.models.encoding import QuantumModelMixin
from qbench.models.preprocessing import make_preprocessor
from qbench.models.training import record_training, train_schedule


FILTERS = ("edge_detect", "smooth", "sharpen")
SHIFTS = tuple((a, b) for a in (-1, 0, 1) for b in (-1, 0, 1))


class WeiNet(QuantumModelMixin, ImageClassifierBase):
    """Mixture of nine row/column shifts of an amplitude-encoded image, Z/ZZ correlators, linear head (Wei et al. 2021)."""

    #: The circuit it runs (docs/models.md draws it): the amplitude encoding of the padded image.
    circuit_templates = (("amplitude", {}),)

    _parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        **MAX_STEPS_CONSTRAINT,
        "filter_name": [StrOptions(set(FILTERS))],
        "reduction": [None],
        "scaling": [StrOptions({"minmax", "standard"}), None],
    }

    def __init__(self, filter_name="edge_detect", learning_rate=0.1, max_iter=100, batch_size=32, n_qubits=None,
                 reduction=None, scaling=None, backend="numpy", mode="exact", shots=None, backend_options=None,
                 max_steps=None, convergence_interval=None, random_state=None):
        self.filter_name = filter_name
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.max_steps = max_steps
        self.convergence_interval = convergence_interval
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.scaling = scaling
        self.backend = backend
        self.mode = mode
        self.shots = shots
        self.backend_options = backend_options
        self.random_state = random_state

    def check_width(self, n_features: int) -> None:
        """Refuse parameters or a feature count that is not a square image of side >= 3 (suites ask before running)."""
        check_params(self)
        if image_side(n_features) < 3:
            raise DataError(f"WeiNet needs images of side >= 3 (at least 4 qubits), got {n_features} pixels")

    def _observables(self, m: int) -> list[Observable]:
        """Every kept <Z_i>, <Z_i Z_j>, under each of the nine shifts: shift-major order."""
        n, h = 2 * m, 2**m
        kept = [q for q in range(n) if q not in (m - 1, n - 1)]
        correlators = [(q,) for q in kept] + list(combinations(kept, 2))
        idx = np.arange(2**n)
        row, col = idx >> m, idx & (h - 1)
        bits = np.array([(idx >> (n - 1 - q)) & 1 for q in range(n)])
        out = []
        for a, b in SHIFTS:
            moved = ((row + a) % h) * h + (col + b) % h
            for wires in correlators:
                diag = 1 - 2 * (bits[list(wires)].sum(axis=0) % 2)
                out.append(diagonal_observable(diag[moved].astype(float), f"shift{a},{b}_Z{wires}"))
        self.n_correlators_ = len(correlators)
        return out

    def _images(self, X: np.ndarray) -> np.ndarray:
        """The measured correlators, shape (N, 9, n_correlators)."""
        Z = self.preprocessor_.transform(X).reshape(len(X), self.side_, self.side_)
        h = 2**self.m_
        padded = np.zeros((len(X), h, h))
        padded[:, :self.side_, :self.side_] = Z
        angles = amplitude_angles(normalised(padded.reshape(len(X), -1)))
        n = self.circuit_.n_qubits
        if self.backend_.mode == "exact":
            probs = np.abs(self.backend_.states(self.circuit_, angles)) ** 2
        else:  # each outcome's probability from sampled counts: 2**n calls, fewer than the shifted observables
            probs = np.column_stack([self.backend_.expval(self.circuit_, angles, None, projector(n, i))
                                     for i in range(2**n)])
        diagonals = np.column_stack([o.diagonal(n) for o in self.observables_])
        return (probs @ diagonals).reshape(len(X), len(SHIFTS), self.n_correlators_)

    def _logits(self, params: np.ndarray, F: np.ndarray) -> np.ndarray:
        s, w = params[:len(SHIFTS)], params[len(SHIFTS):]
        E = np.einsum("q,sqo->so", softmax(s), F)
        return E @ w[:-1] + w[-1]

    def _loss_and_grad(self, params: np.ndarray, F: np.ndarray, t: np.ndarray):
        s, w = params[:len(SHIFTS)], params[len(SHIFTS):]
        p = softmax(s)
        E = np.einsum("q,sqo->so", p, F)
        z = E @ w[:-1] + w[-1]
        loss = float(np.mean(np.logaddexp(0.0, z) - t * z))
        g = (expit(z) - t) / len(t)
        v = np.einsum("s,sqo,o->q", g, F, w[:-1])  # d loss / d p
        return loss, np.concatenate([p * (v - p @ v), E.T @ g, [g.sum()]])

    def _compiled_steps(self, F: np.ndarray, t: np.ndarray):
        """The paper's schedule's steps compiled (:mod:`qbench.models.weinet_steps`), or None for the pass schedule."""
        if self.max_steps is None:
            return None
        from qbench.models import weinet_steps

        F, t = np.ascontiguousarray(F, dtype=float), np.ascontiguousarray(t, dtype=float)
        return lambda *state: weinet_steps.run_chunk(F, t, *state)

    def fit(self, X, y):
        X, y, self.classes_ = self._check_training(X, y)
        self.check_width(X.shape[1])
        self.m_ = math.ceil(math.log2(self.side_))
        n = 2 * self.m_
        if self.n_qubits is not None and int(self.n_qubits) != n:
            raise DataError(f"WeiNet encodes a {self.side_} x {self.side_} image on {n} qubits; n_qubits is {self.n_qubits}")
        self.n_qubits_ = n
        rng = check_random_state(self.random_state)
        self.preprocessor_ = make_preprocessor(None, feature_range=(0.0, 1.0), scaling=self.scaling).fit(X)
        self.circuit_ = amplitude_circuit(n)
        self.observables_ = self._observables(self.m_)
        self.backend_ = self._open_backend(rng)
        F = self._images(X)
        t = (y == self.classes_[1]).astype(float)
        n_w = self.n_correlators_ + 1
        params = np.concatenate([rng.normal(0.0, 1.0, len(SHIFTS)), rng.normal(0.0, 1.0, n_w) / n_w])
        result = train_schedule(lambda w, batch: self._loss_and_grad(w, F[batch], t[batch]), params, rng=rng,
                                n_samples=len(t), learning_rate=float(self.learning_rate),
                                batch_size=int(self.batch_size), max_iter=int(self.max_iter),
                                max_steps=self.max_steps, convergence_interval=self.convergence_interval,
                                run_chunk=self._compiled_steps(F, t))
        self.params_ = result.params
        record_training(self, result)
        return self

    def decision_function(self, X):
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False)
        return self._logits(self.params_, self._images(X))
