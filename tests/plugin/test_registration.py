"""Every registration path is checked, hooks pass arguments by name, and capabilities are declared once."""

import os
import subprocess
import sys
import textwrap
import types

import pytest

from qbench import hookimpl
from qbench.backends import Capabilities
from qbench.errors import QBenchError
from qbench.plugin import manager as plugins
from qbench.suite.parse import SuiteError, parse_suite
from requires import skip_or_fail

SUITE = """
[suite]
name = "t"
{plugins}
backends = {backends}
modes = {modes}
[[datasets]]
name = "iris"
n_samples = 20
[[models]]
name = "k"
kind = "kernel"
params = {{ feature_map = "zz" }}
"""


def _qbench(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "qbench", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=os.environ.copy())


def _one_line_error(out) -> str:
    assert out.returncode == 2, out
    assert "Traceback" not in out.stderr, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), out.stderr
    return lines[0]


# ------------------------------------------------------------------ hooks
def test_misspelled_hook_in_a_suite_plugin_module_is_an_error_naming_hook_and_module(tmp_path):
    (tmp_path / "typo_plugin.py").write_text(textwrap.dedent("""
        from qbench import hookimpl

        @hookimpl
        def qbench_register_backend(register):  # missing the final "s"
            pass
    """))
    suite = tmp_path / "suite.toml"
    suite.write_text(SUITE.format(plugins='plugins = ["typo_plugin.py"]', backends='["numpy"]', modes='["exact"]'))
    line = _one_line_error(_qbench("run", str(suite), "--db", str(tmp_path / "r.db")))
    assert "'qbench_register_backend'" in line and "typo_plugin.py" in line, line
    assert "did you mean 'qbench_register_backends'" in line
    assert not (tmp_path / "r.db").exists()


def test_runtime_registration_refuses_unknown_hooks_and_leaves_nothing_registered():
    bad = types.ModuleType("bad_plugin")
    bad.qbench_register_dataset = hookimpl(lambda register: None)
    with pytest.raises(QBenchError, match=r"plugin 'bad_plugin'.* unknown hook 'qbench_register_dataset'"):
        plugins.host.register(bad, name="bad_plugin")
    assert not plugins.host.pm.has_plugin("bad_plugin")


def test_an_argument_the_hook_does_not_pass_is_refused_at_registration():
    bad = types.ModuleType("extra_arg_plugin")
    bad.qbench_register_datasets = hookimpl(lambda register, config: None)
    with pytest.raises(QBenchError, match="extra_arg_plugin.*config"):
        plugins.host.register(bad, name="extra_arg_plugin")


def test_an_implementation_may_take_a_subset_of_the_hook_arguments():
    # A hook that gains arguments passes each by name, so an implementation naming fewer (here none) still runs.
    calls = []
    mod = types.ModuleType("no_arg_plugin")
    mod.qbench_register_datasets = hookimpl(lambda: calls.append("called"))
    with plugins.registered(mod, name="no_arg_plugin"):
        plugins.host.registries()
    assert calls == ["called"]


def test_call_hookimpl_passes_each_argument_by_name():
    seen = {}

    def impl(b, a):
        seen.update(a=a, b=b)

    fake = types.SimpleNamespace(function=impl, argnames=("b", "a"))
    plugins.call_hookimpl(fake, {"a": 1, "b": 2, "c": 3})
    assert seen == {"a": 1, "b": 2}


# ------------------------------------------------------------ capabilities
@pytest.mark.parametrize("name", plugins.backend_names())
def test_the_registered_declaration_is_the_one_the_class_uses(name):
    spec = plugins.backend_spec(name)
    assert spec.capabilities is not None, f"backend {name!r} registers no capabilities="
    if not spec.available:
        skip_or_fail(f"{name}: {spec.install_hint}")  # fails under CI, which installs every framework
    assert spec.load().capabilities is spec.capabilities


