"""The Cirq plugin: conformance kit on real Cirq / qsim simulators, noise, the hardware path, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from requires import has, needs, require  # noqa: E402

cirq = require("cirq", "cirq")

from qbench.circuits.ir import Angle, Circuit, Gate, const, data, weight  # noqa: E402
from qbench.circuits.observables import Observable, parity_observable, z_observable  # noqa: E402
from qbench.errors import CapabilityError, QBenchError  # noqa: E402
from qbench.plugin.manager import backend_spec, open_backend  # noqa: E402
from qbench.testing import cases as C  # noqa: E402
from qbench.testing import parametrize_backend_checks  # noqa: E402
from qbench.testing.checks import _align_phase  # noqa: E402

needs_qsim = needs("qsimcirq", "cirq")
needs_cirq_google = needs("cirq_google", "cirq")


# ------------------------------------------------------------------ conformance kit
@parametrize_backend_checks("cirq", modes=["exact", "shots", "noisy"])
def test_cirq_conformance(check):
    check()


# Always defined: without qsimcirq it is one test that skips naming the extra (fails under CI).
if has("qsimcirq"):
    qsim_checks = parametrize_backend_checks("cirq.qsim", modes=["exact", "shots"])
else:
    qsim_checks = pytest.mark.parametrize("check", [pytest.param(None, id="qsimcirq-missing")])


@needs_qsim
@qsim_checks
def test_qsim_conformance(check):
    check()


# ------------------------------------------------------------------ exact mode
def _all_gates_circuit():
    """Every gate of the IR, weight gates of every rotation kind (with scale and offset), data after weights."""
    gates = (Gate("H", (0,)), Gate("RX", (1,), data(0)), Gate("P", (0,), weight(0, 2.0)),
             Gate("RZZ", (0, 2), Angle("weight", 1, -0.5, 0.3)), Gate("CNOT", (0, 1)), Gate("RZZ", (1, 2), data(1, 1.5)),
             Gate("RX", (2,), weight(2)), Gate("P", (1,), data(0)), Gate("RY", (1,), weight(0)), Gate("Y", (2,)),
             Gate("RZ", (0,), const(0.7)), Gate("CZ", (2, 0)), Gate("RZ", (2,), weight(1)), Gate("X", (1,)),
             Gate("Z", (0,)), Gate("RY", (0,), data(1)))
    return Circuit(3, gates, n_data=2, n_weights=3)


MIXED = Observable(((0.5, (0,)), (-1.2, (1, 2)), (0.3, ()), (0.7, (0, 1, 2))), "mixed")


@pytest.mark.parametrize("gradient", ["adjoint", "parameter-shift"])
def test_exact_all_gates_match_numpy_without_global_phase(rng, gradient):
    """States equal numpy's *including* global phase, so the gate translation is exact; both gradients match."""
    c = _all_gates_circuit()
    angles, w, cot = rng.uniform(-3, 3, (4, 2)), rng.uniform(-3, 3, 3), rng.normal(size=4)
    b, ref = open_backend("cirq", gradient=gradient), open_backend("numpy")
    assert np.max(np.abs(b.states(c, angles, w) - ref.states(c, angles, w))) < 1e-12
    assert np.max(np.abs(b.expval(c, angles, w, MIXED) - ref.expval(c, angles, w, MIXED))) < 1e-12
    assert np.max(np.abs(b.vjp(c, angles, w, MIXED, cot) - ref.vjp(c, angles, w, MIXED, cot))) < 1e-12
    assert b.gradient == gradient


def test_parameter_shift_is_one_sweep_of_all_shifts(rng):
    c = _all_gates_circuit()
    angles, w = rng.uniform(-3, 3, (5, 2)), rng.uniform(-3, 3, 3)
    b = open_backend("cirq", gradient="parameter-shift")
    b.vjp(c, angles, w, MIXED, np.ones(5))
    n_weight_gates = sum(g.angle is not None and g.angle.source == "weight" for g in c.gates)
    assert b.usage.circuit_executions == 2 * n_weight_gates * 5
    a = open_backend("cirq")
    a.vjp(c, angles, w, MIXED, np.ones(5))
    assert a.gradient == "adjoint" and a.usage.circuit_executions == 5  # one state sweep


def test_qubit_zero_is_most_significant():
    state = open_backend("cirq").states(Circuit(3, (Gate("X", (0,)),)), np.zeros((1, 0)))
    assert np.flatnonzero(np.abs(state[0]) > 0.5).tolist() == [0b100]


