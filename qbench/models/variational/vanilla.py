"""Vanilla QNN (Bowles et al. 2024, qml-benchmarks ``VanillaQNN``): RX/CNOT-ring embedding, CZ strongly entangling layers, Z0."""

from __future__ import annotations

import numpy as np

from qbench.circuits.ansatze import StronglyEntanglingAnsatz
from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.observables import z_observable
from qbench.circuits.variational import RingEmbedding
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, log_sigmoid_loss, store_params


def sigmoid6_loss(F: np.ndarray, y: np.ndarray):
    """The paper's loss for a single expectation value f: cross-entropy of sigmoid(6 f) (6 spans the sigmoid's range)."""
    loss, dz = log_sigmoid_loss(6.0 * F[:, 0], y)
    return loss, (6.0 * dz)[:, None]


class VanillaQNNClassifier(VariationalClassifier):
    """``embedding_layers`` x (RX(x_i), CNOT ring), then ``variational_layers`` strongly entangling layers with CZ; <Z_0>.

    Trained on the cross-entropy of sigmoid(6 <Z_0>) (labels 0/1); P(class 1) = (1 + <Z_0>) / 2,
    as qml-benchmarks' ``VanillaQNN`` predicts.  Inputs are min-max scaled to [-pi/2, pi/2], then
    multiplied by ``bandwidth`` (the paper's ``scaling``).  Differs from the paper: the weights are
    drawn uniformly in [0, 2 pi) from qbench's seed (not JAX's), so seeds do not match numerically.
    """

    paper_class = "VanillaQNN"
    compiled_head = "sigmoid6"

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "embedding_layers": repetition_constraint(), "variational_layers": repetition_constraint()}

    def __init__(self, embedding_layers=2, variational_layers=3, learning_rate=0.01, batch_size=32, max_steps=10000,
                 convergence_interval=200, bandwidth=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.embedding_layers < 1 or self.variational_layers < 1:
            raise DataError("embedding_layers and variational_layers must be >= 1")

    def _layout(self, n_features: int) -> Layout:
        circuit = RingEmbedding(int(self.embedding_layers)).circuit(n_features).then(
            StronglyEntanglingAnsatz(int(self.variational_layers), imprimitive="cz").circuit(n_features))
        return Layout(circuit, (z_observable(n_features, 0),))

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), np.zeros(0)

    def _loss(self, c, F, y):
        loss, dF = sigmoid6_loss(F, y)
        return loss, dF, np.zeros(0)

    def _proba(self, c, F):
        return (1 + F[:, 0]) / 2
