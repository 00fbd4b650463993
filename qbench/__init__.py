"""qbench: benchmark quantum kernels and quantum neural networks across frameworks against classical baselines.

This module is the lazy public façade: every name below is a re-export, imported on first use,
so ``import qbench`` (and ``qbench --version``) stays cheap and plugins can import submodules
without cycles.
"""

__version__ = "0.1.0"

# name -> (module, attribute): each a thin re-export of where the thing lives.
_EXPORTS = {
    "hookimpl": ("qbench.plugin.hookspecs", "hookimpl"),
    "run_suite": ("qbench.run.runner", "run_suite"),
    "load_results": ("qbench.results.tables", "load"),
    "QuantumKernelClassifier": ("qbench.models", "QuantumKernelClassifier"),
    "QNNClassifier": ("qbench.models", "QNNClassifier"),
    "load_dataset": ("qbench.datasets", "load_dataset"),
}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        module, attr = _EXPORTS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'qbench' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])


__all__ = ["__version__", *_EXPORTS]
