"""Registers the built-in ``numpy`` reference backend."""

from qbench.backends.capabilities import NUMPY
from qbench.plugin.callbacks import RegisterBackend
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_backends(register: RegisterBackend) -> None:
    register("numpy", "qbench.backends.numpy_backend:NumpyBackend", framework="numpy", capabilities=NUMPY,
             requires=("numpy",),
             description="Batched NumPy state vectors: the reference and speed-of-light gauge", aliases=("reference",))
