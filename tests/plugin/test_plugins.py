import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from qbench.plugin import manager as plugins
from qbench.backends.base import Backend, Capabilities
from qbench.errors import QBenchError, UnavailableError, UnknownNameError
from qbench import hookimpl


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
    dup = _plugin(qbench_register_backends=lambda register: register("numpy", "x:y", framework="x",
                                                                      capabilities=Capabilities()))
    with plugins.registered(dup, name="dup"):
        with pytest.raises(QBenchError, match="registered twice: by plugin 'qbench.builtins.numpy_backend' and by 'dup'"):
            plugins.host.registries()


def test_aliases_resolve():
    assert plugins.backend_spec("reference").name == "numpy"
    assert plugins.template_entry("ansatz", "hea").name == "hardware_efficient"


def test_backend_with_missing_framework_is_unavailable_with_install_hint():
    missing = _plugin(qbench_register_backends=lambda register: register(
        "ghost", "ghost_framework.backend:Ghost", framework="ghost", capabilities=Capabilities(),
        requires=("ghost_framework_xyz",), extra="ghost"))
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


def _entry_point_plugin(root: Path, name: str) -> None:
    """A plugin package installed the way pip would (a dist-info with a ``qbench`` entry point) under ``root``."""
    (root / f"qbench_{name}.py").write_text(
        "from qbench import hookimpl\n\n"
        "@hookimpl\n"
        "def qbench_register_datasets(register):\n"
        f"    register('{name}_data', lambda n_samples=8, n_features=2, seed=0: None)\n")
    dist = root / f"qbench_{name}-0.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: qbench-{name}\nVersion: 0.3\n")
    (dist / "entry_points.txt").write_text(f"[qbench]\n{name} = qbench_{name}\n")


def test_allow_list_environment_variable_limits_entry_point_plugins(tmp_path):
    """Two entry-point plugins are installed for the test, so the allow-list has something to leave out."""
    import os

    _entry_point_plugin(tmp_path, "epalpha")
    _entry_point_plugin(tmp_path, "epbeta")
    path = {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}

    def listed(allow: str | None) -> list[str]:
        env = dict(path) if allow is None else {**path, "QBENCH_PLUGINS": allow}
        out = _run_qbench(["plugins"], env)
        assert out.returncode == 0, out.stderr
        return [line.split()[0] for line in out.stdout.split("\nbackends:")[0].splitlines()
                if line and not line.startswith(" ")]

    everything, none, alpha = listed(None), listed(""), listed("epalpha")
    assert {"epalpha", "epbeta"} <= set(everything)
    assert all(n.startswith("qbench.builtins") for n in none), none
    assert [n for n in alpha if not n.startswith("qbench.builtins")] == ["epalpha"], alpha
    assert set(none) < set(alpha) < set(everything)


def test_misspelled_hooks_are_refused_on_registration():
    bad = types.ModuleType("bad")
    bad.qbench_register_backend = hookimpl(lambda register: None)  # missing the final "s"
    host = plugins.PluginHost()
    with pytest.raises(QBenchError, match="plugin 'bad'.*unknown hook 'qbench_register_backend'; did you mean"):
        host.register(bad)
    host.pm.check_pending()  # nothing unchecked was left behind


def test_broken_entry_point_plugin_is_reported_not_fatal(tmp_path):
    dist = tmp_path / "qbench_broken-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: qbench-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[qbench]\nbroken = qbench_broken_does_not_exist.plugin\n")
    import os

    out = _run_qbench(["plugins"], {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])})
    assert out.returncode == 0, out.stderr
    assert re.search(r"^broken\s+\?\s+plugin\s+broken: ModuleNotFoundError", out.stdout, re.M), out.stdout
    assert "numpy" in out.stdout


def test_plugin_without_its_framework_lists_as_unavailable_with_the_extra(tmp_path):
    (tmp_path / "qbench_ghostplug.py").write_text(
        "from qbench import hookimpl\n\n"
        "@hookimpl\n"
        "def qbench_register_backends(register):\n"
        "    from qbench.backends import Capabilities\n"
        "    register('ghost', 'ghost_fw.backend:Ghost', framework='ghost', capabilities=Capabilities(),\n"
        "             requires=('ghost_fw',), extra='ghost')\n")
    dist = tmp_path / "qbench_ghostplug-0.2.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: qbench-ghostplug\nVersion: 0.2\n")
    (dist / "entry_points.txt").write_text("[qbench]\nghostplug = qbench_ghostplug\n")
    out = _run_qbench(["plugins"], {"PYTHONPATH": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert re.search(r'^ghostplug\s+0\.2\s+plugin\s+unavailable \(missing ghost_fw\): pip install "qbench\[ghost\]"',
                     out.stdout, re.M), out.stdout
    evaluate = _run_qbench(["evaluate", "--dataset", "iris", "--backend", "ghost"], {"PYTHONPATH": str(tmp_path)})
    assert evaluate.returncode == 2 and 'pip install "qbench[ghost]"' in evaluate.stderr
    assert "Traceback" not in evaluate.stderr
