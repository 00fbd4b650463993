"""The ``numpy`` reference backend: the correctness oracle and the speed-of-light gauge."""

from __future__ import annotations


from qbench.backends import statevector
from qbench.backends.base import Backend, Capabilities


class NumpyBackend(Backend):
    """Batched NumPy state vectors; exact and shot modes; adjoint and parameter-shift gradients."""

    name = "numpy"
    framework = "numpy"
    capabilities = Capabilities(
        modes=("exact", "shots"),
        gradient_methods=("adjoint", "parameter-shift"),
        max_qubits=20,
    )

    def _states(self, circuit, angles, weights):
        self.count(angles.shape[0])
        return statevector.simulate(circuit, angles, weights)

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            self.count(angles.shape[0])
            return statevector.adjoint_vjp(circuit, angles, weights, observable.diagonal(circuit.n_qubits), cotangent)
        return super()._vjp(circuit, angles, weights, observable, cotangent)

