"""The built-in ``numpy`` backend's declaration: registered by :mod:`qbench.builtins.numpy_backend`, used by the class."""

from qbench.backends.base import Capabilities

NUMPY = Capabilities(
    modes=("exact", "shots", "noisy"),
    gradient_methods=("adjoint", "parameter-shift"),
    max_qubits=20,
    # memory_budget: working memory beyond the results (bytes or "1 GiB"; default 1 GiB)
    mode_options={m: ("memory_budget",) for m in ("exact", "shots", "noisy")},
)
