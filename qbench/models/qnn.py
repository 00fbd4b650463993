"""QNNClassifier: a quantum neural network trained by the core, identically on every backend.

Training runs in the core trainer (:mod:`qbench.models.training`: Adam, shuffled minibatches,
initial weights from ``random_state``), so two backends given the same seed train the same model.  The
circuit output f(x, w) in [-1, 1] is mapped to a logit a*f + b with trainable a, b
and trained on the log loss; values and circuit gradients come from one backend call
(``value_and_vjp``: one forward pass where the backend can).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from numbers import Integral, Real

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from qbench.backends.base import GRADIENT_METHODS, MODES
from qbench.backends.options import MAX_SHOTS
from qbench.circuits.bounds import MAX_REPETITIONS, check_gates
from qbench.errors import DataError, QBenchError
from qbench.models.encoding import QuantumModelMixin
from qbench.models.training import Adam, batch_size_constraint, train_epochs
from qbench.plugin.manager import make_observable, make_template


#: Random initialisations the barren-plateau diagnostic averages over (a handful keeps it cheap).
GRADIENT_INITS = 8


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


class QNNClassifier(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Binary classifier: feature map, then ``reuploads`` x (ansatz), measured with an observable.

    With ``reuploads > 1`` the feature map is repeated before each ansatz block on the same
    data angles (a data re-uploading model).
    """

    #: Every parameter's type and range (scikit-learn's declaration), checked when ``fit`` starts and when a suite is read.
    _parameter_constraints = {
        "feature_map": [str], "feature_map_params": [dict, None], "ansatz": [str], "ansatz_params": [dict, None],
        "observable": [str], "observable_params": [dict, None],
        "reuploads": [Interval(Integral, 1, MAX_REPETITIONS, closed="both")],
        "n_qubits": [Interval(Integral, 1, None, closed="left"), None],
        "reduction": [StrOptions({"pca"}), None], "scaling": [StrOptions({"minmax", "standard"}), None],
        "backend": [str], "mode": [StrOptions(set(MODES))],
        "shots": [Interval(Integral, 1, MAX_SHOTS, closed="both"), None], "backend_options": [dict, None],
        "gradient": [StrOptions(set(GRADIENT_METHODS)), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")], "batch_size": batch_size_constraint(),
        "random_state": ["random_state"],
        "feature_range": ["array-like", None], "bandwidth": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(self, feature_map="angle", feature_map_params=None, ansatz="hardware_efficient", ansatz_params=None,
                 observable="z", observable_params=None, reuploads=1, n_qubits=None, reduction=None,
                 scaling="minmax", backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None,
                 learning_rate=0.05, max_iter=60, batch_size=32, random_state=None, feature_range=None, bandwidth=None):
        self.feature_map = feature_map
        self.feature_map_params = feature_map_params
        self.ansatz = ansatz
        self.ansatz_params = ansatz_params
        self.observable = observable
        self.observable_params = observable_params
        self.reuploads = reuploads
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.scaling = scaling
        self.backend = backend
        self.mode = mode
        self.shots = shots
        self.backend_options = backend_options
        self.gradient = gradient
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.random_state = random_state
        self.feature_range = feature_range
        self.bandwidth = bandwidth

    def _build_circuit(self, fm, n: int):
        if int(self.reuploads) < 1:
            raise DataError(f"reuploads must be >= 1, got {self.reuploads}")
        block = make_template("ansatz", self.ansatz, **(self.ansatz_params or {})).circuit(n)
        encode = fm.circuit(n)
        check_gates(int(self.reuploads) * (len(encode.gates) + len(block.gates)), f"a QNN of {self.reuploads} reuploads", n)
        circuit = encode.then(block)
        for _ in range(int(self.reuploads) - 1):
            circuit = circuit.then(encode, share_data=True).then(block)
        return circuit

    def _loss_and_grad(self, params, angles, y):
        """Mean log loss on a batch and its gradient with respect to (weights, a, b)."""
        w, a, b = params[:-2], params[-2], params[-1]

        def cotangent(f):  # d loss / d f, once the forward pass has given f
            return (expit(a * f + b) - y) / len(y) * a

        f, grad_w = self.backend_.value_and_vjp(self.circuit_, angles, w, self.observable_, cotangent)
        p = expit(a * f + b)
        dz = (p - y) / len(y)
        return _log_loss(p, y), np.concatenate([grad_w, [dz @ f, dz.sum()]])

    def _gradient_variance_over_inits(self, rng, angles, target) -> float:
        """Barren-plateau diagnostic (McClean et al. 2018): Var over random initialisations of dL/dtheta_k.

        The loss gradient on one fixed batch of training samples is taken at
        :data:`GRADIENT_INITS` initialisations drawn like the training's (uniform in
        [-pi, pi)); the variance across initialisations of each weight's partial
        derivative is averaged over the weights.  Drawn after training, so training is unchanged.
        """
        n_weights = self.circuit_.n_weights
        if n_weights == 0:
            return 0.0
        batch = np.arange(min(len(target), int(self.batch_size)))
        grads = np.array([self._loss_and_grad(np.concatenate([rng.uniform(-np.pi, np.pi, n_weights), [1.0, 0.0]]),
                                              angles[batch], target[batch])[1][:-2] for _ in range(GRADIENT_INITS)])
        return float(np.mean(np.var(grads, axis=0)))

    def fit(self, X, y):
        if "gradient" in (self.backend_options or {}):
            raise QBenchError("QNNClassifier takes the gradient method as gradient=..., not in backend_options")
        X, y, self.classes_ = self._validate_fit(X, y)
        if len(self.classes_) != 2:
            raise DataError(f"Only binary classification is supported by QNNClassifier; got {len(self.classes_)} classes")
        if self.max_iter < 1 or self.batch_size < 1 or self.learning_rate <= 0:
            raise DataError("max_iter and batch_size must be >= 1 and learning_rate > 0")
        rng = check_random_state(self.random_state)
        fm, self.circuit_, angles = self._fit_encoding(X, self._build_circuit, "qnn")
        self.observable_ = make_observable(self.observable, self.n_qubits_, **(self.observable_params or {}))
        self.backend_ = self._open_backend(rng, gradient=self.gradient)
        target = (y == self.classes_[1]).astype(float)
        params = np.concatenate([rng.uniform(-np.pi, np.pi, self.circuit_.n_weights), [1.0, 0.0]])
        result = train_epochs(lambda p, batch: self._loss_and_grad(p, angles[batch], target[batch]), params, rng=rng,
                              n_samples=len(target), learning_rate=self.learning_rate, batch_size=int(self.batch_size),
                              max_epochs=int(self.max_iter))
        params = result.params
        self.loss_curve_ = result.epoch_losses
        self.n_iter_ = len(result.epoch_losses)
        self.gradient_variance_over_inits_ = self._gradient_variance_over_inits(rng, angles, target)
        self.weights_, self.output_scale_, self.output_bias_ = params[:-2], float(params[-2]), float(params[-1])
        return self

    def decision_function(self, X):
        check_is_fitted(self, "weights_")
        angles = self._encode(X)
        f = self.backend_.expval(self.circuit_, angles, self.weights_, self.observable_)
        return self.output_scale_ * f + self.output_bias_

    def predict_proba(self, X):
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        decision = self.decision_function(X)
        return self.classes_[(decision > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


__all__ = ["Adam", "GRADIENT_INITS", "QNNClassifier"]
