"""What every model of the variational zoo shares: preprocessing, parameters, the forward pass and training.

A model is a circuit (IR) with trainable weights ``w``, observables measured on it, and
classical parameters ``c`` (input weights in front of the data, an output head) kept with
``w`` in one flat vector the core trainer (:mod:`qbench.models.training`) optimises jointly.
A subclass says how to lay the model out (:meth:`_layout`), how to initialise (:meth:`_init`),
how data angles follow from features and ``c`` (:meth:`_angles`, and its VJP), and its loss
and class-1 probability (:meth:`_loss`, :meth:`_proba`).  Gradients to ``c`` through the data
angles come from ``Backend.value_and_grads`` (every backend, every mode).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.circuits.ir import Circuit
from qbench.circuits.observables import Observable
from qbench.errors import DataError, QBenchError
from qbench.models.encoding import QuantumModelMixin
from qbench.models.preprocessing import make_preprocessor, resolve_width
from qbench.models.training import batch_size_constraint, train

#: Bowles et al. 2024 scale inputs with MinMaxScaler to [-pi/2, pi/2] for most variational models.
HALF_PI_RANGE = (-np.pi / 2, np.pi / 2)


@dataclass(frozen=True)
class Layout:
    """A model's shape once the feature count is known."""

    circuit: Circuit
    observables: tuple[Observable, ...]
    n_classical: int = 0
    #: True when the data angles depend on classical parameters (then gradients flow through them).
    trainable_angles: bool = False


