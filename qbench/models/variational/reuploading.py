"""Data re-uploading classifier (Perez-Salinas et al. 2020; Bowles et al. 2024's ``DataReuploadingClassifier``)."""

from __future__ import annotations

import numpy as np
from sklearn.utils._param_validation import StrOptions

from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.observables import z_observable
from qbench.circuits.variational import reuploading_circuit
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, store_params

OBSERVABLE_TYPES = ("single", "half", "full")


def observable_weight(observable_type: str, n_qubits: int) -> int:
    """How many qubits (0, 1, ...) the classifier reads: one, half of them (at least one), or all."""
    return {"single": 1, "half": max(1, n_qubits // 2), "full": n_qubits}[observable_type]


class DataReuploadingClassifier(VariationalClassifier):
    """ceil(d / 3) qubits; per layer Rot(x * omega) then Rot(theta) on each qubit and a CZ pattern; last layer Rot(x * omega + theta).

    The input weights omega (one per feature per layer, trained jointly with the circuit weights
    theta) sit in front of the data: the core computes the data angles x_j * omega[l, j] and
    takes their gradient through ``Backend.value_and_grads``.  The first k qubits are read
    (``observable_type`` single / half / full); the loss is the paper's weighted fidelity cost
    (its eq. 23) with trainable alphas; P(class 1) = (1 + mean_k <Z_k>) / 2.  Inputs are min-max
    scaled to [-pi/2, pi/2] times ``bandwidth``, zero-padded to a multiple of 3.  As for every qbench
    model, ``n_qubits`` with ``reduction="pca"`` sets the number of encoded features d (the suite's
    data-set setting); the circuit itself has ceil(d / 3) qubits (``n_qubits_`` after fitting).
    """

    paper_class = "DataReuploadingClassifier"
    compiled_head = "reuploading"
    _entangling = True

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "n_layers": repetition_constraint(), "observable_type": [StrOptions(set(OBSERVABLE_TYPES))]}

    def __init__(self, n_layers=4, observable_type="single", learning_rate=0.05, batch_size=32, max_steps=10000,
                 convergence_interval=200, bandwidth=None, n_qubits=None, reduction=None, scaling="minmax",
                 backend="numpy", mode="exact", shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.n_layers < 1:
            raise DataError(f"n_layers must be >= 1, got {self.n_layers}")
        if self.observable_type not in OBSERVABLE_TYPES:
            raise DataError(f"observable_type must be one of {', '.join(OBSERVABLE_TYPES)}, got {self.observable_type!r}")

    def _features(self, Z):
        pad = (-Z.shape[1]) % 3
        return np.hstack([Z, np.zeros((len(Z), pad))]) if pad else Z

    def _layout(self, n_features: int) -> Layout:
        n = n_features // 3
        self.observable_weight_ = observable_weight(self.observable_type, n)
        circuit = reuploading_circuit(n, int(self.n_layers), entangling=self._entangling)
        obs = tuple(z_observable(n, i) for i in range(self.observable_weight_))
        return Layout(circuit, obs, circuit.n_data + 2 * self.observable_weight_, trainable_angles=True)

    def _init(self, rng, layout):
        n_omega = layout.circuit.n_data
        thetas = rng.uniform(0, 1, layout.circuit.n_weights)
        return thetas, np.concatenate([rng.uniform(0, 1, n_omega), np.ones(2 * self.observable_weight_)])

    def _omega(self, c):
        return c[:self.layout_.circuit.n_data]

    def _angles(self, c, feats):
        return np.tile(feats, int(self.n_layers) + 1) * self._omega(c)

    def _angles_vjp(self, c, feats, grad_angles):
        out = np.zeros(len(c))
        out[:self.layout_.circuit.n_data] = np.sum(grad_angles * np.tile(feats, int(self.n_layers) + 1), axis=0)
        return out

    def _loss(self, c, F, y):
        k = self.observable_weight_
        a0, a1 = c[-2 * k:-k], c[-k:]
        p0, p1 = (1 - F) / 2, (1 + F) / 2
        y1 = y[:, None]
        r0, r1 = a0 * p0 - (1 - y1), a1 * p1 - y1
        m = len(y)
        loss = 0.5 * float(np.sum(r0**2 + r1**2)) / m
        dF = (-0.5 * r0 * a0 + 0.5 * r1 * a1) / m
        dc = np.zeros(len(c))
        dc[-2 * k:-k] = np.sum(r0 * p0, axis=0) / m
        dc[-k:] = np.sum(r1 * p1, axis=0) / m
        return loss, dF, dc

    def _proba(self, c, F):
        return (1 + F.mean(axis=1)) / 2


class DataReuploadingSeparableClassifier(DataReuploadingClassifier):
    """The separable ablation of :class:`DataReuploadingClassifier`: every layer is Rot(x * omega + theta), no CZs.

    As Bowles et al. 2024's ``DataReuploadingClassifierSeparable``; everything else (input weights,
    observables, the fidelity cost, the grid) is the entangling model's.
    """

    paper_class = "DataReuploadingClassifierSeparable"
    _entangling = False