def test_idle_qubits_and_empty_circuits():
    b = open_backend("cirq")
    s = b.states(Circuit(2), np.zeros((3, 0)))
    assert s.shape == (3, 4) and np.allclose(s[:, 0], 1.0)
    assert np.allclose(b.expval(Circuit(2), np.zeros((2, 0)), None, z_observable(2, 1)), 1.0)


@needs_qsim
def test_qsim_deviation_is_single_precision_and_within_declared_atol():
    atol = backend_spec("cirq.qsim").load().capabilities.atol
    assert backend_spec("cirq").load().capabilities.atol <= 1e-8
    b, ref = open_backend("cirq.qsim"), open_backend("numpy")
    worst = 0.0
    for case in C.feature_map_cases(qubits=(3, 5)) + C.model_cases(qubits=(3, 5)):
        got, want = b.states(case.circuit, case.angles, case.weights), ref.states(case.circuit, case.angles, case.weights)
        assert got.dtype == np.complex128 and np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-12)
        worst = max(worst, np.max(np.abs(_align_phase(got, want) - want)))
        if case.circuit.n_weights:
            obs = parity_observable(case.circuit.n_qubits)
            worst = max(worst, np.max(np.abs(b.expval(case.circuit, case.angles, case.weights, obs)
                                              - ref.expval(case.circuit, case.angles, case.weights, obs))))
    # float32 arithmetic: clearly above double-precision noise, clearly inside the declared tolerance
    assert 1e-8 < worst <= atol / 5, worst


# ------------------------------------------------------------------ shots
def test_shot_estimates_reproducible_and_seeded():
    case = C.model_cases(qubits=(2,), n_samples=3)[0]
    obs = parity_observable(2)

    def run(seed):
        return open_backend("cirq", mode="shots", shots=200, seed=seed).expval(case.circuit, case.angles, case.weights, obs)

    assert np.array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


def test_shot_cross_kernel_counts_every_pair():
    case = C.feature_map_cases(qubits=(2,), n_samples=4)[0]
    b = open_backend("cirq", mode="shots", shots=100, seed=1)
    k = b.kernel(case.circuit, case.angles, case.angles[:3])
    assert k.shape == (4, 3) and b.usage.circuit_executions == 12 and b.usage.shots == 1200
    b = open_backend("cirq", mode="shots", shots=100, seed=1)
    k = b.kernel(case.circuit, case.angles)
    # the core's diagonal policy: pairs i <= j are run, the diagonal too (certain to be 1 without noise)
    assert np.array_equal(np.diag(k), np.ones(4)) and b.usage.circuit_executions == 10


# ------------------------------------------------------------------ noisy
def _within(est, exact, shots, sigmas=5.0):
    assert np.all(np.abs(np.asarray(est) - exact) <= sigmas * np.sqrt(np.maximum(1 - exact**2, 1e-3) / shots)), (est, exact)


def test_depolarizing_strength_is_per_gate():
    """<Z> after RX(theta) with depolarizing p: (1 - 4p/3) cos(theta); <Z0 Z1> of H, CNOT: 1 - 16p/15."""
    p, shots = 0.15, 4000
    theta = np.array([[0.3], [1.2], [2.5]])
    b = open_backend("cirq", mode="noisy", shots=shots, seed=5, noise={"p1": p, "p2": p})
    rx = Circuit(1, (Gate("RX", (0,), data(0)),), n_data=1)
    _within(b.expval(rx, theta, None, z_observable(1)), (1 - 4 * p / 3) * np.cos(theta[:, 0]), shots)
    bell = Circuit(2, (Gate("H", (0,)), Gate("CNOT", (0, 1))))
    _within(b.expval(bell, np.zeros((1, 0)), None, parity_observable(2)), np.array([1 - 16 * p / 15]), shots)
    # the compute-uncompute kernel: RX(a) noise RX(-b) noise -> P(0) = (1 + (1 - 4p/3)^2 cos(a - b)) / 2
    k = b.kernel(rx, theta)
    exact = (1 + (1 - 4 * p / 3) ** 2 * np.cos(theta - theta.T)) / 2
    assert np.all(np.abs(k - exact) <= 5 * np.sqrt(exact * (1 - exact) / shots))
    exact_b = open_backend("cirq", mode="noisy", noise={"p1": p, "p2": p})  # no shots: the exact channel
    assert np.max(np.abs(exact_b.kernel(rx, theta) - exact)) < 1e-12
    assert np.max(np.abs(exact_b.expval(rx, theta, None, z_observable(1)) - (1 - 4 * p / 3) * np.cos(theta[:, 0]))) < 1e-12


