"""Quantum kitchen sinks (Wilson et al. 2018, as Bowles et al. 2024 benchmark it): random fixed circuits as features.

Each of ``n_episodes`` episodes maps the scaled input x (min-max to [-1, 1]) through a fixed random affine map
x' = omega_e x + beta_e (omega ~ N(0, var), beta ~ U[0, 2 pi)) onto the angles of the kitchen-sink circuit
(:class:`~qbench.circuits.zoo_kernel_maps.KitchenSinkCircuit`); the measured bits of every episode,
concatenated, are the features of a logistic regression without penalty (qml-benchmarks' default linear model).

qml-benchmarks feeds one measured shot per episode.  Here exact mode feeds each bit's probability of
reading 1 (the one-shot sample's expectation) and shots mode its frequency over ``shots`` shots, each
qubit measured in its own execution: ``shots=1`` gives one-shot bits, as in the paper, but drawn per qubit.
The random maps are drawn in the core from ``random_state``, so a seed gives the same model on every exact backend.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.backends.memory import check_bytes
from qbench.circuits.observables import z_observable
from qbench.circuits.zoo_kernel_maps import KITCHEN_SINK_RANGE, KitchenSinkCircuit
from qbench.errors import DataError
from qbench.models.encoding import QuantumModelMixin
from qbench.models.preprocessing import make_preprocessor, resolve_width

QFEATURES = ("full", "half")
#: Copies of the (samples, episodes x qubits) feature matrix a fit holds at once (the matrix, the linear model's).
FEATURE_COPIES = 2
#: The most episodes a fit draws (the paper's grid goes to 2,000): each is a random map and a circuit per sample.
MAX_EPISODES = 100_000
#: Rows of (sample, episode) simulated at once: bounds the state-vector memory of one call, and keeps a
#: chunk's states (1 MiB) in cache between the simulator's steps, which is faster than larger chunks.
CHUNK_AMPLITUDES = 2**16


def circuit_width(n_qfeatures, n_features: int) -> int:
    """Qubits of the kitchen-sink circuit: the input width (``"full"``), half of it rounded up, or an int."""
    if n_qfeatures == "full":
        return n_features
    if n_qfeatures == "half":
        return int(np.ceil(n_features / 2))
    if isinstance(n_qfeatures, (int, np.integer)) and not isinstance(n_qfeatures, bool) and n_qfeatures >= 1:
        return int(n_qfeatures)
    raise DataError(f"n_qfeatures must be 'full', 'half' or an integer >= 1, got {n_qfeatures!r}")


def one_probabilities(backend, circuit, angles: np.ndarray) -> np.ndarray:
    """(rows, n_qubits) probability (exact) or frequency (shots) of reading 1 on each qubit."""
    n = circuit.n_qubits
    if backend.mode == "exact":
        out = np.empty((len(angles), n))
        bits = ((np.arange(2**n)[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1).astype(float)
        step = max(1, CHUNK_AMPLITUDES // 2**n)
        for start in range(0, len(angles), step):
            probs = np.abs(backend.states(circuit, angles[start:start + step]))
            np.square(probs, out=probs)
            np.matmul(probs, bits, out=out[start:start + step])
        return out
    return np.stack([(1.0 - backend.expval(circuit, angles, np.zeros(0), z_observable(n, q))) / 2.0
                     for q in range(n)], axis=1)


class QuantumKitchenSinks(QuantumModelMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression on the measured bits of ``n_episodes`` random kitchen-sink circuits.

    ``n_qubits``/``reduction`` set the input width (PCA as for every model); ``n_qfeatures`` the circuit's
    qubits (``"full"``: the input width, ``"half"``: half of it).  ``var`` is omega's variance; ``scaling`` is
    qbench's preprocessing (``"minmax"``: to [-1, 1], as qml-benchmarks); ``max_iter`` bounds the logistic regression.
    """

    #: The circuit templates docs/models.md draws for this model (name, parameters).
    circuit_templates = (("kitchen_sink", {}),)

    def __init__(self, n_episodes=100, n_qfeatures="full", var=1.0, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, random_state=None, max_iter=1000):
        self.n_episodes = n_episodes
        self.n_qfeatures = n_qfeatures
        self.var = var
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.scaling = scaling
        self.backend = backend
        self.mode = mode
        self.shots = shots
        self.backend_options = backend_options
        self.random_state = random_state
        self.max_iter = max_iter

    def _feature_map(self) -> KitchenSinkCircuit:
        """The episode circuit's template, after checking the parameters (suite parsing calls this too)."""
        self._check_params()
        return KitchenSinkCircuit()

    def _check_params(self) -> None:
        circuit_width(self.n_qfeatures, 1)
        if (isinstance(self.n_episodes, bool) or not isinstance(self.n_episodes, (int, np.integer))
                or not 1 <= self.n_episodes <= MAX_EPISODES):
            raise DataError(f"n_episodes must be an integer from 1 to {MAX_EPISODES:,}, got {self.n_episodes!r}")
        if not (isinstance(self.var, (int, float, np.number)) and np.isfinite(self.var) and self.var > 0):
            raise DataError(f"var must be a number > 0, got {self.var!r}")

    def circuit_qubits(self, n_features: int) -> int:
        """The episode circuits' qubits on ``n_features`` inputs (the runner checks them against the backend's
        limit before the job loads anything more)."""
        return circuit_width(self.n_qfeatures, n_features)

    def fit(self, X, y):
        template = self._feature_map()
        X, y, self.classes_ = self._validate_fit(X, y)
        width = resolve_width(X.shape[1], X.shape[0], self.n_qubits, self.reduction)
        self.n_features_in_model_ = width
        self.n_qubits_ = circuit_width(self.n_qfeatures, width)
        self._check_backend_qubits(self.n_qubits_, "n_qfeatures, the episode circuit's qubits")
        self.circuit_ = template.circuit(self.n_qubits_)  # its gates bounded before the episodes are drawn
        columns = self.n_episodes * self.n_qubits_
        check_bytes(8 * (FEATURE_COPIES * len(X) * columns + columns * (width + 1)),
                    f"a kitchen-sink fit of {len(X)} samples and {self.n_episodes:,} episodes on {self.n_qubits_} qubits")
        self.preprocessor_ = make_preprocessor(width if self.reduction == "pca" else None, KITCHEN_SINK_RANGE,
                                               self.scaling)
        Z = self.preprocessor_.fit_transform(X)
        rng = check_random_state(self.random_state)
        self.omegas_ = rng.normal(size=(self.n_episodes, self.n_qubits_, width)) * np.sqrt(float(self.var))
        self.betas_ = rng.uniform(0.0, 2 * np.pi, size=(self.n_episodes, self.n_qubits_))
        self.backend_ = self._open_backend(rng)
        t0 = time.perf_counter()
        features = self._features_of(Z)
        self.kernel_time_ = time.perf_counter() - t0
        self.linear_ = LogisticRegression(C=np.inf, tol=1e-3, max_iter=self.max_iter)
        self.linear_.fit(features, y)
        self.n_iter_ = int(np.max(self.linear_.n_iter_))
        return self

    def _features_of(self, Z: np.ndarray) -> np.ndarray:
        """(n_samples, n_episodes * n_qubits) bit probabilities, episode-major within a sample.

        Samples are taken a block at a time, so a block's angles and states stay in cache together.
        """
        out = np.empty((len(Z), self.n_episodes * self.n_qubits_))
        block = max(1, CHUNK_AMPLITUDES // 2**self.n_qubits_ // self.n_episodes)
        for start in range(0, len(Z), block):
            z = Z[start:start + block]
            # x' = omega_e x + beta_e for every (sample, episode): one broadcast product per input feature
            angles = np.multiply.outer(z[:, 0], self.omegas_[:, :, 0])
            for d in range(1, z.shape[1]):
                angles += np.multiply.outer(z[:, d], self.omegas_[:, :, d])
            angles += self.betas_
            rows = angles.reshape(-1, self.n_qubits_)
            out[start:start + block] = one_probabilities(self.backend_, self.circuit_, rows).reshape(len(z), -1)
        return out

    def features(self, X) -> np.ndarray:
        """The kitchen-sink features of X (what the linear model reads)."""
        check_is_fitted(self, "linear_")
        X = validate_data(self, X, reset=False)
        return self._features_of(self.preprocessor_.transform(X))

    def decision_function(self, X):
        features = self.features(X)
        return self.linear_.decision_function(features)

    def predict(self, X):
        features = self.features(X)
        return self.linear_.predict(features)

    def predict_proba(self, X):
        features = self.features(X)
        return self.linear_.predict_proba(features)
