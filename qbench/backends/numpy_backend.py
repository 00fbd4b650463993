"""The ``numpy`` reference backend: the correctness oracle and the speed-of-light gauge."""

from __future__ import annotations


from qbench.backends import density, statevector
from qbench.backends.base import Backend
from qbench.backends.capabilities import NUMPY


class NumpyBackend(Backend):
    """Batched NumPy state vectors and density matrices; exact, shot and noisy modes; adjoint and parameter shift."""

    name = "numpy"
    framework = "numpy"
    capabilities = NUMPY

    def _states(self, circuit, angles, weights):
        self.count(angles.shape[0])
        return statevector.simulate(circuit, angles, weights)

    def _probabilities(self, circuit, angles, weights):
        if self.mode != "noisy":
            return super()._probabilities(circuit, angles, weights)
        self.count(angles.shape[0])
        return density.probabilities(circuit, angles, weights, self.noise)

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            self.count(angles.shape[0])
            return statevector.adjoint_vjp(circuit, angles, weights, observable.diagonal(circuit.n_qubits), cotangent)
        return super()._vjp(circuit, angles, weights, observable, cotangent)