@needs_cirq_google
def test_google_noise_model_runs_offline():
    case = C.model_cases(qubits=(3,), n_samples=2)[0]
    obs = parity_observable(3)
    b = open_backend("cirq", mode="noisy", device_model="google_rainbow", shots=500, seed=2)
    est = b.expval(case.circuit, case.angles, case.weights, obs)
    assert est.shape == (2,) and np.all(np.abs(est) <= 1)
    assert b.config["noise"] == {"device_model": "google_rainbow"}  # labelled as a device model
    assert np.array_equal(est, open_backend("cirq", mode="noisy", device_model="google_rainbow", shots=500,
                                            seed=2).expval(case.circuit, case.angles, case.weights, obs))
    with pytest.raises(QBenchError, match="has no device model 'google_nope'"):
        open_backend("cirq", mode="noisy", device_model="google_nope")


# ------------------------------------------------------------------ hardware
def test_hardware_without_environment_names_the_variables(monkeypatch):
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("QBENCH_CIRQ_PROCESSOR", raising=False)
    with pytest.raises(QBenchError, match="GOOGLE_CLOUD_PROJECT and QBENCH_CIRQ_PROCESSOR") as err:
        open_backend("cirq", mode="hardware")
    assert "\n" not in str(err.value)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "my-project")
    with pytest.raises(QBenchError, match="needs QBENCH_CIRQ_PROCESSOR set"):
        open_backend("cirq", mode="hardware")


@needs_cirq_google
def test_hardware_without_credentials_is_a_one_line_error(monkeypatch, tmp_path):
    """The real Engine path up to authentication (a missing credentials file fails before any network call)."""
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "qbench-test-project")
    monkeypatch.setenv("QBENCH_CIRQ_PROCESSOR", "rainbow")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    b = open_backend("cirq", mode="hardware", shots=10)
    with pytest.raises(QBenchError, match="cannot reach Quantum Engine processor 'rainbow'") as err:
        b.expval(Circuit(1, (Gate("H", (0,)),)), np.zeros((1, 0)), None, z_observable(1))
    assert "\n" not in str(err.value) and "GOOGLE_APPLICATION_CREDENTIALS" in str(err.value)


def test_hardware_path_with_a_local_sampler():
    shots = 3000
    case = C.model_cases(qubits=(3,), n_samples=3)[1]
    ref = open_backend("numpy")

    def hw(seed):
        return open_backend("cirq", mode="hardware", shots=shots, sampler=cirq.Simulator(seed=seed))

    b = hw(1)
    assert b.config["sampler"] == "Simulator" and "sampler" not in b.config["options"]
    for wire in range(3):
        obs = z_observable(3, wire)
        _within(b.expval(case.circuit, case.angles, case.weights, obs),
                ref.expval(case.circuit, case.angles, case.weights, obs), shots)
    obs = parity_observable(3)
    est = hw(2).expval(case.circuit, case.angles, case.weights, obs)
    assert np.array_equal(est, hw(2).expval(case.circuit, case.angles, case.weights, obs))
    assert b.usage.shots == 3 * 3 * shots


@needs_cirq_google
def test_engine_jobs_are_journalled_and_a_rerun_reattaches_by_id(tmp_path):
    """Each Engine job's program and job ids are in the store before its results are awaited; the same job run
    again fetches them (``get_program(...).get_job(...)``) instead of submitting: a local Engine processor."""
    from cirq_google.engine import SimulatedLocalProcessor
    from cirq_google.engine.simulated_local_job import LocalSimulationType

    from qbench.backends.remote import journal_scope
    from qbench.results.store import Store
    from qbench.run.journal import StoreJournal

    # asynchronous: a job runs once, when it is submitted, and keeps its results (as the Engine does)
    processor = SimulatedLocalProcessor(processor_id="local", sampler=cirq.Simulator(seed=4),
                                        simulation_type=LocalSimulationType.ASYNCHRONOUS)
    case = C.model_cases(qubits=(2,), n_samples=3)[1]
    db = tmp_path / "results.db"
    Store(db).close()

    def run(shots=200):
        with journal_scope(StoreJournal(db, "job-1")):
            b = open_backend("cirq", mode="hardware", shots=shots, sampler=processor.get_sampler())
            return b.expval(case.circuit, case.angles, case.weights, z_observable(2)), b.usage.extra["remote_jobs"]

    first, counts = run()
    assert counts == {"submitted": 1, "reattached": 0}
    (entry,) = Store(db, create=False).remote_jobs("job-1")
    program_id, job_id = entry["remote_id"].split()
    assert entry["status"] == "done" and entry["backend"] == "local"
    assert processor.get_program(program_id).get_job(job_id).id() == job_id
    again, counts = run()
    assert counts == {"submitted": 0, "reattached": 1} and np.array_equal(again, first)
    assert len(processor.list_programs()) == 1
    _, counts = run(shots=300)  # other shots: another submission, never the stale job
    assert counts == {"submitted": 1, "reattached": 0} and len(processor.list_programs()) == 2


