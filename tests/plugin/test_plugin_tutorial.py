"""Builds the plugin tutorial of docs/plugins.md as a package, installs it with pip -e and runs `qbench check`."""

import os
import re
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[^ ]+) -->\n```[a-z]*\n(?P<body>.*?)```", re.S)


def tutorial_files() -> dict[str, str]:
    return {m["path"]: m["body"] for m in FILE_BLOCK.finditer((ROOT / "docs" / "plugins.md").read_text())}


def test_tutorial_declares_a_whole_package():
    assert set(tutorial_files()) == {"qbench-hello/pyproject.toml", "qbench-hello/qbench_hello/__init__.py",
                                     "qbench-hello/qbench_hello/capabilities.py",
                                     "qbench-hello/qbench_hello/plugin.py", "qbench-hello/qbench_hello/backend.py"}


@pytest.mark.slow
@pytest.mark.integration
def test_tutorial_plugin_installs_and_passes_qbench_check(tmp_path):
    for rel, body in tutorial_files().items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The new venv sees this interpreter's packages (qbench, pip, setuptools) -- whether that is a
    # virtualenv or the machine's Python -- through a .pth that adds its site directories, .pth files
    # included (an editable qbench is one).  ``system_site_packages`` would see the base Python instead.
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    parents = [p for p in site.getsitepackages() + [site.getusersitepackages()] if Path(p).is_dir()]
    Path(purelib, "qbench_parent_env.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n")
    pip = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q", "-e",
                          str(tmp_path / "qbench-hello")], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    env = {**os.environ, "QBENCH_PLUGINS": "hello"}
    listed = subprocess.run([python, "-m", "qbench", "plugins"], capture_output=True, text=True, env=env, timeout=120)
    assert re.search(r"^  hello\s+hello\s+plugin=hello\s+available", listed.stdout, re.M), listed.stdout
    check = subprocess.run([python, "-m", "qbench", "check", "hello"], capture_output=True, text=True, env=env,
                           timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "qbench check hello: 19 of 19 checks passed" in check.stdout
    refused = subprocess.run([python, "-m", "qbench", "check", "hello", "--mode", "noisy"], capture_output=True,
                             text=True, env=env, timeout=120)
    assert refused.returncode == 2 and "does not support mode 'noisy'" in refused.stderr
    assert sys.prefix not in str(env_dir)
