"""``qbench plan`` on a device: the transpiled depth and two-qubit count it reports offline are the ones the run
compiles to (Qiskit on a fake IBM device, Cirq on a Google virtual processor), and the device's own timing
prices a ``qpu_seconds`` budget."""

from __future__ import annotations

import pytest

from requires import needs  # noqa: E402

from qbench.run.plan import check_budget, job_cost, plan  # noqa: E402
from qbench.run.worker import run_job  # noqa: E402
from qbench.errors import QBenchError  # noqa: E402
from qbench.suite.jobs import expand  # noqa: E402
from qbench.suite.parse import parse_suite  # noqa: E402

SUITE = """
[suite]
name = "device-plan"
backends = ["{backend}", "numpy"]
modes = [{{ name = "noisy", shots = [64] }}]
seeds = [0]
{budget}

[suite.backend_options.{backend}]
device_model = "{device}"

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


QISKIT = ("qiskit", "fake_manila")
DEVICES = [pytest.param(*QISKIT, marks=needs("qiskit_ibm_runtime", "qiskit"), id="qiskit"),
           pytest.param("cirq", "google_rainbow", marks=needs("cirq_google", "cirq"), id="cirq")]


def _suite(budget: str = "", backend: str = "qiskit", device: str = "fake_manila"):
    return parse_suite(SUITE.format(budget=budget, backend=backend, device=device))


def _plan(budget: str = "", backend: str = "qiskit", device: str = "fake_manila"):
    suite = _suite(budget, backend, device)
    jobs = expand(suite)
    return suite, jobs, plan(suite, jobs)


def _compiled_by_the_run(job, cost) -> dict:
    """What the backend recorded compiling the job's circuits: a whole run of the job, or (a Cirq QNN, whose
    noisy parameter shift takes a minute) one expectation value of its planned circuit on the same backend."""
    if job.backend == "cirq" and job.kind == "qnn":
        import numpy as np

        from qbench.circuits.observables import parity_observable
        from qbench.plugin.manager import open_backend

        b = open_backend(job.backend, mode=job.mode, shots=job.shots, seed=0, **job.backend_options)
        c = cost.executed[0]
        b.expval(c, np.full((1, c.n_data), 0.3), np.full(c.n_weights, 0.2), parity_observable(c.n_qubits))
        return b.usage.extra
    row = run_job(job.payload())
    assert row["status"] == "done", row.get("error_message")
    return row["artifacts"]["backend_usage"]


@pytest.mark.parametrize("backend, device", DEVICES)
def test_planned_device_depth_is_what_the_run_compiled(backend, device):
    _, jobs, (rows, costs) = _plan(backend=backend, device=device)
    for job in (j for j in jobs if j.backend == backend):
        planned = costs[job.key].device
        assert planned is not None and planned.device == device
        used = _compiled_by_the_run(job, costs[job.key])
        assert max(used["depth"].values()) == planned.depth, job.label
        assert max(used["two_qubit_gates"].values()) == planned.two_qubit, job.label
        # routing on the device's qubit graph adds gates the neutral circuit does not have
        assert planned.depth > job_cost(job).depth
    by_backend = {r.backend: r for r in rows}
    assert by_backend[backend].devices == {device} and not by_backend["numpy"].devices


@needs("qiskit_ibm_runtime", "qiskit")
def test_device_timing_is_the_repetition_delay_plus_the_circuit():
    from qbench_qiskit.backend import fake_device

    _, jobs, (_, costs) = _plan()
    delay = fake_device("fake_manila").configuration().default_rep_delay
    for job in (j for j in jobs if j.backend == "qiskit"):
        sps = costs[job.key].device.seconds_per_shot
        assert delay < sps < delay + 1e-4  # a few microseconds of gates and readout on top of 250 us


@needs("qiskit_ibm_runtime", "qiskit")
def test_a_qpu_seconds_budget_uses_the_devices_timing_and_refuses_untimed_backends():
    # qiskit rows are timed by the device; numpy's noisy rows have no device timing -> one line, give a rate
    suite, jobs, _ = _plan("budget = { qpu_seconds = 1000 }")
    with pytest.raises(QBenchError, match="no time per shot for numpy noisy.*give budget.seconds_per_shot"):
        check_budget(suite, jobs)
    qiskit_only = [j for j in jobs if j.backend == "qiskit"]
    rows, _ = plan(suite, qiskit_only)
    needed = rows[0].qpu_seconds(None)
    assert needed > 0
    over = _suite(f"budget = {{ qpu_seconds = {needed * 0.9} }}")
    with pytest.raises(QBenchError, match="QPU seconds .*documented time per shot.*nothing was submitted"):
        check_budget(over, [j for j in expand(over) if j.backend == "qiskit"])
    fits = _suite(f"budget = {{ qpu_seconds = {needed * 1.1} }}")
    check_budget(fits, [j for j in expand(fits) if j.backend == "qiskit"])
