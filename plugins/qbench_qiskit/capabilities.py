"""What the Qiskit backends support, declared without importing Qiskit.

:mod:`qbench_qiskit.plugin` registers these objects and :mod:`qbench_qiskit.backend` uses the
very same ones, so a suite is checked in the parent process against what the classes enforce.
"""

from qbench.backends.base import Capabilities

QISKIT = Capabilities(modes=("exact", "shots", "noisy", "hardware"), gradient_methods=("parameter-shift",),
                      max_qubits=24, default_shots=1024)
QISKIT_NATIVE = Capabilities(modes=("exact",), gradient_methods=("parameter-shift",), max_qubits=20)
