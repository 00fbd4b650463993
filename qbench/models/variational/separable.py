"""Separable variational classifier (Bowles et al. 2024's ``SeparableVariationalClassifier``): no entanglement at all."""

from __future__ import annotations

import numpy as np

from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.observables import mean_z_observable
from qbench.circuits.variational import separable_circuit
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, store_params
from qbench.models.variational.vanilla import sigmoid6_loss


class SeparableVariationalClassifier(VariationalClassifier):
    """Per qubit: ``encoding_layers`` x (Rot(w), RY(x_i)), then Rot(w); measured as the mean of Z over the qubits.

    Trained on the cross-entropy of sigmoid(6 <O>); P(class 1) = (1 + <O>) / 2, as the paper.
    qbench simulates the product circuit on all qubits at once (the paper runs one-qubit circuits;
    the values are the same).  Inputs min-max scaled to [-pi/2, pi/2] times ``bandwidth``.
    """

    paper_class = "SeparableVariationalClassifier"
    compiled_head = "sigmoid6"

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "encoding_layers": repetition_constraint()}

    def __init__(self, encoding_layers=1, learning_rate=0.001, batch_size=32, max_steps=10000,
                 convergence_interval=200, bandwidth=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.encoding_layers < 1:
            raise DataError(f"encoding_layers must be >= 1, got {self.encoding_layers}")

    def _layout(self, n_features: int) -> Layout:
        return Layout(separable_circuit(n_features, int(self.encoding_layers)), (mean_z_observable(n_features),))

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), np.zeros(0)

    def _loss(self, c, F, y):
        loss, dF = sigmoid6_loss(F, y)
        return loss, dF, np.zeros(0)

    def _proba(self, c, F):
        return (1 + F[:, 0]) / 2
