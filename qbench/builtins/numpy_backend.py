"""Registers the built-in ``numpy`` reference backend."""

from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_backends(register):
    register("numpy", "qbench.backends.numpy_backend:NumpyBackend", framework="numpy", requires=("numpy",),
             description="Batched NumPy state vectors: the reference and speed-of-light gauge", aliases=("reference",))
