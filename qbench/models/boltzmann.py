"""Quantum Boltzmann machines (Zoufal et al. 2021, as benchmarked by Bowles et al. 2024), and the separable version.

The model output is f(x) = tr[O rho(x)] with the Gibbs state rho(x) = exp(-H(x)/T) / Z of
H(x) = sum_i (theta^Z_i . x) Z_i + sum_i (theta^X_i . x) X_i + sum_{i<j} (theta^ZZ_ij . x) Z_i Z_j
on one qubit per feature, and O the mean (``observable_type="sum"``) or product of Z on the
first ``visible_qubits`` qubits ("single": 1, "half": n // 2, "full": n).  P(class 1) =
(1 + f) / 2, trained on the log loss by the core trainer (Adam over shuffled minibatches, ``max_iter``
passes, or with ``max_steps`` the paper's schedule and stop rule:
:func:`qbench.models.training.train_schedule`).  The separable version is a product of one-qubit Gibbs
states, H_i = (theta_2i . x) Z + (theta_2i+1 . x) X, one per visible qubit.

A Gibbs state is not the output of a unitary circuit, and the IR has no way to prepare
one; like the paper (which also assumes the exact Gibbs state rather than the variational
imaginary-time preparation of Zoufal et al.), qbench computes it exactly in the core by
diagonalising H(x) for every sample, with the exact gradient from the eigenbasis (divided
differences of exp(-lambda/T)); the separable version's one-qubit states have a closed form
(:func:`one_qubit_gibbs_z`), which it uses instead.  On the paper's schedule the training steps run compiled
(:mod:`qbench.models.boltzmann_steps`, one sample at a time, by
:func:`~qbench.models.compiled_training.train_compiled`: the same batches and, up to rounding, the same model) at up
to :data:`COMPILED_MAX_QUBITS` qubits, the separable version at any width; these NumPy functions stay the definition
(prediction, the pass schedule and wider Hamiltonians use them).  That is a classical simulation: the models
therefore run on the ``numpy`` backend in exact mode only, and a suite's other backends and modes show as
skipped with the reason (:data:`SUPPORTED_BACKENDS`, read by the runner).

Inputs: the paper standardises features (``scaling="standard"``, the estimator's default); a suite's
data set scales min-max by default, which here maps each feature to [-1, 1].

One difference from qml-benchmarks' code: there every ZZ term shares one parameter vector
(its counter is not advanced); here each term has its own, as its docstring's formula says.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.errors import CapabilityError, DataError
from qbench.models.cnn import MAX_STEPS_CONSTRAINT, TRAINING_CONSTRAINTS, check_params
from qbench.models.encoding import QuantumModelMixin
from qbench.models.preprocessing import make_preprocessor, resolve_width
from qbench.models.training import PassesOrSteps, record_training, train_schedule


#: The backends and modes these models run on (an exact classical simulation; see the module docstring).
SUPPORTED_BACKENDS = ("numpy",)
SUPPORTED_MODES = ("exact",)
VISIBLE = ("single", "half", "full")
OBSERVABLES = ("sum", "product")

#: Matrix entries diagonalised at once (samples x 2**n x 2**n): bounds the working memory to a few
#: hundred MB at 10 qubits (two samples per chunk) while small Hamiltonians go 64 at a time.
CHUNK_ENTRIES = 2**21
#: Eigenvalue gaps below this take the derivative of exp(-lambda/T) in place of the divided difference.
CLOSE_EIGENVALUES = 1e-10
#: Up to this many qubits a fit on the paper's schedule runs its steps compiled, one sample's 2**n x 2**n
#: matrices at a time (:mod:`qbench.models.boltzmann_steps`); above, and on the pass schedule, the NumPy steps
#: (at 7 qubits their batched BLAS products beat the compiled loops; the eigh dominates from 4 qubits on).
COMPILED_MAX_QUBITS = 6


@dataclass(frozen=True)
class PauliTerms:
    """Hamiltonian terms that are Z strings (``diagonals[k]``, when ``flips[k] == 0``) or one X (``flips[k]``: the
    basis-index bit it flips).  Stored as vectors, not 2**n x 2**n matrices."""

    diagonals: np.ndarray
    flips: np.ndarray

    def __len__(self) -> int:
        return len(self.flips)

    def dense(self) -> np.ndarray:
        """The terms as matrices (for tests and small checks)."""
        dim = self.diagonals.shape[1]
        out = np.array([np.diag(d) for d in self.diagonals])
        idx = np.arange(dim)
        for k, mask in enumerate(self.flips):
            if mask:
                out[k][idx, idx ^ mask] = 1.0
        return out


def z_diagonal(n: int, wires) -> np.ndarray:
    """Eigenvalues of prod_{q in wires} Z_q on the basis states (qubit 0 most significant)."""
    idx = np.arange(2**n)
    parity = np.zeros(2**n, dtype=int)
    for q in wires:
        parity ^= (idx >> (n - 1 - q)) & 1
    return 1.0 - 2.0 * parity


def hamiltonian_terms(n: int) -> PauliTerms:
    """Z_0, X_0, Z_1, X_1, ..., then Z_i Z_j (i < j): the terms of H, 2n + n(n-1)/2 of them."""
    diagonals, flips = [], []
    for q in range(n):
        diagonals += [z_diagonal(n, (q,)), np.zeros(2**n)]
        flips += [0, 1 << (n - 1 - q)]
    for i, j in combinations(range(n), 2):
        diagonals.append(z_diagonal(n, (i, j)))
        flips.append(0)
    return PauliTerms(np.array(diagonals), np.array(flips, dtype=np.int64))


def gibbs_expectation(coeffs: np.ndarray, terms: PauliTerms, observable: np.ndarray, temperature: float):
    """tr[O exp(-H/T)] / Z for H_s = sum_k coeffs[s, k] terms[k], and its gradient d f_s / d coeffs[s, k].

    ``observable`` is O's diagonal.  The gradient uses the eigenbasis of H: d exp(-beta H)
    has entries (dH)_ij (w_i - w_j) / (lambda_i - lambda_j), w = exp(-beta lambda).
    Samples are diagonalised in chunks of :data:`CHUNK_ENTRIES` matrix entries.
    """
    chunk = max(1, min(64, CHUNK_ENTRIES // terms.diagonals.shape[1] ** 2))
    parts = [_gibbs_chunk(coeffs[s:s + chunk], terms, observable, float(temperature))
             for s in range(0, len(coeffs), chunk)]
    if not parts:
        return np.zeros(0), np.zeros((0, len(terms)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _gibbs_chunk(coeffs, terms: PauliTerms, observable, temperature):
    beta = 1.0 / temperature
    dim = terms.diagonals.shape[1]
    idx = np.arange(dim)
    H = np.zeros((len(coeffs), dim, dim))
    H[:, idx, idx] = coeffs @ terms.diagonals
    xs = np.flatnonzero(terms.flips)
    for k in xs:
        H[:, idx, idx ^ terms.flips[k]] += coeffs[:, k, None]
    lam, V = np.linalg.eigh(H)
    lam = lam - lam[:, :1]  # shift by the ground energy: exp stays in [0, 1], the ratio is unchanged
    w = np.exp(-beta * lam)
    Z = w.sum(axis=1)
    O = V.transpose(0, 2, 1) @ (observable[None, :, None] * V)  # V^T diag(o) V, by BLAS
    f = np.einsum("sii,si->s", O, w) / Z
    dl = lam[:, :, None] - lam[:, None, :]
    dw = w[:, :, None] - w[:, None, :]
    close = np.abs(dl) < CLOSE_EIGENVALUES
    mid = -beta * 0.5 * (w[:, :, None] + w[:, None, :])
    G = O * np.where(close, mid, dw / np.where(close, 1.0, dl))
    G[:, idx, idx] -= f[:, None] * (-beta * w)
    G /= Z[:, None, None]
    Gc = V @ G @ V.transpose(0, 2, 1)
    grad = np.diagonal(Gc, axis1=1, axis2=2) @ terms.diagonals.T
    for k in xs:
        grad[:, k] = Gc[:, idx, idx ^ terms.flips[k]].sum(axis=1)
    return f, grad


#: Below this beta * r the one-qubit closed form uses its Taylor series (no 0/0 at a vanishing field).
SMALL_FIELD = 1e-4


def one_qubit_gibbs_z(a: np.ndarray, b: np.ndarray, temperature: float):
    """<Z> of the one-qubit Gibbs state of H = a Z + b X, and its gradient (d/da, d/db), in closed form.

    H has eigenvalues +-r, r = sqrt(a^2 + b^2), so exp(-beta H) / Z = (I - tanh(beta r) H / r) / 2 and
    <Z> = -a g(r) with g(r) = tanh(beta r) / r; d<Z>/da = -(g + a^2 h), d<Z>/db = -a b h with
    h(r) = g'(r) / r.  At beta r < :data:`SMALL_FIELD` both use their series (g = beta (1 - x^2 / 3),
    h = -2 beta^3 / 3 (1 - 4 x^2 / 5), x = beta r), accurate there to ~x^4.  Equal to
    :func:`gibbs_expectation` on these terms (tested) without diagonalising anything.
    """
    beta = 1.0 / float(temperature)
    r = np.hypot(a, b)
    x = beta * r
    small = x < SMALL_FIELD
    safe_r = np.where(small, 1.0, r)
    t = np.tanh(np.where(small, 0.0, x))
    g = np.where(small, beta * (1.0 - x**2 / 3.0), t / safe_r)
    h = np.where(small, -2.0 * beta**3 / 3.0 * (1.0 - 0.8 * x**2),
                 (beta * safe_r * (1.0 - t**2) - t) / safe_r**3)
    return -a * g, -(g + a * a * h), -a * b * h


class QuantumBoltzmannMachine(QuantumModelMixin, PassesOrSteps, ClassifierMixin, BaseEstimator):
    """<O> in the exact Gibbs state of a data-dependent Hamiltonian; numpy backend, exact mode only."""

    supported_backends = SUPPORTED_BACKENDS
    supported_modes = SUPPORTED_MODES
    _parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        **MAX_STEPS_CONSTRAINT,
        "visible_qubits": [StrOptions(set(VISIBLE))],
        "observable_type": [StrOptions(set(OBSERVABLES))],
        "temperature": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, visible_qubits="single", observable_type="sum", temperature=1.0, learning_rate=0.001,
                 max_iter=100, batch_size=32, n_qubits=None, reduction=None, scaling="standard", backend="numpy",
                 mode="exact", shots=None, backend_options=None, max_steps=None, convergence_interval=None,
                 random_state=None):
        self.visible_qubits = visible_qubits
        self.observable_type = observable_type
        self.temperature = temperature
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

    # ------------------------------------------------------------- the model
    def _setup(self, n: int) -> int:
        """Build the Hamiltonian terms and observable for n qubits; returns the number of parameter rows."""
        nv = {"single": 1, "half": max(1, n // 2), "full": n}[self.visible_qubits]
        self.n_visible_ = nv
        self.terms_ = hamiltonian_terms(n)
        self.observable_ = self._observable(n, nv)
        return len(self.terms_)

    def _observable(self, n: int, nv: int) -> np.ndarray:
        idx = np.arange(2**n)
        z = np.array([1 - 2 * ((idx >> (n - 1 - q)) & 1) for q in range(nv)], dtype=float)
        return z.mean(axis=0) if self.observable_type == "sum" else z.prod(axis=0)

    def _forward(self, theta: np.ndarray, Z: np.ndarray):
        """f for each sample and d f / d coeffs (coeffs = Z @ theta.T)."""
        return gibbs_expectation(Z @ theta.T, self.terms_, self.observable_, self.temperature)

    def _compiled_chunk(self, Z: np.ndarray, target: np.ndarray):
        """The paper's schedule's steps compiled, as ``run_chunk`` of
        :func:`~qbench.models.compiled_training.train_compiled` (the steps of ``fit``'s ``loss_and_grad``), or None
        above :data:`COMPILED_MAX_QUBITS` qubits (the NumPy steps then)."""
        if self.n_qubits_ > COMPILED_MAX_QUBITS:
            return None
        from qbench.models.boltzmann_steps import gibbs_chunk

        Z, target = np.ascontiguousarray(Z, dtype=float), np.ascontiguousarray(target, dtype=float)
        terms, observable, beta = self.terms_, self.observable_, 1.0 / float(self.temperature)
        return lambda *step: gibbs_chunk(Z, target, terms.diagonals, terms.flips, observable, beta, *step)

    # ------------------------------------------------------------- estimator
    def _check_params(self) -> None:
        if self.backend not in self.supported_backends or self.mode not in self.supported_modes:
            raise CapabilityError(
                f"{type(self).__name__} computes the exact Gibbs state classically, so it runs on backend "
                f"{'/'.join(self.supported_backends)} in mode {'/'.join(self.supported_modes)} only, "
                f"not {self.backend!r} in mode {self.mode!r}")
        check_params(self)

    def fit(self, X, y):
        self._check_params()
        X, y, self.classes_ = self._validate_fit(X, y)
        if len(self.classes_) != 2:
            raise DataError(f"{type(self).__name__} is a binary classifier; got {len(self.classes_)} classes")
        rng = check_random_state(self.random_state)
        d = resolve_width(X.shape[1], X.shape[0], self.n_qubits, self.reduction)
        self.n_qubits_ = d
        self.preprocessor_ = make_preprocessor(d if self.reduction == "pca" else None, (-1.0, 1.0), self.scaling)
        Z = self.preprocessor_.fit_transform(X)
        rows = self._setup(d)
        target = (y == self.classes_[1]).astype(float)

        def loss_and_grad(flat, batch):
            theta = flat.reshape(rows, d)
            f, dfdc = self._forward(theta, Z[batch])
            p = np.clip((1 + f) / 2, 1e-12, 1 - 1e-12)
            t = target[batch]
            loss = float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
            dldf = (p - t) / (p * (1 - p)) * 0.5 / len(batch)
            return loss, ((dldf[:, None] * dfdc).T @ Z[batch]).ravel()

        result = train_schedule(loss_and_grad, rng.normal(0.0, 1.0, rows * d), rng=rng, n_samples=len(target),
                                learning_rate=float(self.learning_rate), batch_size=int(self.batch_size),
                                max_iter=int(self.max_iter), max_steps=self.max_steps,
                                convergence_interval=self.convergence_interval,
                                run_chunk=None if self.max_steps is None else self._compiled_chunk(Z, target))
        self.theta_ = result.params.reshape(rows, d)
        record_training(self, result)
        return self

    def _expectation(self, X) -> np.ndarray:
        check_is_fitted(self, "theta_")
        Z = self.preprocessor_.transform(validate_data(self, X, reset=False))
        return self._forward(self.theta_, Z)[0]

    def predict_proba(self, X):
        p = np.clip((1 + self._expectation(X)) / 2, 0.0, 1.0)
        return np.column_stack([1 - p, p])

    def decision_function(self, X):
        return self._expectation(X)

    def predict(self, X):
        return self.classes_[(self._expectation(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class SeparableQuantumBoltzmannMachine(QuantumBoltzmannMachine):
    """The separable ablation: one-qubit Gibbs states of Z and X fields, one per visible qubit (in closed
    form, :func:`one_qubit_gibbs_z`)."""

    def _setup(self, n: int) -> int:
        nv = {"single": 1, "half": max(1, n // 2), "full": n}[self.visible_qubits]
        self.n_visible_ = nv
        return 2 * nv

    def _forward(self, theta: np.ndarray, Z: np.ndarray):
        nv = self.n_visible_
        coeffs = (Z @ theta.T).reshape(len(Z), nv, 2)  # (a, b) of H = a Z + b X per visible qubit
        m, dm_da, dm_db = one_qubit_gibbs_z(coeffs[..., 0], coeffs[..., 1], self.temperature)
        dm = np.stack([dm_da, dm_db], axis=-1)
        if self.observable_type == "sum":
            f, dfdm = m.mean(axis=1), np.full_like(m, 1.0 / nv)
        else:
            f = m.prod(axis=1)
            dfdm = np.stack([np.prod(np.delete(m, i, axis=1), axis=1) for i in range(nv)], axis=1)
        return f, (dfdm[:, :, None] * dm).reshape(len(Z), 2 * nv)

    def _compiled_chunk(self, Z: np.ndarray, target: np.ndarray):
        """Compiled steps at every width (a sample's state is ``n_visible_`` pairs of numbers)."""
        from qbench.models.boltzmann_steps import separable_chunk

        Z, target = np.ascontiguousarray(Z, dtype=float), np.ascontiguousarray(target, dtype=float)
        nv, beta, product = self.n_visible_, 1.0 / float(self.temperature), self.observable_type == "product"
        return lambda *step: separable_chunk(Z, target, nv, beta, product, *step)
