"""What the PennyLane backends support, declared without importing PennyLane.

:mod:`qbench_pennylane.plugin` registers these objects and :mod:`qbench_pennylane.backend` uses
the very same ones, so a suite is checked in the parent process against what the classes enforce.
"""

from qbench.backends.base import Capabilities

PENNYLANE = Capabilities(
    modes=("exact", "shots", "noisy", "hardware"),
    gradient_methods=("backprop", "parameter-shift", "adjoint", "finite-diff"),
    max_qubits=20,
    max_qubits_by_mode={"noisy": 12},  # default.mixed: a density matrix has 4**n entries
    mode_options={"exact": (), "shots": (), "noisy": (), "hardware": ("device", "device_kwargs")},
)
LIGHTNING = Capabilities(
    modes=("exact", "shots"),
    gradient_methods=("adjoint", "parameter-shift", "finite-diff"),
    max_qubits=20,
    mode_options={"exact": (), "shots": ()},
)
NATIVE = Capabilities(
    modes=("exact",),
    gradient_methods=("backprop", "parameter-shift", "adjoint", "finite-diff"),
    max_qubits=20,
    mode_options={"exact": ()},
)