def log_sigmoid_loss(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of logits z for labels y in {0, 1}, and its gradient in z."""
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    p = 0.5 * (1 + np.tanh(z / 2))
    return float(loss), (p - y) / len(y)


class VariationalClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Base of the zoo's binary variational classifiers (not registered itself)."""

    #: The qml-benchmarks class this model follows (for docs and the speed comparison).
    paper_class = ""
    #: scikit-learn's declared parameter rules (suite files are checked against them before anything runs).
    _parameter_constraints: dict = {
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": batch_size_constraint(),
        "max_steps": [Interval(Integral, 1, None, closed="left")],
        "convergence_interval": [Interval(Integral, 1, None, closed="left"), None],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), None],
        "gradient": [StrOptions({"adjoint", "parameter-shift", "finite-diff", "backprop"}), None],
    }
    #: The compiled twin of ``_angles`` and ``_loss`` (a name in :data:`qbench.models.variational.compiled.HEADS`), or
    #: None: with one, training on the numpy backend's dense sweeps runs compiled (same schedule, same model).
    compiled_head: str | None = None
    #: The interval ``scaling="minmax"`` maps features to; ``bandwidth`` multiplies after it (the paper's ``scaling``).
    input_range: tuple[float, float] = HALF_PI_RANGE

    # ---------------------------------------------------------------- subclass hooks
    def _width(self, n_features: int, n_samples: int) -> int:
        """Features after preprocessing (PCA to ``n_qubits`` components with reduction='pca')."""
        return resolve_width(n_features, n_samples, self.n_qubits, self.reduction)

    def _features(self, Z: np.ndarray) -> np.ndarray:
        """Per-sample features the model reads from the scaled data (padding, normalisation)."""
        return Z

    def _layout(self, n_features: int) -> Layout:  # pragma: no cover - abstract
        raise NotImplementedError

    def _init(self, rng: np.random.RandomState, layout: Layout) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def _angles(self, c: np.ndarray, feats: np.ndarray) -> np.ndarray:
        """Data angles of the circuit (default: the features themselves)."""
        return feats

    def _angles_vjp(self, c: np.ndarray, feats: np.ndarray, grad_angles: np.ndarray) -> np.ndarray:
        """Gradient to ``c`` from the gradient to the data angles."""
        return np.zeros(len(c))

    def _loss(self, c: np.ndarray, F: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(mean loss, d loss / d F, d loss / d c) for expectation values F (n, n_obs) and labels y in {0, 1}."""
        raise NotImplementedError  # pragma: no cover

    def _proba(self, c: np.ndarray, F: np.ndarray) -> np.ndarray:
        """Probability of class 1 from the expectation values."""
        raise NotImplementedError  # pragma: no cover

    # ------------------------------------------------------------------------ common
    def _check_params(self) -> None:
        """Model-specific hyperparameter checks (one-line DataError), before anything is fitted."""

    def _feature_map(self):
        """No feature-map template: the zoo models build their circuits themselves (the suite checker asks)."""
        return None

    def _validated(self) -> None:
        try:
            self._validate_params()
        except (ValueError, TypeError) as exc:
            raise DataError(" ".join(str(exc).split())) from None
        self._check_params()

    def _preprocess_fit(self, X: np.ndarray) -> np.ndarray:
        width = self._width(X.shape[1], X.shape[0])
        self.n_features_encoded_ = width
        self.preprocessor_ = make_preprocessor(width if self.reduction == "pca" else None, self.input_range,
                                               self.scaling)
        return self._features(self.preprocessor_.fit_transform(X) * self._bandwidth())

    def _bandwidth(self) -> float:
        return 1.0 if self.bandwidth is None else float(self.bandwidth)

    def _transform(self, X) -> np.ndarray:
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False)
        return self._features(self.preprocessor_.transform(X) * self._bandwidth())

    def _split(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self.layout_.circuit.n_weights
        return params[:k], params[k:]

    def _values(self, params: np.ndarray, feats: np.ndarray) -> np.ndarray:
        """Expectation values (n, n_obs) of the trained circuit."""
        w, c = self._split(params)
        angles = self._angles(c, feats)
        return np.stack([self.backend_.expval(self.layout_.circuit, angles, w, obs)
                         for obs in self.layout_.observables], axis=1)

    def _loss_and_grad(self, params: np.ndarray, feats: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss on a batch and its gradient with respect to every parameter (weights, then classical)."""
        w, c = self._split(params)
        layout = self.layout_
        angles = self._angles(c, feats)
        held = {}

        def cotangent(F):
            held["loss"], dF, held["dc"] = self._loss(c, F, y)
            return dF

        _, gw, ga = self.backend_.value_and_grads(layout.circuit, angles, w, layout.observables, cotangent,
                                                  data_angles=layout.trainable_angles)
        grad = np.empty(len(params))
        grad[:len(w)] = gw
        grad[len(w):] = held["dc"] + (self._angles_vjp(c, feats, ga) if layout.trainable_angles else 0.0)
        return held["loss"], grad

    def _train(self, params: np.ndarray, feats: np.ndarray, target: np.ndarray, rng):
        """The core trainer's run: compiled when the backend trains this circuit on its dense sweeps and the model has
        a :attr:`compiled_head` (:mod:`qbench.models.variational.compiled`), else step by step through the backend."""
        schedule = dict(rng=rng, n_samples=len(target), learning_rate=self.learning_rate, batch_size=self.batch_size,
                        max_steps=self.max_steps, convergence_interval=self.convergence_interval)
        layout = self.layout_
        dense = (self.compiled_head is not None and getattr(self.backend_, "dense_training", None)
                 and self.backend_.dense_training(layout.circuit, layout.observables, int(self.batch_size)))
        if not dense:
            return train(lambda p, batch: self._loss_and_grad(p, feats[batch], target[batch]), params,
                         sampling="replacement", **schedule)
        from qbench.models.compiled_training import train_compiled
        from qbench.models.variational.compiled import chunk_runner

        n_weights = layout.circuit.n_weights
        inputs = feats if layout.trainable_angles else self._angles(params[n_weights:], feats)
        run = chunk_runner(*dense, self.compiled_head, n_weights, layout.circuit.n_data, inputs, target)
        t0 = time.perf_counter()
        result = train_compiled(run, params, **schedule)
        self.backend_.count_compiled(result.n_steps * int(self.batch_size), time.perf_counter() - t0)
        return result

    def fit(self, X, y):
        """Train on (X, y) with the core trainer; returns self."""
        if "gradient" in (self.backend_options or {}):
            raise QBenchError(f"{type(self).__name__} takes the gradient method as gradient=..., not in backend_options")
        self._validated()
        X, y, self.classes_ = self._validate_fit(X, y)
        if len(self.classes_) != 2:
            raise DataError(f"Only binary classification is supported by {type(self).__name__}; "
                            f"got {len(self.classes_)} classes")
        rng = check_random_state(self.random_state)
        feats = self._preprocess_fit(X)
        self.layout_ = self._layout(feats.shape[1])
        self.n_qubits_ = self.layout_.circuit.n_qubits
        self.backend_ = self._open_backend(rng, gradient=self.gradient)
        w, c = self._init(rng, self.layout_)
        target = (y == self.classes_[1]).astype(float)
        result = self._train(np.concatenate([w, c]), feats, target, rng)
        self.params_ = result.params
        self.loss_curve_ = result.step_losses
        self.n_iter_ = result.n_steps
        self.converged_ = result.converged
        return self

    def check_width(self, n_features: int) -> None:
        """Refuse, in one line, hyperparameters or a width this model cannot take (``qbench run`` asks before running)."""
        self._validated()
        self._width(int(n_features), 10**6)

    def example_circuit(self, n_features: int = 2) -> Circuit:
        """The circuit this model would train on ``n_features`` inputs (for drawings and docs; nothing is fitted)."""
        self._validated()
        width = self._width(int(n_features), 10**6)
        feats = self._features(np.zeros((1, width)))
        saved = getattr(self, "layout_", None)
        layout = self._layout(feats.shape[1])
        if saved is not None:
            self.layout_ = saved
        return layout.circuit

    @property
    def weights_(self) -> np.ndarray:
        """The trained circuit weights (the first block of ``params_``)."""
        check_is_fitted(self, "params_")
        return self._split(self.params_)[0]

    def predict_proba(self, X):
        feats = self._transform(X)
        p = np.clip(self._proba(self._split(self.params_)[1], self._values(self.params_, feats)), 0.0, 1.0)
        return np.column_stack([1 - p, p])

    def decision_function(self, X):
        return self.predict_proba(X)[:, 1] - 0.5

    def predict(self, X):
        p = self.predict_proba(X)[:, 1]  # first: it refuses an unfitted model with NotFittedError
        return self.classes_[(p > 0.5).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags



def store_params(estimator, params: dict) -> None:
    """scikit-learn's rule: ``__init__`` stores its keyword arguments unchanged and does nothing else."""
    for key, value in params.items():
        if key not in ("self", "__class__"):
            setattr(estimator, key, value)
