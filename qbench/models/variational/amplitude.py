"""Amplitude-encoding classifiers of Bowles et al. 2024: the tree tensor and the circuit-centric classifier."""

from __future__ import annotations

import numpy as np

from qbench.circuits.ansatze import StronglyEntanglingAnsatz
from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.observables import z_observable
from qbench.circuits.variational import (TreeTensorAnsatz, amplitude_angles, amplitude_circuit, amplitude_qubits,
                                         is_power_of_two, pad_and_normalise)
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, store_params


def square_loss(F: np.ndarray, b: float, y: np.ndarray, half: bool):
    """Mean (f + b - s)^2 (times 1/2 with ``half``) for s = +-1, its gradient in F and in b."""
    s = 2 * y - 1
    r = F[:, 0] + b - s
    k = 1.0 if half else 2.0
    loss = float(np.mean(r**2) * (0.5 if half else 1.0))
    d = k * r / len(y)
    return loss, d[:, None], np.array([d.sum()])


class AmplitudeModel(VariationalClassifier):
    """Shared by the amplitude-encoding models: inputs padded (1/2**m entries) and normalised, then encoded."""

    #: Amplitude encoding normalises each sample; ``scaling="minmax"`` maps features to [-1, 1] first
    #: (the paper scales nothing; pass scaling=None to follow it exactly).
    input_range = (-1.0, 1.0)

    def _width(self, n_features: int, n_samples: int) -> int:
        if self.reduction is not None:
            raise DataError(f"{type(self).__name__} amplitude-encodes every feature; reduction must be none, "
                            f"got {self.reduction!r}")
        return n_features

    def _amplitudes(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _features(self, Z):
        return pad_and_normalise(Z, self._amplitudes())

    def _angles(self, c, feats):
        return amplitude_angles(feats)

    def _proba(self, c, F):
        return (1 + F[:, 0] + c[0]) / 2


class TreeTensorClassifier(AmplitudeModel):
    """Amplitude encoding, then a tree tensor network of RY and CNOT (Grant et al. 2018); <Z_0> + b.

    The qubit count is a power of two: the paper's 2**ceil(log2(ceil(log2 d))) for d features, or
    ``n_qubits`` (which must then be a power of two with 2**n_qubits >= d).  Trained on the square
    loss (f + b - y)^2 with y = +-1; P(class 1) = (1 + f + b) / 2, clipped to [0, 1].
    """

    paper_class = "TreeTensorClassifier"
    compiled_head = "square"

    def __init__(self, learning_rate=0.01, batch_size=32, max_steps=10000, convergence_interval=200, bandwidth=None,
                 n_qubits=None, reduction=None, scaling="minmax", backend="numpy", mode="exact", shots=None,
                 backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.n_qubits is not None and not is_power_of_two(int(self.n_qubits)):
            raise DataError(f"TreeTensorClassifier needs a power of two of qubits, got n_qubits={self.n_qubits}")

    def _tree_qubits(self, n_features: int) -> int:
        if self.n_qubits is not None:
            return int(self.n_qubits)
        return 1 if n_features <= 1 else 2 ** int(np.ceil(np.log2(amplitude_qubits(n_features))))

    def _width(self, n_features: int, n_samples: int) -> int:
        width = super()._width(n_features, n_samples)
        self.tree_qubits_ = self._tree_qubits(width)
        if width > 2**self.tree_qubits_:
            raise DataError(f"TreeTensorClassifier: {width} features do not fit the 2**{self.tree_qubits_} amplitudes of "
                            f"n_qubits={self.tree_qubits_}")
        return width

    def _amplitudes(self) -> int:
        return 2**self.tree_qubits_

    def _layout(self, n_features: int) -> Layout:
        n = self.tree_qubits_
        return Layout(amplitude_circuit(n).then(TreeTensorAnsatz().circuit(n)), (z_observable(n, 0),), 1)

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), 0.1 * rng.normal(size=1)

    def _loss(self, c, F, y):
        return square_loss(F, c[0], y, half=False)


class CircuitCentricClassifier(AmplitudeModel):
    """``n_input_copies`` amplitude-encoded copies of x (the state of kron(x, ..., x)), strongly entangling layers; <Z_0> + b.

    Schuld et al. 2020 as Bowles et al. 2024 implement it: ceil(log2 d) qubits per copy; trained
    on the square loss (f + b - y)^2 / 2 with y = +-1; P(class 1) = (1 + f + b) / 2, clipped.
    """

    paper_class = "CircuitCentricClassifier"
    compiled_head = "square_half"

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "n_input_copies": repetition_constraint(), "n_layers": repetition_constraint()}

    def __init__(self, n_input_copies=2, n_layers=4, learning_rate=0.001, batch_size=32, max_steps=10000,
                 convergence_interval=200, bandwidth=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.n_input_copies < 1 or self.n_layers < 1:
            raise DataError("n_input_copies and n_layers must be >= 1")

    def _width(self, n_features: int, n_samples: int) -> int:
        width = super()._width(n_features, n_samples)
        self.copy_qubits_ = amplitude_qubits(width)
        total = self.copy_qubits_ * int(self.n_input_copies)
        if self.n_qubits is not None and int(self.n_qubits) != total:
            raise DataError(f"CircuitCentricClassifier: {width} features x {self.n_input_copies} copies need {total} "
                            f"qubits, not n_qubits={self.n_qubits}")
        return width

    def _amplitudes(self) -> int:
        return 2**self.copy_qubits_

    def _layout(self, n_features: int) -> Layout:
        m, copies = self.copy_qubits_, int(self.n_input_copies)
        circuit = amplitude_circuit(m, 0, m * copies)
        for k in range(1, copies):
            circuit = circuit.then(amplitude_circuit(m, k * m, m * copies), share_data=True)
        circuit = circuit.then(StronglyEntanglingAnsatz(int(self.n_layers)).circuit(m * copies))
        return Layout(circuit, (z_observable(m * copies, 0),), 1)

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), np.array([0.01])

    def _loss(self, c, F, y):
        return square_loss(F, c[0], y, half=True)
