"""Registers the Qiskit backends.  Imports nothing from Qiskit, so it loads (and shows as unavailable) without it."""

from qbench import hookimpl
from qbench.plugin.callbacks import RegisterBackend, RegisterDrawer
from qbench_qiskit import capabilities as C

_REQUIRES = ("qiskit", "qiskit_aer", "qiskit_machine_learning", "qiskit_ibm_runtime")


@hookimpl
def qbench_register_backends(register: RegisterBackend) -> None:
    register("qiskit", "qbench_qiskit.backend:QiskitBackend", framework="qiskit", capabilities=C.QISKIT,
             requires=_REQUIRES, extra="qiskit",
             description="Qiskit: Aer state vectors (exact), Aer SamplerV2 (shots), fake-device noise, IBM Runtime hardware")
    register("qiskit.native", "qbench_qiskit.backend:QiskitNativeBackend", framework="qiskit",
             capabilities=C.QISKIT_NATIVE, requires=_REQUIRES, extra="qiskit",
             description="Qiskit tutorial path: FidelityQuantumKernel (ComputeUncompute) and EstimatorQNN defaults")


@hookimpl
def qbench_register_drawers(register: RegisterDrawer) -> None:
    register("qiskit", "qbench_qiskit.drawing:draw", requires=("qiskit",), description="QuantumCircuit.draw (text, mpl)")