@needs_cirq_google
def test_hardware_path_compiles_onto_a_google_device():
    """A local Engine processor with the rainbow device: routing (K4 needs SWAPs), CZ gate set, validation."""
    import cirq_google as cg
    from cirq_google.engine import virtual_engine_factory as factory

    from qbench_cirq import translate

    device = factory.create_device_from_processor_id("rainbow")
    processor = cg.engine.SimulatedLocalProcessor(processor_id="rainbow", sampler=cirq.Simulator(seed=4), device=device)
    fm_case = C.feature_map_cases(qubits=(4,), n_samples=3)[0]  # ZZ map, full entanglement
    raw = translate.measured_program(fm_case.circuit)
    with pytest.raises(ValueError):  # the processor refuses the uncompiled circuit
        processor.get_sampler().run_sweep(raw.circuit, translate.sweep(raw.symbols, np.zeros((1, len(raw.symbols)))), 1)
    shots = 3000
    b = open_backend("cirq", mode="hardware", shots=shots, sampler=processor.get_sampler(), device=processor.get_device())
    ref = open_backend("numpy")
    k, exact = b.kernel(fm_case.circuit, fm_case.angles), ref.kernel(fm_case.circuit, fm_case.angles)
    assert np.all(np.abs(k - exact) <= 5 * np.sqrt(np.maximum(exact * (1 - exact), 1e-3) / shots))
    case = C.model_cases(qubits=(4,), n_samples=2)[3]  # IQP map (RZZ) + hardware-efficient ansatz
    assert "IQP" in case.label
    for wire in (0, 3):
        obs = z_observable(4, wire)
        _within(b.expval(case.circuit, case.angles, case.weights, obs),
                ref.expval(case.circuit, case.angles, case.weights, obs), shots)


# ------------------------------------------------------------------ refusals and errors
@pytest.mark.parametrize("kwargs, error, message", [
    ({"mode": "exact", "colour": "red"}, QBenchError, "does not take option"),
    ({"mode": "exact", "sampler": object()}, QBenchError, "belongs to mode hardware"),
    ({"mode": "noisy", "noise": {"thermal": 0.1}}, QBenchError, "unknown noise parameter"),
    ({"mode": "noisy", "noise": {"p2": 2}}, QBenchError, r"must be in \[0, 1\]"),
    ({"mode": "noisy", "noise": "p1=lots"}, QBenchError, "must be a number"),
    ({"mode": "exact", "noise": {"p1": 0.1}}, QBenchError, "applies only in noisy mode"),
    ({"mode": "noisy", "strength": 0.1}, QBenchError, "does not take option 'strength'"),
    ({"mode": "noisy", "sampler": object()}, QBenchError, "belongs to mode hardware"),
    ({"mode": "shots", "gradient": "adjoint"}, CapabilityError, "'adjoint' needs exact states"),
    ({"mode": "hardware", "device": cirq.UNCONSTRAINED_DEVICE}, QBenchError, "needs option 'sampler'"),
    ({"mode": "hardware", "sampler": object()}, QBenchError, "must be a cirq.Sampler"),
])
def test_bad_options_are_one_line_errors(kwargs, error, message):
    with pytest.raises(error, match=message) as err:
        open_backend("cirq", **kwargs)
    assert "\n" not in str(err.value)


def test_noisy_mode_refuses_wide_circuits():
    b = open_backend("cirq", mode="noisy", shots=10)
    with pytest.raises(CapabilityError, match="at most 10 qubits"):
        b.kernel(Circuit(11, (Gate("H", (0,)),)), np.zeros((2, 0)))


@needs_qsim
def test_qsim_refuses_noisy_hardware_and_bad_threads():
    for mode in ("noisy", "hardware"):
        with pytest.raises(CapabilityError):
            open_backend("cirq.qsim", mode=mode)
    with pytest.raises(QBenchError, match="threads"):
        open_backend("cirq.qsim", threads=0)


def test_plugin_module_imports_no_cirq():
    code = "import sys, qbench_cirq.plugin; sys.exit(any(m.split('.')[0].startswith('cirq') or m == 'qsimcirq' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0

