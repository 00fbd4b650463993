"""The Qiskit plugin: conformance kit on real Aer / qiskit-machine-learning / IBM Runtime code, translation,
noisy fake devices, the hardware path against a fake backend, credentials, and the ad hoc benchmark."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from requires import require  # noqa: E402

qiskit = require("qiskit", "qiskit")
for _module in ("qiskit_aer", "qiskit_machine_learning", "qiskit_ibm_runtime"):
    require(_module, "qiskit")

from qiskit.circuit.library import zz_feature_map  # noqa: E402
from qiskit.quantum_info import Statevector  # noqa: E402
from qiskit_ibm_runtime.fake_provider import FakeManilaV2, FakeProviderForBackendV2  # noqa: E402

from qbench.circuits.ansatze import HardwareEfficientAnsatz  # noqa: E402
from qbench.circuits.feature_maps import AngleFeatureMap, ZZFeatureMap  # noqa: E402
from qbench.circuits.ir import Angle, Circuit, Gate, const, data, weight  # noqa: E402
from qbench.circuits.observables import Observable, parity_observable, z_observable  # noqa: E402
from qbench.errors import CapabilityError, QBenchError  # noqa: E402
from qbench.plugin.manager import open_backend  # noqa: E402
from qbench.testing import parametrize_backend_checks  # noqa: E402
from qbench.testing.checks import _align_phase  # noqa: E402

IBM_ENV = ("QISKIT_IBM_TOKEN", "QISKIT_IBM_INSTANCE", "QISKIT_IBM_CHANNEL", "QISKIT_IBM_URL")


# ------------------------------------------------------------------ conformance kit
@parametrize_backend_checks("qiskit", modes=["exact", "shots"])
def test_qiskit_conformance(check):
    check()


@parametrize_backend_checks("qiskit", modes=["noisy"], options={"noise": {"p1": 0.01, "p2": 0.03, "p_meas": 0.02}})
def test_qiskit_noisy_conformance(check):
    check()


@parametrize_backend_checks("qiskit.native", modes=["exact"])
def test_qiskit_native_conformance(check):
    check()


# ------------------------------------------------------------------ translation
def _ref():
    return open_backend("numpy")


def test_core_zz_map_equals_qiskit_zz_feature_map(rng):
    n = 3
    X = rng.uniform(0, 2 * np.pi, size=(4, n))
    fm = ZZFeatureMap(reps=2, entanglement="full")
    library = zz_feature_map(n, reps=2, entanglement="full")
    # Qiskit is little-endian; reverse_qargs puts qubit 0 first, as the core does.
    want = np.stack([Statevector(library.assign_parameters(x)).reverse_qargs().data for x in X])
    for backend in ("qiskit", "qiskit.native"):
        got = open_backend(backend).states(fm.circuit(n), fm.angles(X))
        np.testing.assert_allclose(_align_phase(got, want), want, atol=1e-10)
    # and the library map gives the core kernel
    np.testing.assert_allclose(np.abs(want.conj() @ want.T) ** 2,
                               open_backend("qiskit").kernel(fm.circuit(n), fm.angles(X)), atol=1e-10)


def test_qubit_zero_is_most_significant():
    c = Circuit(3, (Gate("X", (0,)),))
    for backend in ("qiskit", "qiskit.native"):
        state = open_backend(backend).states(c, np.zeros((1, 0)))[0]
        assert abs(state[4]) == pytest.approx(1.0)  # |100>
    b = open_backend("qiskit", mode="shots", shots=50, seed=1)
    assert b.expval(c, np.zeros((2, 0)), None, z_observable(3, 0)).tolist() == [-1.0, -1.0]
    assert b.expval(c, np.zeros((2, 0)), None, z_observable(3, 2)).tolist() == [1.0, 1.0]


def _affine_circuit():
    """Every gate of the gate set, with scaled and offset data and weight angles and a constant angle."""
    gates = (
        Gate("H", (0,)), Gate("X", (1,)), Gate("Y", (2,)), Gate("Z", (0,)),
        Gate("RX", (0,), Angle("data", 0, 0.5, 0.3)), Gate("RY", (1,), data(1, -2.0)),
        Gate("RZ", (2,), weight(0, 1.5)), Gate("P", (1,), Angle("weight", 1, 0.7, -0.4)),
        Gate("CNOT", (0, 2)), Gate("CZ", (2, 1)), Gate("RZZ", (0, 1), weight(0, -0.5)),
        Gate("RZZ", (1, 2), const(0.9)), Gate("RY", (0,), weight(2)), Gate("RX", (2,), Angle("weight", 1, 2.0, 1.0)),
        Gate("CNOT", (2, 0)), Gate("P", (2,), data(1)),
    )
    return Circuit(3, gates, n_data=3, n_weights=3)  # data column 2 is never read


@pytest.mark.parametrize("backend", ["qiskit", "qiskit.native"])
def test_affine_angles_unused_columns_and_every_gate(backend, rng):
    c = _affine_circuit()
    angles, w = rng.uniform(-np.pi, np.pi, size=(5, 3)), rng.uniform(-np.pi, np.pi, 3)
    obs = Observable(((0.5, (0,)), (-1.0, (1, 2)), (0.25, ())), "mixed")
    b, ref = open_backend(backend), _ref()
    np.testing.assert_allclose(_align_phase(b.states(c, angles, w), ref.states(c, angles, w)),
                               ref.states(c, angles, w), atol=1e-10)
    np.testing.assert_allclose(b.expval(c, angles, w, obs), ref.expval(c, angles, w, obs), atol=1e-10)
    cot = rng.normal(size=5)
    np.testing.assert_allclose(b.vjp(c, angles, w, obs, cot), ref.vjp(c, angles, w, obs, cot), atol=1e-9)


def test_circuits_without_parameters(rng):
    c = Circuit(3, (Gate("X", (2,)), Gate("CNOT", (2, 0))))
    a = np.zeros((3, 0))
    for mode, kw in (("exact", {}), ("shots", {"shots": 100, "seed": 1})):
        b = open_backend("qiskit", mode=mode, **kw)
        assert b.expval(c, a, None, parity_observable(3)).tolist() == [1.0, 1.0, 1.0]
        assert b.expval(c, a, None, z_observable(3, 0)).tolist() == [-1.0, -1.0, -1.0]
        np.testing.assert_array_equal(b.kernel(c, a), np.ones((3, 3)))
        assert b.vjp(c, a, None, z_observable(3), np.ones(3)).shape == (0,)


# ------------------------------------------------------------------ shots
def test_shot_kernel_runs_only_the_upper_triangle_and_vjp_is_one_sweep(rng):
    fm = ZZFeatureMap(reps=1, entanglement="linear")
    a = fm.angles(rng.uniform(0, np.pi, size=(5, 2)))
    b = open_backend("qiskit", mode="shots", shots=100, seed=3)
    k = b.kernel(fm.circuit(2), a)
    # the core's diagonal policy: pairs i <= j run, the diagonal too (certain to be 1 without noise)
    assert b.usage.circuit_executions == 15 and b.usage.shots == 1500
    assert np.array_equal(k, k.T) and np.all(np.diag(k) == 1.0)
    assert b.kernel(fm.circuit(2), a, a[:3]).shape == (5, 3)
    assert b.usage.circuit_executions == 15 + 15
    c = AngleFeatureMap("Y").circuit(2).then(HardwareEfficientAnsatz(layers=1).circuit(2))
    b = open_backend("qiskit", mode="shots", shots=100, seed=3)
    b.vjp(c, a[:, :2], rng.uniform(size=c.n_weights), parity_observable(2), np.ones(5))
    assert b.usage.circuit_executions == 2 * c.n_weights * 5  # every shifted circuit of every sample


def test_shot_jobs_split_by_job_size(rng):
    fm = ZZFeatureMap(reps=1, entanglement="linear")
    a = fm.angles(rng.uniform(0, np.pi, size=(6, 2)))
    exact = _ref().kernel(fm.circuit(2), a)
    b = open_backend("qiskit", mode="shots", shots=4000, seed=3, job_size="4")  # 21 pairs in 6 jobs
    k = b.kernel(fm.circuit(2), a)
    assert b.usage.circuit_executions == 21
    assert np.abs(k - exact).max() <= 5 * np.sqrt(0.25 / 4000)


# ------------------------------------------------------------------ noisy
def test_noisy_records_transpiled_two_qubit_gates_and_depth(rng):
    c = AngleFeatureMap("Y").circuit(3).then(HardwareEfficientAnsatz(layers=2).circuit(3))
    b = open_backend("qiskit", mode="noisy", shots=500, seed=1, device_model="fake_manila")
    assert b.config["noise"] == {"device_model": "fake_manila"}  # labelled as a device model
    values = b.expval(c, rng.uniform(0, np.pi, (2, 3)), rng.uniform(size=c.n_weights), parity_observable(3))
    assert values.shape == (2,) and np.all(np.abs(values) <= 1)
    label = c.name
    assert b.usage.extra["device"] == "fake_manila"
    # Manila is a line, so the CNOT ladder maps without SWAPs; the basis (rz, sx, x, cx) only adds depth.
    assert b.usage.extra["two_qubit_gates"][label] == c.two_qubit_gates == 4
    assert b.usage.extra["depth"][label] >= c.depth
    fm = ZZFeatureMap(reps=2, entanglement="full")
    k = b.kernel(fm.circuit(3), fm.angles(rng.uniform(0, np.pi, (4, 3))))
    assert b.usage.extra["two_qubit_gates"][f"{fm.name}#overlap"] > 0
    assert b.usage.circuit_executions == 2 + 10  # noisy kernels sample the diagonal too
    assert np.mean(np.diag(k)) < 0.95  # device noise shows on the diagonal


def test_noisy_device_names_and_errors():
    assert open_backend("qiskit", mode="noisy", device_model="fake_manila", shots=10).device_model == "fake_manila"
    with pytest.raises(QBenchError, match="has no device model 'fake_nowhere'; it has: .*fake_manila") as err:
        open_backend("qiskit", mode="noisy", device_model="fake_nowhere", shots=10)
    assert "\n" not in str(err.value)
    with pytest.raises(QBenchError, match="is sampled; give shots"):
        open_backend("qiskit", mode="noisy", device_model="fake_manila")
    b = open_backend("qiskit", mode="noisy", device_model="fake_manila", shots=10)
    fm = ZZFeatureMap()
    with pytest.raises(CapabilityError, match="has 6 qubits but device 'fake_manila' has 5"):
        b.kernel(fm.circuit(6), fm.angles(np.ones((2, 6))))


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "noisy", "device": "fake_manila"}, "option 'device' belongs to mode hardware, not 'noisy'"),
    ({"mode": "exact", "device": "fake_manila"}, "option 'device' belongs to mode hardware"),
    ({"mode": "exact", "devise": "fake_manila"}, "does not take option 'devise'"),
    ({"mode": "exact", "device_model": "fake_manila"}, "device_model is given in exact mode"),
    ({"mode": "noisy", "noise": {"p4": 0.1}}, "unknown noise parameter"),
    ({"mode": "hardware", "token": "abc"}, "credentials are never passed as options"),
    ({"mode": "exact", "shots": 10}, "shots=10 given in exact mode"),
    ({"mode": "exact", "threads": "many"}, "option threads must be an integer >= 0, got 'many'"),
    ({"mode": "noisy", "optimization_level": "4"}, "optimization_level must be an integer from 0 to 3"),
    ({"mode": "shots", "job_size": 0}, "job_size must be an integer >= 1"),
])
def test_bad_options_are_one_line_errors(kwargs, message):
    with pytest.raises(QBenchError, match=message) as err:
        open_backend("qiskit", **kwargs)
    assert "\n" not in str(err.value)


def test_native_takes_no_options_and_only_exact_mode():
    with pytest.raises(QBenchError, match="does not take option 'device'"):
        open_backend("qiskit.native", device="fake_manila")
    with pytest.raises(CapabilityError, match="does not support mode 'shots'"):
        open_backend("qiskit.native", mode="shots")


# ------------------------------------------------------------------ hardware
def test_hardware_path_with_a_fake_backend(rng):
    """Batch + IBM Runtime SamplerV2 in local testing mode: everything but the network call."""
    fm = ZZFeatureMap(reps=2, entanglement="full")
    a = fm.angles(rng.uniform(0, np.pi, (4, 2)))
    ref = _ref()

    def hw(seed):
        return open_backend("qiskit", mode="hardware", shots=2000, seed=seed, device=FakeManilaV2())

    b = hw(5)
    assert b.config["options"] == {"device": "fake_manila"}
    k = b.kernel(fm.circuit(2), a)
    exact = ref.kernel(fm.circuit(2), a)
    assert np.abs(k - exact).max() < 0.15  # device noise on 6 two-qubit gates, plus shot noise
    assert np.all(np.diag(k) < 1.0) and np.array_equal(k, k.T)
    assert np.array_equal(k, hw(5).kernel(fm.circuit(2), a))
    c = AngleFeatureMap("Y").circuit(2).then(HardwareEfficientAnsatz(layers=1).circuit(2))
    w = rng.uniform(-np.pi, np.pi, c.n_weights)
    obs = parity_observable(2)
    assert np.abs(b.expval(c, a[:, :2], w, obs) - ref.expval(c, a[:, :2], w, obs)).max() < 0.15
    cot = np.ones(4) / 4
    assert np.abs(b.vjp(c, a[:, :2], w, obs, cot) - ref.vjp(c, a[:, :2], w, obs, cot)).max() < 0.15
    assert b.usage.extra["device"] == "fake_manila"
    assert set(b.usage.extra["two_qubit_gates"]) == {"zz#overlap", c.name, f"{c.name}#lifted"}  # lifted: shifted rows
    assert b.usage.shots == 2000 * b.usage.circuit_executions


@pytest.mark.filterwarnings("ignore:Properties of fake_nighthawk")  # the fake provider builds every fake device
def test_hardware_backend_from_a_service_object():
    b = open_backend("qiskit", mode="hardware", shots=100, seed=1, service=FakeProviderForBackendV2(),
                     device="fake_manila")
    assert b.config["options"] == {"device": "fake_manila", "service": "FakeProviderForBackendV2"}
    assert b.expval(Circuit(1, (Gate("X", (0,)),)), np.zeros((1, 0)), None, z_observable(1))[0] < -0.8
    assert b.usage.extra["device"] == "fake_manila"


def test_hardware_without_credentials_names_the_variables(monkeypatch, tmp_path):
    for var in IBM_ENV:
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(QBenchError, match="needs IBM Quantum credentials: set QISKIT_IBM_TOKEN "
                                          r"\(and QISKIT_IBM_INSTANCE; optionally QISKIT_IBM_CHANNEL\)") as err:
        open_backend("qiskit", mode="hardware", account_file=str(tmp_path / "no-accounts.json"))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("source", ["environment", "saved account"])
def test_token_never_appears_in_config_or_repr(monkeypatch, tmp_path, source):
    secret = "qbench-test-secret-0123456789"
    for var in IBM_ENV:
        monkeypatch.delenv(var, raising=False)
    accounts = tmp_path / "accounts.json"
    if source == "environment":
        monkeypatch.setenv("QISKIT_IBM_TOKEN", secret)
    else:
        from qiskit_ibm_runtime import QiskitRuntimeService

        QiskitRuntimeService.save_account(token=secret, filename=str(accounts), channel="ibm_quantum_platform")
    b = open_backend("qiskit", mode="hardware", account_file=str(accounts))  # credentials found, no network yet
    for text in (repr(b), json.dumps(b.config), repr(vars(b))):
        assert secret not in text


# ------------------------------------------------------------------ packaging
def test_plugin_module_imports_no_qiskit():
    code = ("import sys, qbench_qiskit.plugin; "
            "assert not [m for m in sys.modules if m.split('.')[0].startswith('qiskit')], 'qiskit imported'")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_backends_unavailable_without_qiskit():
    code = ("import sys; sys.modules['qiskit'] = None\n"
            "from qbench.plugin.manager import backend_spec, open_backend\n"
            "from qbench.errors import UnavailableError\n"
            "for name in ('qiskit', 'qiskit.native'):\n"
            "    spec = backend_spec(name)\n"
            "    assert not spec.available and spec.install_hint == 'pip install \"qbench[qiskit]\"'\n"
            "    try:\n"
            "        open_backend(name)\n"
            "    except UnavailableError as e:\n"
            "        assert 'qbench[qiskit]' in str(e)\n"
            "    else:\n"
            "        raise SystemExit('no UnavailableError')\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ------------------------------------------------------------------ the Havlicek ad hoc benchmark
def test_ad_hoc_data_is_learned_perfectly_with_qiskit():
    from qbench.datasets import load_dataset, split
    from qbench.models import QuantumKernelClassifier

    X, y = load_dataset("ad_hoc", n_samples=50, n_features=2, seed=12345, gap=0.3)
    X_train, X_test, y_train, y_test = split(X, y, test_size=10, seed=12345)
    assert np.bincount(y_train).tolist() == [20, 20] and np.bincount(y_test).tolist() == [5, 5]
    model = QuantumKernelClassifier(feature_map="zz", feature_map_params={"reps": 2, "entanglement": "full"},
                                    scaling=None, backend="qiskit", C=1.0, random_state=0, cache=False)
    model.fit(X_train, y_train)
    assert model.backend_.name == "qiskit" and model.circuit_.n_qubits == 2
    assert model.score(X_test, y_test) == 1.0