def test_a_class_that_drifts_from_its_registration_is_refused():
    from qbench.backends.numpy_backend import NumpyBackend

    class Drifted(NumpyBackend):
        name = "drifted"

    drift = types.ModuleType("drift_plugin")
    drift.qbench_register_backends = hookimpl(lambda register: register(
        "drifted", Drifted, framework="numpy", capabilities=Capabilities(modes=("exact",))))
    with plugins.registered(drift, name="drift_plugin"):
        with pytest.raises(QBenchError, match="declares capabilities that differ"):
            plugins.open_backend("drifted")


def test_undeclared_mode_of_a_named_backend_fails_at_parse_time():
    text = SUITE.format(plugins="", backends='["numpy"]', modes='["exact", "hardware"]')
    with pytest.raises(SuiteError, match=r"suite.backends\[0\]: backend 'numpy' does not support mode 'hardware'"):
        parse_suite(text)


def test_a_backend_group_records_undeclared_modes_as_skipped_jobs():
    suite = parse_suite(SUITE.format(plugins="", backends='["all"]', modes='["exact", "hardware"]'))
    assert "numpy" in {b.name for b in suite.backends}


def test_the_parse_time_check_imports_no_framework(tmp_path):
    suite = tmp_path / "s.toml"
    suite.write_text(SUITE.format(plugins="", backends='["qiskit", "pennylane", "cirq"]', modes='["exact", "shots"]'))
    probe = (f"import sys; from qbench.suite.parse import load_suite; load_suite({str(suite)!r})\n"
             "loaded = sorted(m for m in ('qiskit', 'pennylane', 'cirq') if m in sys.modules)\n"
             "assert not loaded, loaded")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    suite.write_text(SUITE.format(plugins="", backends='["qiskit.native"]', modes='["exact", "shots"]'))
    line = _one_line_error(_qbench("run", str(suite), "--list"))
    assert "backend 'qiskit.native' does not support mode 'shots' (it declares: exact)" in line, line


def test_a_plugin_may_name_its_own_install_command():
    mod = types.ModuleType("own_install")
    mod.qbench_register_backends = hookimpl(lambda register: register(
        "own", "own_fw.backend:Own", framework="own", capabilities=Capabilities(), requires=("own_fw_xyz",),
        install="pip install qbench-own"))
    with plugins.registered(mod, name="own_install"):
        assert plugins.backend_spec("own").install_hint == "pip install qbench-own"


# ------------------------------------------------------------ typed callbacks
def _params(fn) -> list[str]:
    import inspect

    return [p.name for p in inspect.signature(fn).parameters.values() if p.name != "self"]


@pytest.mark.parametrize("hook, protocol, make", [
    ("qbench_register_backends", "RegisterBackend", lambda: plugins.PluginHost._backend_register({}, "p")),
    ("qbench_register_datasets", "RegisterDataset", lambda: plugins.PluginHost._dataset_register({}, "p")),
    ("qbench_register_baselines", "RegisterBaseline", lambda: plugins.PluginHost._baseline_register({}, "p")),
    ("qbench_register_templates", "RegisterTemplate", lambda: plugins.PluginHost._template_register({}, "p")),
    ("qbench_register_drawers", "RegisterDrawer", lambda: plugins.PluginHost._drawer_register({}, "p")),
])
def test_each_register_callback_matches_its_protocol_the_hookspec_and_the_docs(hook, protocol, make):
    import ast
    import inspect
    import re
    from pathlib import Path

    from qbench.plugin import callbacks, hookspecs

    typed = _params(getattr(callbacks, protocol).__call__)
    assert inspect.signature(getattr(hookspecs, hook)).parameters["register"].annotation == protocol
    # the callback the manager builds accepts every argument of the Protocol, and requires no other
    real = inspect.signature(make()).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in real.values())
    assert all(name in real or takes_any for name in typed), (typed, list(real))
    assert {n for n, p in real.items() if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)} \
        <= set(typed)
    # docs/plugins.md shows the same signature, argument for argument
    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()
    section = guide.split(f"### {hook}\n", 1)[1]
    call = re.search(r"```python\n(register\(.*?\))\n```", section, re.S)[1]
    documented = ast.parse("def f" + call[len("register"):] + ": pass").body[0].args
    names = [a.arg for a in documented.args + documented.kwonlyargs]
    assert names == typed, (names, typed)
