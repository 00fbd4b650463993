"""What the Cirq backends support, declared without importing Cirq.

:mod:`qbench_cirq.plugin` registers these objects and :mod:`qbench_cirq.backend` uses the very
same ones, so a suite is checked in the parent process against what the classes enforce.
"""

from qbench.backends.base import Capabilities

#: cirq-google's offline noise models, offered as named device models in noisy mode (option ``device_model``).
DEVICE_MODELS = ("google_rainbow", "google_weber", "google_willow_pink")

#: Hardware: ``sampler`` (a ``cirq.Sampler`` used instead of the Engine, e.g. a local simulator or
#: processor) and ``device`` (its ``cirq.Device``, to compile onto); objects, kept out of ``config``.
CIRQ = Capabilities(
    modes=("exact", "shots", "noisy", "hardware"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=20,
    atol=1e-8,
    mode_options={"exact": (), "shots": (), "noisy": (), "hardware": ("sampler", "device")},
    device_models=DEVICE_MODELS,
    max_qubits_by_mode={"noisy": 10},
)
QSIM = Capabilities(
    modes=("exact", "shots"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=24,
    atol=1e-5,  # single precision: measured deviation from numpy ~4e-6 over the kit's cases
    mode_options={"exact": ("threads",), "shots": ("threads",)},
)
