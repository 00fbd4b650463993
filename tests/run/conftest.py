"""Fixtures for the runner tests: suites written to a temporary folder, and the CLI run in-process."""

from __future__ import annotations

import textwrap

import pytest



@pytest.fixture
def write_suite(tmp_path):
    def write(text: str, name: str = "suite.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return write






@pytest.fixture(autouse=True)
def _forget_suite_plugins():
    """Suites register their ``plugins`` in this process; unregister them so other tests see the usual registry."""
    yield
    from qbench.plugin.manager import host

    for name, _ in list(host.pm.list_name_plugin()):
        if name.startswith("suite-plugin:"):
            host.unregister(name)
