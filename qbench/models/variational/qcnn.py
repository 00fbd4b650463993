"""Quantum convolutional neural network (Cong, Choi & Lukin 2019) for classical vectors, measurement-free."""

from __future__ import annotations

import numpy as np

from qbench.circuits.feature_maps import AngleFeatureMap
from qbench.circuits.observables import z_observable
from qbench.circuits.variational import QCNNAnsatz
from qbench.models.variational.base import Layout, VariationalClassifier, store_params
from qbench.models.variational.vanilla import sigmoid6_loss


class QCNNClassifier(VariationalClassifier):
    """RY(x_i) angle encoding, then convolution + pooling levels (:class:`~qbench.circuits.variational.QCNNAnsatz`) to one qubit; <Z_0>.

    Pooling is a controlled RY from the dropped qubit onto the kept one, so no mid-circuit
    measurement is needed (deferred measurement).  qml-benchmarks ships no QCNN, so this follows
    Cong et al. 2019 with the vanilla QNN's head: cross-entropy of sigmoid(6 <Z_0>), P(class 1)
    = (1 + <Z_0>) / 2.  Inputs min-max scaled to [-pi/2, pi/2] times ``bandwidth``.
    """

    paper_class = ""
    compiled_head = "sigmoid6"

    def __init__(self, learning_rate=0.01, batch_size=32, max_steps=10000, convergence_interval=200, bandwidth=None,
                 n_qubits=None, reduction=None, scaling="minmax", backend="numpy", mode="exact", shots=None,
                 backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _layout(self, n_features: int) -> Layout:
        circuit = AngleFeatureMap("Y").circuit(n_features).then(QCNNAnsatz().circuit(n_features))
        return Layout(circuit, (z_observable(n_features, 0),))

    def _init(self, rng, layout):
        return rng.uniform(0, 2 * np.pi, layout.circuit.n_weights), np.zeros(0)

    def _loss(self, c, F, y):
        loss, dF = sigmoid6_loss(F, y)
        return loss, dF, np.zeros(0)

    def _proba(self, c, F):
        return (1 + F[:, 0]) / 2
