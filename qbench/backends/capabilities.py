"""The built-in ``numpy`` backend's declaration: registered by :mod:`qbench.builtins.numpy_backend`, used by the class."""

from qbench.backends.base import Capabilities

NUMPY = Capabilities(
    modes=("exact", "shots", "noisy"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=20,
    mode_options={},
)
