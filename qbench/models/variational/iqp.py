"""IQP variational classifier (Havlicek et al. 2019's variational model, Bowles et al. 2024's ``IQPVariationalClassifier``)."""

from __future__ import annotations

import numpy as np

from qbench.circuits.ansatze import StronglyEntanglingAnsatz
from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.feature_maps import IQPFeatureMap
from qbench.circuits.observables import Observable
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, store_params


def error_probability_loss(F: np.ndarray, y: np.ndarray):
    """The paper's linear loss: the mean probability of the wrong class, (1 - f * s) / 2 with s = +-1."""
    s = 2 * y - 1
    return float(np.mean((1 - F[:, 0] * s) / 2)), (-s / 2 / len(y))[:, None]


class IQPVariationalClassifier(VariationalClassifier):
    """IQP embedding (``repeats``), ``n_layers`` strongly entangling layers with CZ; <Z_0 Z_1> (Z_0 on one qubit).

    Trained on the probability of misclassification (1 - <O> y) / 2 with y = +-1; P(class 1) =
    (1 + <O>) / 2.  Inputs min-max scaled to [-pi/2, pi/2] times ``bandwidth`` (the paper's ``scaling``).
    Differs from the paper: on one qubit the observable is Z_0 (the paper needs two qubits).
    """

    paper_class = "IQPVariationalClassifier"
    compiled_head = "error_probability"

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "repeats": repetition_constraint(), "n_layers": repetition_constraint()}

    def __init__(self, repeats=1, n_layers=10, learning_rate=0.001, batch_size=32, max_steps=10000,
                 convergence_interval=200, bandwidth=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.repeats < 1 or self.n_layers < 1:
            raise DataError("repeats and n_layers must be >= 1")

    def _layout(self, n_features: int) -> Layout:
        fm = IQPFeatureMap(repeats=int(self.repeats))
        circuit = fm.circuit(n_features).then(
            StronglyEntanglingAnsatz(int(self.n_layers), imprimitive="cz").circuit(n_features))
        obs = Observable(((1.0, (0, 1) if n_features > 1 else (0,)),), "z0z1")
        return Layout(circuit, (obs,))

    def _angles(self, c, feats):
        return IQPFeatureMap(repeats=int(self.repeats)).angles(feats)

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), np.zeros(0)

    def _loss(self, c, F, y):
        loss, dF = error_probability_loss(F, y)
        return loss, dF, np.zeros(0)

    def _proba(self, c, F):
        return (1 + F[:, 0]) / 2
