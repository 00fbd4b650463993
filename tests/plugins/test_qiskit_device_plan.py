"""``qbench plan`` on a Qiskit device: the transpiled depth and two-qubit count it reports offline are the ones
the run transpiles to, and the device's own timing prices a ``qpu_seconds`` budget."""

from __future__ import annotations

import pytest

from requires import require  # noqa: E402

for _module in ("qiskit", "qiskit_aer", "qiskit_ibm_runtime"):
    require(_module, "qiskit")

from qbench.run.plan import check_budget, job_cost, plan  # noqa: E402
from qbench.run.worker import run_job  # noqa: E402
from qbench.errors import QBenchError  # noqa: E402
from qbench.suite.jobs import expand  # noqa: E402
from qbench.suite.parse import parse_suite  # noqa: E402

SUITE = """
[suite]
name = "device-plan"
backends = ["qiskit", "numpy"]
modes = [{{ name = "noisy", shots = [64] }}]
seeds = [0]
{budget}

[suite.backend_options.qiskit]
device_model = "fake_manila"

[[datasets]]
name = "linearly_separable"
n_samples = 12
n_features = 4
test_size = 0.25

[[models]]
name = "kernel"
kind = "kernel"
params = {{ feature_map = "iqp" }}

[[models]]
name = "qnn"
kind = "qnn"
params = {{ feature_map = "angle", ansatz = "strongly_entangling", ansatz_params = {{ layers = 1 }}, observable = "parity", max_iter = 1, batch_size = 9 }}
"""


def _plan(budget: str = ""):
    suite = parse_suite(SUITE.format(budget=budget))
    jobs = expand(suite)
    return suite, jobs, plan(suite, jobs)


def test_planned_device_depth_is_what_the_run_transpiled():
    _, jobs, (rows, costs) = _plan()
    for job in (j for j in jobs if j.backend == "qiskit"):
        planned = costs[job.key].device
        assert planned is not None and planned.device == "fake_manila"
        row = run_job(job.payload())
        assert row["status"] == "done", row.get("error_message")
        used = row["artifacts"]["backend_usage"]
        assert max(used["depth"].values()) == planned.depth, job.label
        assert max(used["two_qubit_gates"].values()) == planned.two_qubit, job.label
        # routing on manila's line of 5 qubits adds gates the neutral circuit does not have
        assert planned.depth > job_cost(job).depth
    by_backend = {r.backend: r for r in rows}
    assert by_backend["qiskit"].devices == {"fake_manila"} and not by_backend["numpy"].devices


def test_device_timing_is_the_repetition_delay_plus_the_circuit():
    from qbench_qiskit.backend import fake_device

    _, jobs, (_, costs) = _plan()
    delay = fake_device("fake_manila").configuration().default_rep_delay
    for job in (j for j in jobs if j.backend == "qiskit"):
        sps = costs[job.key].device.seconds_per_shot
        assert delay < sps < delay + 1e-4  # a few microseconds of gates and readout on top of 250 us


def test_a_qpu_seconds_budget_uses_the_devices_timing_and_refuses_untimed_backends():
    # qiskit rows are timed by the device; numpy's noisy rows have no device timing -> one line, give a rate
    suite, jobs, _ = _plan("budget = { qpu_seconds = 1000 }")
    with pytest.raises(QBenchError, match="no time per shot for numpy noisy.*give budget.seconds_per_shot"):
        check_budget(suite, jobs)
    qiskit_only = [j for j in jobs if j.backend == "qiskit"]
    rows, _ = plan(suite, qiskit_only)
    needed = rows[0].qpu_seconds(None)
    assert needed > 0
    over = parse_suite(SUITE.format(budget=f"budget = {{ qpu_seconds = {needed * 0.9} }}"))
    with pytest.raises(QBenchError, match="QPU seconds .*documented time per shot.*nothing was submitted"):
        check_budget(over, [j for j in expand(over) if j.backend == "qiskit"])
    fits = parse_suite(SUITE.format(budget=f"budget = {{ qpu_seconds = {needed * 1.1} }}"))
    check_budget(fits, [j for j in expand(fits) if j.backend == "qiskit"])
