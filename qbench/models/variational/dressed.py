"""Dressed quantum circuit (Mari et al. 2020; Bowles et al. 2024's ``DressedQuantumCircuitClassifier``)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit


from qbench.circuits.bounds import repetition_constraint
from qbench.circuits.observables import z_observable
from qbench.circuits.variational import dressed_circuit
from qbench.errors import DataError
from qbench.models.variational.base import Layout, VariationalClassifier, store_params


class DressedQuantumCircuitClassifier(VariationalClassifier):
    """Classical input layer tanh(W_in x) * pi/2 -> circuit (H, RY, ``n_layers`` x (RY(w), CNOT ring)) -> <Z_i> -> W_out -> softmax.

    One qubit per feature.  The input layer W_in (d x d), the circuit weights and the output
    layer W_out (2 x d) are trained jointly on the softmax cross-entropy; the gradient to W_in
    runs through the data angles (``Backend.value_and_grads``).  The paper standardises inputs
    (StandardScaler): the default here is ``scaling="standard"`` too.
    """

    paper_class = "DressedQuantumCircuitClassifier"
    compiled_head = "dressed"
    _entangling = True

    _parameter_constraints = {**VariationalClassifier._parameter_constraints, "n_layers": repetition_constraint()}

    def __init__(self, n_layers=3, learning_rate=0.001, batch_size=32, max_steps=100000, convergence_interval=200,
                 bandwidth=None, n_qubits=None, reduction=None, scaling="standard", backend="numpy", mode="exact",
                 shots=None, backend_options=None, gradient=None, random_state=None):
        store_params(self, locals())

    def _check_params(self) -> None:
        if self.n_layers < 1:
            raise DataError(f"n_layers must be >= 1, got {self.n_layers}")

    def _layout(self, n_features: int) -> Layout:
        n = n_features
        obs = tuple(z_observable(n, i) for i in range(n))
        return Layout(dressed_circuit(n, int(self.n_layers), entangling=self._entangling), obs, n * n + 2 * n, trainable_angles=True)

    def _init(self, rng, layout):
        n = layout.circuit.n_qubits
        w = rng.uniform(0, 2 * np.pi, layout.circuit.n_weights)
        return w, np.concatenate([rng.normal(size=n * n) / n, rng.normal(size=2 * n) / n])

    def _mats(self, c):
        n = self.layout_.circuit.n_qubits
        return c[:n * n].reshape(n, n), c[n * n:].reshape(2, n)

    def _angles(self, c, feats):
        w_in, _ = self._mats(c)
        return np.tanh(feats @ w_in.T) * (np.pi / 2)

    def _angles_vjp(self, c, feats, grad_angles):
        w_in, _ = self._mats(c)
        t = np.tanh(feats @ w_in.T)
        pre = grad_angles * (np.pi / 2) * (1 - t**2)
        out = np.zeros(len(c))
        out[:w_in.size] = (pre.T @ feats).ravel()
        return out

    def _loss(self, c, F, y):
        _, w_out = self._mats(c)
        logits = F @ w_out.T
        # two-class softmax cross-entropy through the logit difference z = l_1 - l_0 (p_1 = expit(z); scipy's
        # ufuncs, a tenth of the time of its array-API log_softmax at a batch of 32)
        z = logits[:, 1] - logits[:, 0]
        m = len(y)
        loss = -float(np.sum(y * log_expit(z) + (1 - y) * log_expit(-z))) / m
        r = (expit(z) - y) / m
        d_logits = np.column_stack([-r, r])
        dc = np.zeros(len(c))
        dc[-w_out.size:] = (d_logits.T @ F).ravel()
        return loss, d_logits @ w_out, dc

    def _proba(self, c, F):
        _, w_out = self._mats(c)
        logits = F @ w_out.T
        return expit(logits[:, 1] - logits[:, 0])


class DressedQuantumCircuitSeparableClassifier(DressedQuantumCircuitClassifier):
    """The separable ablation of :class:`DressedQuantumCircuitClassifier`: the circuit without its CNOT rings.

    As Bowles et al. 2024's ``DressedQuantumCircuitClassifierSeparable``; the classical layers are the same.
    """

    paper_class = "DressedQuantumCircuitClassifierSeparable"
    _entangling = False
