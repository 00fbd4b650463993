"""What the Cirq backends support, declared without importing Cirq.

:mod:`qbench_cirq.plugin` registers these objects and :mod:`qbench_cirq.backend` uses the very
same ones, so a suite is checked in the parent process against what the classes enforce.
"""

from qbench.backends.base import Capabilities

CIRQ = Capabilities(
    modes=("exact", "shots", "noisy", "hardware"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=20,
    atol=1e-8,
)
QSIM = Capabilities(
    modes=("exact", "shots"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=24,
    atol=1e-5,  # single precision: measured deviation from numpy ~4e-6 over the kit's cases
)
