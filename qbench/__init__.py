"""qbench: benchmark quantum kernels and quantum neural networks across frameworks against classical baselines."""

__version__ = "0.1.0"


def __getattr__(name):
    # Lazy, so `import qbench` stays cheap and plugins can import submodules without cycles.
    if name == "run_suite":
        from qbench.runner import run_suite

        return run_suite
    if name == "load_results":
        from qbench.results import load

        return load
    if name in ("QuantumKernelClassifier", "QNNClassifier"):
        from qbench import estimators

        return getattr(estimators, name)
    if name == "load_dataset":
        from qbench.datasets import load_dataset

        return load_dataset
    raise AttributeError(f"module 'qbench' has no attribute {name!r}")


__all__ = ["__version__", "run_suite", "load_results", "QuantumKernelClassifier", "QNNClassifier", "load_dataset"]
