"""Quanvolutional neural network (Henderson et al. 2020, as benchmarked by Bowles et al. 2024).

Pixels are min-max scaled (fitted on the training data) and binarised at ``threshold``.
Each of ``n_qchannels`` fixed random quantum filters reads a ``qkernel_shape`` x
``qkernel_shape`` patch (stride 1) on as many qubits: RY(pi * bit) per pixel, then
``rand_depth`` layers of ``rand_rot`` random single-qubit rotations (RX/RY/RZ, angles in
[0, 2 pi)) with a CNOT on a random pair before a rotation with probability 0.3 (the
recipe of PennyLane's RandomLayers, which qml-benchmarks uses).  The filter's output is the
number of ones in the most probable outcome.  The channels feed the CNN head of
:mod:`qbench.models.cnn`, which alone is trained.

The filters are framework-neutral circuits run through the backend: exact mode takes the
states of every distinct binary patch in one ``states`` call (a filter's output depends
only on its patch's bits, so identical patches are run once); shots mode estimates each
basis-state probability as the expectation of its projector (a weighted sum of Z strings)
from sampled counts, 2**(qkernel_shape**2) ``expval`` calls.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.diagonal import projector
from qbench.circuits.embeddings import random_filter
from qbench.errors import DataError
from qbench.models.cnn import MAX_STEPS_CONSTRAINT, TRAINING_CONSTRAINTS, ImageClassifierBase, image_side
from qbench.models.encoding import QuantumModelMixin
from qbench.models.preprocessing import make_preprocessor


def image_patches(images: np.ndarray, size: int) -> np.ndarray:
    """Every ``size`` x ``size`` patch (stride 1) of (N, k, k) images: shape (N, k-size+1, k-size+1, size*size)."""
    windows = np.lib.stride_tricks.sliding_window_view(images, (size, size), axis=(1, 2))
    n, h, w = windows.shape[:3]
    return windows.reshape(n, h, w, size * size)


class QuanvolutionalNeuralNetwork(QuantumModelMixin, ImageClassifierBase):
    """Fixed random quantum filters over binarised image patches, then a trained CNN head (Henderson et al. 2020)."""

    #: The circuit of one quantum filter (docs/models.md draws it, small: depth 2, 4 rotations).
    circuit_templates = (("quanv_filter", {"depth": 2, "rotations": 4}),)

    _parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        **MAX_STEPS_CONSTRAINT,
        "qkernel_shape": [Interval(Integral, 1, None, closed="left")],
        "n_qchannels": repetition_constraint(),
        "rand_depth": repetition_constraint(0),
        "rand_rot": repetition_constraint(0),
        "threshold": [Real],
        "kernel_shape": [Interval(Integral, 1, None, closed="left")],
        "output_channels": ["array-like"],
        "reduction": [None],
        "scaling": [StrOptions({"minmax", "standard"}), None],
    }

    def __init__(self, qkernel_shape=2, n_qchannels=1, rand_depth=10, rand_rot=20, threshold=0.0, kernel_shape=3,
                 output_channels=(32, 64), learning_rate=0.001, max_iter=100, batch_size=32, n_qubits=None,
                 reduction=None, scaling="minmax", backend="numpy", mode="exact", shots=None, backend_options=None,
                 max_steps=None, convergence_interval=None, random_state=None):
        self.qkernel_shape = qkernel_shape
        self.n_qchannels = n_qchannels
        self.rand_depth = rand_depth
        self.rand_rot = rand_rot
        self.threshold = threshold
        self.kernel_shape = kernel_shape
        self.output_channels = output_channels
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
        """Refuse, before anything runs, an image that is not square or narrower than the quantum filter."""
        self._check_shape(image_side(n_features))

    def _check_shape(self, side: int) -> int:
        q = int(self.qkernel_shape)
        if q < 1 or q > side:
            raise DataError(f"qkernel_shape must be between 1 and the image side {side}, got {self.qkernel_shape}")
        if self.n_qubits is not None and int(self.n_qubits) != q * q:
            raise DataError(f"the quanvolutional filter has qkernel_shape**2 = {q * q} qubits; n_qubits is {self.n_qubits}")
        return q

    def _filter_outputs(self, patterns: np.ndarray) -> np.ndarray:
        """Hamming weight of each filter's most probable outcome, shape (n_patterns, n_qchannels)."""
        n = self.filters_[0].n_qubits
        weight = np.array([bin(i).count("1") for i in range(2**n)], dtype=float)
        out = []
        for circuit in self.filters_:
            if self.backend_.mode == "exact":
                probs = np.abs(self.backend_.states(circuit, patterns)) ** 2
            else:
                probs = np.column_stack([self.backend_.expval(circuit, patterns, None, projector(n, i))
                                         for i in range(2**n)])
            out.append(weight[probs.argmax(axis=1)])
        return np.column_stack(out)

    def _images(self, X: np.ndarray) -> np.ndarray:
        bits = (self.preprocessor_.transform(X) > float(self.threshold)).astype(float)
        patches = image_patches(bits.reshape(len(bits), self.side_, self.side_), int(self.qkernel_shape))
        flat = patches.reshape(-1, patches.shape[-1])
        patterns, inverse = np.unique(flat, axis=0, return_inverse=True)
        channels = self._filter_outputs(patterns)[inverse.reshape(-1)]
        return channels.reshape(*patches.shape[:3], -1)

    def fit(self, X, y):
        X, y, self.classes_ = self._check_training(X, y)
        q = self._check_shape(self.side_)
        rng = check_random_state(self.random_state)
        self.n_qubits_ = q * q
        self._check_backend_qubits(q * q, "qkernel_shape**2, the filter's qubits")
        self.preprocessor_ = make_preprocessor(None, feature_range=(-np.pi / 2, np.pi / 2), scaling=self.scaling)
        self.preprocessor_.fit(X)
        self.filters_ = [random_filter(q * q, self.rand_depth, self.rand_rot, rng) for _ in range(int(self.n_qchannels))]
        self.backend_ = self._open_backend(rng)
        self._fit_head(self._images(X), y, rng)
        return self
