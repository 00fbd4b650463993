import numpy as np
import pytest
from requires import check_requires

from qbench.cli import main


def pytest_runtest_setup(item):
    check_requires(item)


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
