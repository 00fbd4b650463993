import numpy as np
import pytest
from requires import check_requires

from qbench.cli import main


def pytest_runtest_setup(item):
    check_requires(item)


@pytest.fixture(autouse=True)
def _suite_plugins_do_not_outlive_their_test():
    """A suite's ``plugins = [...]`` registers modules in this process's plugin host, where a CLI process keeps
    them until it exits; in the test process they would leak into every later test (a test backend listed in
    docs/models.md, say). After each test the host has no suite plugins (a later run registers them again, as
    a fresh CLI process would); a fixture of wider scope that ran a suite does not keep its plugins either."""
    from qbench.plugin.manager import host

    yield
    for name, _ in host.pm.list_name_plugin():
        if name and name.startswith("suite-plugin:"):
            host.unregister(name)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def cli(capsys):
    """Run ``qbench ARGS`` in this process; returns (exit code, stdout, stderr)."""
    def run(*args) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        out = capsys.readouterr()
        return exc.value.code, out.out, out.err
    return run
