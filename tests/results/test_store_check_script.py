"""The benchmark script behind the integrity-check figure in docs/performance.md runs and reports its figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "suites" / "benchmarks" / "scripts" / "store_check.py"


def test_store_check_script_runs(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("store_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--jobs", "60", "--repeat", "2", "--dir", str(tmp_path)])
    assert figures["jobs"] == 60 and figures["mib"] > 0
    assert figures["open_s"] > 0 and figures["open_unchecked_s"] > 0
    assert "open with quick_check" in capsys.readouterr().out
