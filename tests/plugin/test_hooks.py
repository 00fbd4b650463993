"""Every hook has a section in docs/plugins.md and a test of its own, here, named test_<hook>."""

import inspect
import re
import types
from pathlib import Path

import numpy as np
import pytest

from qbench.errors import QBenchError
from qbench.plugin import hookspecs
from qbench.plugin import manager as plugins
from qbench.plugin.hookspecs import hookimpl

ROOT = Path(__file__).resolve().parents[2]
HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("qbench_")]


def _plugin(name, fn):
    mod = types.ModuleType(f"plugin_for_{name}")
    setattr(mod, name, hookimpl(fn))
    return mod


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_tested(hook):
    assert getattr(hookspecs, hook).__doc__, f"{hook} has no docstring"
    guide = (ROOT / "docs" / "plugins.md").read_text()
    assert re.search(rf"^### {hook}$", guide, re.M), f"docs/plugins.md has no section '### {hook}'"
    assert f"def test_{hook}(" in Path(__file__).read_text(), f"tests/test_hooks.py has no test_{hook}"


def test_qbench_register_backends():
    from qbench.backends.numpy_backend import NumpyBackend

    class Copy(NumpyBackend):
        name = "numpy_copy"

    with plugins.registered(_plugin("qbench_register_backends",
                                    lambda register: register("numpy_copy", Copy, framework="numpy"))):
        assert "numpy_copy" in plugins.backend_names()
        assert plugins.open_backend("numpy_copy", mode="shots", shots=10).shots == 10
    assert "numpy_copy" not in plugins.backend_names()


def test_qbench_register_datasets():
    def loader(n_samples=10, n_features=2, seed=0):
        rng = np.random.default_rng(seed)
        return rng.normal(size=(n_samples, n_features)), np.arange(n_samples) % 2

    with plugins.registered(_plugin("qbench_register_datasets",
                                    lambda register: register("gauss", loader, source="test"))):
        from qbench.datasets import load_dataset

        X, y = load_dataset("gauss", n_samples=8, seed=1)
        assert X.shape == (8, 2) and plugins.dataset_entry("gauss").meta["source"] == "test"


def test_qbench_register_baselines():
    from sklearn.dummy import DummyClassifier

    with plugins.registered(_plugin("qbench_register_baselines", lambda register: register(
            "dummy", lambda random_state=None, cv=5: DummyClassifier()))):
        from qbench.models.baselines import make_baseline

        model = make_baseline("dummy").fit(np.eye(4), [0, 1, 0, 1])
        assert model.predict(np.eye(4)).shape == (4,)


def test_qbench_register_models():
    from qbench.models.kernel import QuantumKernelClassifier
    from qbench.models.kinds import estimator_class, model_kinds, task_of

    class Renamed(QuantumKernelClassifier):
        pass

    with plugins.registered(_plugin("qbench_register_models", lambda register: register(
            "renamed_kernel", Renamed, task="kernel", family="kernel"))):
        assert "renamed_kernel" in model_kinds()
        assert estimator_class("renamed_kernel") is Renamed and task_of("renamed_kernel") == "kernel"
    assert "renamed_kernel" not in model_kinds()
    with pytest.raises(QBenchError, match="task 'gram'"):
        with plugins.registered(_plugin("qbench_register_models", lambda register: register(
                "bad", Renamed, task="gram"))):
            model_kinds()


def test_qbench_register_templates():
    from qbench.circuits import AngleFeatureMap

    with plugins.registered(_plugin("qbench_register_templates", lambda register: register(
            "rx_map", "feature_map", lambda: AngleFeatureMap("X"), aliases=("rx",)))):
        fm = plugins.make_template("feature_map", "rx")
        assert fm.circuit(2).gates[0].name == "RX"


def test_qbench_register_drawers():
    from qbench.circuits.drawing import draw

    drawn = []

    def drawer(circuit, fmt):
        drawn.append((circuit.n_qubits, fmt))
        return f"{circuit.n_qubits} wires"

    from qbench.backends.numpy_backend import NumpyBackend

    class Framed(NumpyBackend):
        name = "framed"
        framework = "framed"

    def backends(register):
        register("framed", Framed, framework="framed")

    with plugins.registered(_plugin("qbench_register_backends", backends), name="framed_backend"):
        with plugins.registered(_plugin("qbench_register_drawers", lambda register: register("framed", drawer))):
            from qbench.circuits import ZZFeatureMap

            assert draw(ZZFeatureMap().circuit(3), "text", backend="framed") == "3 wires"
            assert plugins.drawer_for("nothing") is None
    assert drawn == [(3, "text")]
