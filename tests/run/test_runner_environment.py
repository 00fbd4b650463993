"""Environment columns are attached in one place, to every row: done, failed, crashed or skipped."""

from __future__ import annotations

import platform

from runner_helpers import FAULTY, suite_text

from qbench.run.environment import capture
from qbench.run.executors import WorkerProcess, crash_result
from qbench.run.runner import row_for
from qbench.suite.jobs import expand
from qbench.suite.parse import parse_suite

ENV_COLUMNS = ("environment", "python_version", "qbench_version", "cpu_model", "hostname")


def _job():
    return expand(parse_suite(suite_text("env", f'backends = ["numpy"]\nplugins = ["{FAULTY}"]\n')))[0]


def test_a_crash_row_without_a_worker_environment_gets_the_runners():
    # A worker that never started, or a Dask task lost with its worker: no worker reported an environment.
    row = row_for(_job(), crash_result("WorkerStartError", "the worker process did not start"))
    assert all(row[c] for c in ENV_COLUMNS), {c: row[c] for c in ENV_COLUMNS}
    assert row["hostname"] == platform.node() and row["framework_version"] == capture()["packages"]["numpy"]


def test_a_row_carries_the_environment_the_worker_reported():
    remote = {**capture(), "hostname": "gpu-node-7", "python": "3.99.0", "packages": {"numpy": "9.9"}}
    row = row_for(_job(), {**crash_result("Segfault", "SIGSEGV"), "environment": remote})
    assert (row["hostname"], row["python_version"], row["framework_version"]) == ("gpu-node-7", "3.99.0", "9.9")


def test_a_worker_that_dies_mid_job_still_reports_its_environment():
    worker = WorkerProcess()
    try:
        # a payload that is not a job kills the worker process: a crash row, built in the runner's process
        result = worker.run({"not": "a job"}, timeout=120)
    finally:
        worker.close()
    assert result["status"] == "failed" and result["error_type"] in ("WorkerCrash", "Killed"), result
    assert result["environment"]["python"] == platform.python_version()
    assert result["environment"]["executable"]
