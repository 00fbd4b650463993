"""``qbench plan``: counts that match what a run records, every shipped suite planned offline, the budget refusal."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from qbench.run.plan import depth, job_cost, plan
from qbench.run.runner import execute, prepare
from qbench.suite.catalog import shipped_suites

SUITE = """
[suite]
name = "plan-check"
backends = ["numpy"]
modes = ["exact", { name = "shots", shots = [16] }]
seeds = [0, 1]
cv = 2
{budget}
{mitigation}

[[datasets]]
name = "linearly_separable"
n_samples = 22
n_features = 2
test_size = 0.3

[[models]]
name = "kernel"
kind = "kernel"
params = { feature_map = "zz", feature_map_params = { reps = 1 } }

[[models]]
name = "kernel_grid"
kind = "kernel"
params = { feature_map = "iqp" }
grid = { C = [0.1, 1.0], feature_map_params = [{ repeats = 1 }, { repeats = 2 }] }

[[models]]
name = "projected"
kind = "kernel"
params = { feature_map = "iqp", kernel = "projected", gamma = 0.5 }
grid = { C = [0.1, 1.0] }

[[models]]
name = "qnn"
kind = "qnn"
params = { feature_map = "angle", ansatz = "hardware_efficient", ansatz_params = { layers = 1 }, observable = "parity", max_iter = 2, batch_size = 5 }

[[models]]
name = "qnn_grid"
kind = "qnn"
params = { feature_map = "angle", ansatz = "strongly_entangling", ansatz_params = { layers = 1 }, observable = "z", reuploads = 2, max_iter = 1, batch_size = 4 }
grid = { learning_rate = [0.05, 0.1] }

[[models]]
name = "svc"
kind = "baseline"
"""


def _suite(tmp_path: Path, budget: str = "", mitigation: str = "") -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(SUITE.replace("{budget}", budget).replace("{mitigation}", mitigation))
    return path


@pytest.mark.parametrize("mitigation", ["", 'mitigation = "readout"'], ids=["plain", "mitigated"])
def test_planned_circuits_and_shots_equal_what_the_run_records(tmp_path, mitigation):
    path = _suite(tmp_path, mitigation=mitigation)
    summary, db = execute(path, tmp_path / "r.db")
    assert summary.counts["failed"] == 0
    with sqlite3.connect(db) as con:
        recorded = {key: (ex, shots) for key, ex, shots in
                    con.execute("SELECT job_key, circuit_executions, shots_used FROM jobs WHERE status = 'done'")}
    suite, jobs = prepare(path)
    quantum = [j for j in jobs if j.kind != "baseline"]
    assert len(quantum) == 2 * 2 * 5
    for job in quantum:
        cost = job_cost(job)
        assert (cost.circuits, cost.total_shots) == recorded[job.key], (job.label, cost)


def test_plan_rows_add_up_per_backend_and_mode(tmp_path):
    suite, jobs = prepare(_suite(tmp_path))
    rows, costs = plan(suite, jobs)
    by_mode = {r.mode: r for r in rows}
    assert set(by_mode) == {"exact", "shots"}
    shots = [costs[j.key] for j in jobs if j.mode == "shots" and j.kind != "baseline"]
    assert by_mode["shots"].total_shots == sum(c.circuits * 16 for c in shots)
    assert by_mode["exact"].total_shots == 0
    # a sampled kernel runs the compute-uncompute circuit: twice the feature map's depth
    kernel = {j.mode: costs[j.key] for j in jobs if j.model == "kernel"}
    assert kernel["shots"].depth == 2 * kernel["exact"].depth
    assert kernel["shots"].two_qubit == 2 * kernel["exact"].two_qubit > 0


def test_depth_counts_layers_of_gates_on_disjoint_wires():
    from qbench.circuits import Circuit, Gate

    c = Circuit(3, (Gate("H", (0,)), Gate("H", (1,)), Gate("H", (2,)), Gate("CNOT", (0, 1)), Gate("X", (2,)),
                    Gate("CNOT", (1, 2))), 0, 0, "c")
    assert depth(c) == 3


def test_run_refuses_a_suite_over_its_shot_budget_before_touching_the_store(tmp_path, cli):
    path = _suite(tmp_path, "budget = { shots = 1000 }")
    db = tmp_path / "never.db"
    code, out, err = cli("run", path, "--db", db)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "over its budget of 1,000" in err and "nothing was submitted" in err
    assert not db.exists()


def test_run_refuses_a_suite_over_its_qpu_seconds(tmp_path, cli):
    path = _suite(tmp_path, "budget = { qpu_seconds = 10, seconds_per_shot = 0.001 }")
    code, _, err = cli("run", path, "--db", tmp_path / "never.db")
    assert code == 2 and "QPU seconds" in err
    assert not (tmp_path / "never.db").exists()


def test_a_budget_the_suite_fits_lets_it_run(tmp_path, cli):
    suite, jobs = prepare(_suite(tmp_path))
    rows, _ = plan(suite, jobs)
    needed = sum(r.total_shots for r in rows)
    path = _suite(tmp_path, f"budget = {{ shots = {needed} }}")
    code, out, err = cli("plan", path)
    assert code == 0 and "within it" in out
    code, _, err = cli("run", path, "--db", tmp_path / "r.db", "--only", "qnn/numpy/shots")
    assert code == 0, err


def test_a_qpu_seconds_budget_without_a_rate_refuses_simulator_shots(tmp_path, cli):
    # numpy's shots have no device timing: qbench run refuses in one line, qbench plan says why
    path = _suite(tmp_path, "budget = { qpu_seconds = 10 }")
    code, _, err = cli("run", path, "--db", tmp_path / "never.db")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no time per shot for numpy shots" in err and "give budget.seconds_per_shot" in err
    assert not (tmp_path / "never.db").exists()
    code, out, _ = cli("plan", path)
    assert code == 0 and "qbench run refuses this suite: " in out and "no time per shot" in out


@pytest.mark.parametrize("budget, message", [
    ("budget = { seconds_per_shot = 0.1 }", "expected shots or qpu_seconds"),
    ("budget = { shots = 0 }", "budget.shots"),
])
def test_bad_budgets_are_one_line_errors(tmp_path, cli, budget, message):
    code, _, err = cli("plan", _suite(tmp_path, budget))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("path", shipped_suites(), ids=lambda p: p.stem)
def test_plan_runs_on_every_shipped_suite(path, cli):
    t0 = time.perf_counter()
    code, out, err = cli("plan", path, "--seconds-per-shot", "0.001")
    print(f"qbench plan {path.stem}: {time.perf_counter() - t0:.2f} s")  # measured, not asserted
    assert code == 0, err
    assert "nothing executed" in out and "total:" in out


def test_planning_noisy_jobs_without_a_device_imports_no_framework():
    """Only hardware jobs and device models are compiled by a framework; the core's noise model runs the neutral
    circuit, so planning frameworks.toml (noisy on every backend) stays as fast as counting."""
    import subprocess
    import sys

    code = ("import sys; from qbench.run.runner import prepare; from qbench.run.plan import plan; "
            "s, j = prepare('suites/frameworks.toml'); rows, _ = plan(s, j); "
            "assert any(r.mode == 'noisy' for r in rows); "
            "print(sorted(m for m in ('qiskit', 'cirq', 'pennylane') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
