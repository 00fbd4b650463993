"""asv itself on the repository: the configuration, ``asv check`` (as CI runs it) and one real ``asv run``."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
from requires import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
ASV = [sys.executable, "-m", "asv"]


def asv_env(home: Path) -> dict:
    """A private HOME (asv keeps its machine file there) that still sees this interpreter's user site."""
    env = dict(os.environ, HOME=str(home), PYTHONUSERBASE=site.getuserbase())
    env.pop("QBENCH_PLUGINS", None)
    return env


def test_config_points_into_dot_asv_and_compares_framework_versions():
    from asv import util
    from asv.config import Config
    from asv.environment import get_environments

    raw = util.load_json(str(ROOT / "asv.conf.json"), js_comments=True)
    assert raw["version"] == 1 and raw["project"] == "qbench" and raw["repo"] == "."
    conf = Config.load(str(ROOT / "asv.conf.json"))
    assert conf.benchmark_dir == "suites/benchmarks"
    for d in (conf.env_dir, conf.results_dir, conf.html_dir):
        assert Path(d).parent == Path(".asv")
    assert conf.environment_type == "virtualenv"
    envs = [e.name for e in get_environments(conf, None, verbose=False)]
    assert len(envs) == 3 and all(e.startswith("virtualenv-py3.11-pennylane0.45.") for e in envs)
    # --python=same: the current environment once, not once per matrix entry
    assert len(list(get_environments(conf, [":same"], verbose=False))) == 1


@pytest.mark.slow
@pytest.mark.integration
def test_asv_check_passes(tmp_path):
    proc = subprocess.run([*ASV, "check", "--python=same"], cwd=ROOT, env=asv_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No problems found" in proc.stdout


def _clone_with_working_tree_files(dest: Path) -> None:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True, timeout=120)
    shutil.copy2(ROOT / "asv.conf.json", dest / "asv.conf.json")
    (dest / "suites").mkdir(exist_ok=True)
    shutil.copy2(ROOT / "suites" / "asv.toml", dest / "suites" / "asv.toml")
    shutil.rmtree(dest / "suites" / "benchmarks", ignore_errors=True)
    shutil.copytree(ROOT / "suites" / "benchmarks", dest / "suites" / "benchmarks",
                    ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.slow
@pytest.mark.integration
def test_asv_run_and_publish_one_benchmark_in_a_fresh_clone(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        skip_or_fail("needs the git checkout (asv benchmarks commits), and CI runs in one")
    clone = tmp_path / "clone"
    _clone_with_working_tree_files(clone)
    env = asv_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run([*ASV, "machine", "--yes"], cwd=clone, env=env, check=True, capture_output=True, timeout=60)
    bench = r"^fit\.qsvm\.time_fit\('numpy', 'linearly_separable', 2\)$"
    run = subprocess.run([*ASV, "run", "--python=same", "--quick", f"--set-commit-hash={head}", "--bench", bench],
                         cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "fit.qsvm.time_fit" in run.stdout and "failed" not in run.stdout

    results = [p for p in (clone / ".asv" / "results").glob("*/*.json") if p.name != "machine.json"]
    assert len(results) == 1
    data = json.loads(results[0].read_text())
    row = dict(zip(data["result_columns"], data["results"]["fit.qsvm.time_fit"]))
    from qbench.suite.parse import load_suite

    suite = load_suite(clone / "suites" / "asv.toml")
    assert row["params"][0] == [repr(b.name) for b in suite.backends]
    assert row["params"][0][0] == "'numpy'" and row["params"][1:] == [["'linearly_separable'"], ["2", "4"]]
    assert row["result"][0] > 0 and all(math.isnan(r) for r in row["result"][1:])  # only the selected combination ran

    pub = subprocess.run([*ASV, "publish"], cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert pub.returncode == 0, pub.stdout + pub.stderr
    index = json.loads((clone / ".asv" / "html" / "index.json").read_text())
    assert index["project"] == "qbench"
    entry = index["benchmarks"]["fit.qsvm.time_fit"]
    assert entry["param_names"] == ["backend", "dataset", "qubits"]
    assert entry["params"] == row["params"]
    graphs = list((clone / ".asv" / "html" / "graphs").rglob("fit.qsvm.time_fit.json"))
    assert graphs and (clone / ".asv" / "html" / "index.html").is_file()

    # The environment comparison (docs/asv.md): a second environment twice as slow is reported as worse.
    data["env_name"] = "existing-slower-release"
    column = data["result_columns"].index("result")
    data["results"]["fit.qsvm.time_fit"][column] = [2 * r for r in row["result"]]
    (results[0].parent / f"{head[:8]}-existing-slower-release.json").write_text(json.dumps(data))
    cmp = subprocess.run([sys.executable, "suites/benchmarks/_compare_envs.py", "existing-py", "slower-release",
                          "--bench", "time_fit"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert cmp.returncode == 1, cmp.stdout + cmp.stderr
    assert re.search(r"fit\.qsvm\.time_fit\('numpy', 'linearly_separable', 2\)\s.*2\.00\s+worse", cmp.stdout)
    assert "1 compared, 1 worse" in cmp.stdout
