import subprocess
import sys
import types

import numpy as np
import pytest

from qbench import plugins
from qbench.backends.base import Backend, Capabilities
from qbench.errors import QBenchError, UnavailableError, UnknownNameError
from qbench.hookspecs import hookimpl


def _plugin(**hooks):
    mod = types.ModuleType("testplugin")
    for name, fn in hooks.items():
        setattr(mod, name, hookimpl(fn))
    return mod


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(UnknownNameError, match="valid names: .*numpy"):
        plugins.backend_spec("nope")
    with pytest.raises(UnknownNameError, match="unknown feature map 'nope'; valid names: .*zz"):
        plugins.make_template("feature_map", "nope")
    with pytest.raises(UnknownNameError, match="unknown dataset 'nope'"):
        plugins.dataset_entry("nope")


def test_duplicate_names_are_refused_naming_both_plugins():
    dup = _plugin(qbench_register_backends=lambda register: register("numpy", "x:y", framework="x"))
    with plugins.registered(dup, name="dup"):
        with pytest.raises(QBenchError, match="registered twice: by plugin 'qbench.default_plugins.numpy_backend' and by 'dup'"):
            plugins.host.registries()


def test_aliases_resolve():
    assert plugins.backend_spec("reference").name == "numpy"
    assert plugins.template_entry("ansatz", "hea").name == "hardware_efficient"


def test_backend_with_missing_framework_is_unavailable_with_install_hint():
    missing = _plugin(qbench_register_backends=lambda register: register(
        "ghost", "ghost_framework.backend:Ghost", framework="ghost", requires=("ghost_framework_xyz",), extra="ghost"))
    with plugins.registered(missing, name="ghostplugin"):
        spec = plugins.backend_spec("ghost")
        assert not spec.available
        assert spec.install_hint == 'pip install "qbench[ghost]"'
        with pytest.raises(UnavailableError, match=r'pip install "qbench\[ghost\]"'):
            plugins.open_backend("ghost")


def test_a_runtime_registered_backend_is_usable():
    class Tiny(Backend):
        name = "tiny"
        capabilities = Capabilities(modes=("exact",))

        def _states(self, circuit, angles, weights):
            from qbench.backends.statevector import simulate_gate_by_gate

            return simulate_gate_by_gate(circuit, angles, weights)

    tiny = _plugin(qbench_register_backends=lambda register: register("tiny", Tiny, framework="test"))
    with plugins.registered(tiny, name="tinyplugin"):
        from qbench.circuits import ZZFeatureMap

        fm = ZZFeatureMap()
        k = plugins.open_backend("tiny").kernel(fm.circuit(2), fm.angles(np.ones((2, 2))))
        assert np.allclose(np.diag(k), 1.0)
    assert "tiny" not in plugins.backend_names()


def _run_qbench(args, env_extra):
    import os

    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-m", "qbench", *args], capture_output=True, text=True, env=env, timeout=120)


def test_allow_list_environment_variable_limits_entry_point_plugins():
    out = _run_qbench(["plugins"], {"QBENCH_PLUGINS": ""})
    assert out.returncode == 0
    names = [line.split()[0] for line in out.stdout.splitlines() if line and not line.startswith(" ")]
    assert all(n.startswith("qbench.default_plugins") or n == "backends:" for n in names), out.stdout
    everything = _run_qbench(["plugins"], {})
    assert everything.returncode == 0
    assert len(everything.stdout.splitlines()) >= len(out.stdout.splitlines())


def test_check_pending_catches_misspelled_hooks():
    bad = types.ModuleType("bad")
    bad.qbench_register_backend = hookimpl(lambda register: None)  # missing the final "s"
    host = plugins.PluginHost()
    host.load()
    host.pm.register(bad)
    with pytest.raises(Exception, match="unknown hook"):
        host.pm.check_pending()
