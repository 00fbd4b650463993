"""The ``numpy`` reference backend: the correctness oracle and the speed-of-light gauge."""

from __future__ import annotations


from qbench.backends import statevector
from qbench.backends.base import Backend
from qbench.backends.capabilities import NUMPY


class NumpyBackend(Backend):
    """Batched NumPy state vectors; exact and shot modes; adjoint and parameter-shift gradients."""

    name = "numpy"
    framework = "numpy"
    capabilities = NUMPY

    def _states(self, circuit, angles, weights):
        self.count(angles.shape[0])
        return statevector.simulate(circuit, angles, weights)

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            self.count(angles.shape[0])
            return statevector.adjoint_vjp(circuit, angles, weights, observable.diagonal(circuit.n_qubits), cotangent)
        return super()._vjp(circuit, angles, weights, observable, cotangent)

