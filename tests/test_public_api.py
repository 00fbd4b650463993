"""The public import paths stay stable: the façade, hookspecs and plugins re-exports, the conformance kit, py.typed."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_facade_names():
    from qbench import QNNClassifier, QuantumKernelClassifier, hookimpl, load_dataset, load_results, run_suite
    from qbench.datasets import load_dataset as where_dataset
    from qbench.models import QNNClassifier as where_qnn
    from qbench.models import QuantumKernelClassifier as where_kernel
    from qbench.plugin.hookspecs import hookimpl as where_hookimpl
    from qbench.results.tables import load
    from qbench.run.runner import run_suite as where_run

    assert (hookimpl, QuantumKernelClassifier, QNNClassifier, run_suite, load_results, load_dataset) == (
        where_hookimpl, where_kernel, where_qnn, where_run, load, where_dataset)


def test_reexport_modules():
    import qbench.hookspecs
    import qbench.plugins
    import qbench.testing
    from qbench.plugin import manager
    from qbench.plugin.hookspecs import hookimpl

    assert qbench.hookspecs.hookimpl is hookimpl
    assert qbench.plugins.open_backend is manager.open_backend and qbench.plugins.registered is manager.registered
    assert qbench.plugins.open_backend("numpy").name == "numpy"
    assert callable(qbench.testing.backend_checks) and callable(qbench.testing.run_checks)
    for module in (qbench.hookspecs, qbench.plugins):
        assert module.__doc__.startswith("Re-export"), module.__name__


def test_import_qbench_is_cheap():
    probe = "import sys, qbench; print(sorted(m for m in ('numpy', 'pluggy', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_py_typed_is_shipped():
    assert (ROOT / "qbench" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["qbench"]
