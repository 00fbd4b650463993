"""Cheap commands stay cheap: ``qbench --version`` and ``qbench plugins`` import neither pandas nor the suite machinery."""

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import qbench.cli

HEAVY = ("pandas", "sklearn", "scipy", "qbench.suite.parse", "qbench.run.runner", "qbench.results.tables",
         "qiskit", "pennylane", "cirq")
PROBE = """
import json, sys
from qbench.cli import main
try:
    main({args!r})
except SystemExit as exc:
    code = exc.code
print(json.dumps({{"code": code, "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""


@pytest.mark.parametrize("args", [["--version"], ["plugins"], ["backends"], ["models"]])
def test_cheap_commands_import_no_heavy_module(args):
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "loaded": []}, result


def test_every_command_module_is_listed_once():
    found = {}
    for info in pkgutil.iter_modules(qbench.cli.__path__):
        module = importlib.import_module(f"qbench.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = info.name
    assert found == qbench.cli.COMMAND_MODULES
