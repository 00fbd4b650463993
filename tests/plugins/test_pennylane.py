"""The PennyLane plugin: conformance kit, template equivalence with PennyLane's own, noise, hardware path, errors."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from requires import require  # noqa: E402

qml = require("pennylane", "pennylane")
require("pennylane_lightning", "pennylane")

from qbench.circuits import (AngleFeatureMap, HardwareEfficientAnsatz, IQPFeatureMap, ZZFeatureMap,  # noqa: E402
                             parity_observable, z_observable)
from qbench.circuits.ir import Circuit, Gate  # noqa: E402
from qbench.errors import CapabilityError, QBenchError  # noqa: E402
from qbench.plugin.manager import backend_spec, open_backend  # noqa: E402
from qbench.testing import parametrize_backend_checks  # noqa: E402

NOISY = {"noise": {"p1": 0.01, "p2": 0.03, "p_meas": 0.02}}


# ------------------------------------------------------------------ conformance kit
@parametrize_backend_checks("pennylane", modes=["exact", "shots"])
def test_pennylane_conformance(check):
    check()


@parametrize_backend_checks("pennylane", modes=["noisy"], options=NOISY)
def test_pennylane_noisy_conformance(check):
    check()


@parametrize_backend_checks("pennylane.lightning", modes=["exact", "shots"])
def test_lightning_conformance(check):
    check()


@parametrize_backend_checks("pennylane.native", modes=["exact"])
def test_native_conformance(check):
    check()


# ------------------------------------------------------------------ small fixtures
def _kernel_case(n=3, n_samples=5, seed=0, fm=None):
    fm = fm or ZZFeatureMap(reps=1, entanglement="linear")
    X = np.random.default_rng(seed).uniform(0, np.pi, size=(n_samples, n))
    return fm.circuit(n), fm.angles(X)


def _qnn_case(n=3, n_samples=4, seed=1):
    fm, an = AngleFeatureMap("Y"), HardwareEfficientAnsatz(layers=1)
    circuit = fm.circuit(n).then(an.circuit(n))
    rng = np.random.default_rng(seed)
    return circuit, fm.angles(rng.uniform(0, np.pi, size=(n_samples, n))), rng.uniform(-np.pi, np.pi, circuit.n_weights)


# ------------------------------------------------------------------ template equivalence
@pytest.mark.parametrize("repeats", [1, 2])
@pytest.mark.parametrize("n", [2, 3, 4])
def test_iqp_template_matches_pennylane_iqpembedding(n, repeats):
    X = np.random.default_rng(10 * n + repeats).uniform(-1.5, 1.5, size=(3, n))
    fm = IQPFeatureMap(repeats=repeats)
    ours = open_backend("pennylane").states(fm.circuit(n), fm.angles(X))

    @qml.qnode(qml.device("default.qubit", wires=n))
    def embedding(x):
        qml.IQPEmbedding(x, wires=range(n), n_repeats=repeats)
        return qml.state()

    theirs = np.stack([np.asarray(embedding(x)) for x in X])
    np.testing.assert_allclose(ours, theirs, atol=1e-10)
    # and the other way round: the numpy reference agrees with PennyLane's template too
    np.testing.assert_allclose(open_backend("numpy").states(fm.circuit(n), fm.angles(X)), theirs, atol=1e-10)


# ------------------------------------------------------------------ exact / shot specifics
@pytest.mark.parametrize("backend", ["pennylane", "pennylane.lightning", "pennylane.native"])
def test_exact_kernel_matches_numpy(backend):
    circuit, A = _kernel_case(fm=IQPFeatureMap(repeats=2))
    np.testing.assert_allclose(open_backend(backend).kernel(circuit, A), open_backend("numpy").kernel(circuit, A),
                               atol=1e-8)


def test_shot_kernel_runs_the_upper_triangle_with_its_diagonal():
    circuit, A = _kernel_case(n_samples=6)
    b = open_backend("pennylane", mode="shots", shots=300, seed=3)
    k = b.kernel(circuit, A)
    assert np.array_equal(np.diag(k), np.ones(6))
    assert np.array_equal(k, k.T)
    # the core's diagonal policy: pairs i <= j run, the diagonal too (certain to be 1 without noise)
    assert b.usage.circuit_executions == 21 and b.usage.shots == 21 * 300
    # every entry is a count of the all-zero outcome out of 300 shots
    assert np.allclose(k * 300, np.round(k * 300))


def test_cross_kernel_in_shot_mode_has_every_pair():
    circuit, A = _kernel_case(n_samples=4)
    b = open_backend("pennylane.lightning", mode="shots", shots=4000, seed=5)
    k = b.kernel(circuit, A, A[:2])
    exact = open_backend("numpy").kernel(circuit, A, A[:2])
    assert k.shape == (4, 2) and b.usage.circuit_executions == 8
    assert np.max(np.abs(k - exact)) < 5 * 0.5 / np.sqrt(4000)


def test_shot_mode_seeds():
    circuit, A, w = _qnn_case()
    obs = parity_observable(3)
    runs = [open_backend("pennylane", mode="shots", shots=200, seed=s).expval(circuit, A, w, obs) for s in (4, 4, 5)]
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_gradient_methods_agree_in_exact_mode():
    circuit, A, w = _qnn_case()
    obs = z_observable(3, 1)
    cot = np.array([0.3, -1.0, 2.0, 0.5])
    want = open_backend("numpy").vjp(circuit, A, w, obs, cot)
    for backend, method in [("pennylane", "backprop"), ("pennylane", "parameter-shift"), ("pennylane", "adjoint"),
                            ("pennylane.lightning", "adjoint"), ("pennylane.lightning", "parameter-shift"),
                            ("pennylane.native", "backprop")]:
        got = open_backend(backend, gradient=method).vjp(circuit, A, w, obs, cot)
        np.testing.assert_allclose(got, want, atol=1e-8, err_msg=f"{backend} {method}")


def test_default_gradients():
    assert open_backend("pennylane").gradient == "backprop"
    assert open_backend("pennylane.lightning").gradient == "adjoint"
    assert open_backend("pennylane", mode="shots").gradient == "parameter-shift"
    assert open_backend("pennylane.lightning", mode="shots").gradient == "parameter-shift"


def test_circuit_without_data_angles_gives_one_row_per_sample():
    circuit = Circuit(2, (Gate("H", (0,)), Gate("CNOT", (0, 1))))
    A = np.zeros((3, 0))
    for backend in ("pennylane", "pennylane.lightning"):
        s = open_backend(backend).states(circuit, A)
        assert s.shape == (3, 4)
        np.testing.assert_allclose(np.abs(s) ** 2, [[0.5, 0, 0, 0.5]] * 3, atol=1e-12)


# ------------------------------------------------------------------ noisy mode
def test_noisy_strength_zero_equals_exact():
    circuit, A = _kernel_case(n=2, n_samples=4, fm=IQPFeatureMap(repeats=1))
    qc, qa, w = _qnn_case(n=2, n_samples=3)
    obs, cot = parity_observable(2), np.array([1.0, -0.5, 2.0])
    b = open_backend("pennylane", mode="noisy", noise={})  # no shots: exact density matrices; no noise
    ref = open_backend("numpy")
    np.testing.assert_allclose(b.kernel(circuit, A), ref.kernel(circuit, A), atol=1e-8)
    np.testing.assert_allclose(b.expval(qc, qa, w, obs), ref.expval(qc, qa, w, obs), atol=1e-8)
    np.testing.assert_allclose(b.vjp(qc, qa, w, obs, cot), ref.vjp(qc, qa, w, obs, cot), atol=1e-8)


@pytest.mark.parametrize("noise, circuit, expected", [
    # DepolarizingChannel(p) = (1-p) rho + p/3 (X rho X + Y rho Y + Z rho Z) after X gives <Z> = -(1 - 4p/3);
    # the two-qubit channel after CNOT on |00> leaves <Z0 Z1> = 1 - 16p/15; readout flips: <Z> = -(1 - 2q).
    ("p1", Circuit(1, (Gate("X", (0,)),)), lambda p: -(1 - 4 * p / 3)),
    ("p2", Circuit(2, (Gate("CNOT", (0, 1)),)), lambda p: 1 - 16 * p / 15),
    ("p_meas", Circuit(1, (Gate("X", (0,)),)), lambda q: -(1 - 2 * q)),
])
def test_noise_channel_follows_each_gate(noise, circuit, expected):
    obs = z_observable(1) if circuit.n_qubits == 1 else parity_observable(2)
    for strength in (0.1, 0.3):
        b = open_backend("pennylane", mode="noisy", noise={noise: strength})
        got = b.expval(circuit, np.zeros((2, 0)), None, obs)
        np.testing.assert_allclose(got, [expected(strength)] * 2, atol=1e-10)


def test_noisy_kernel_and_qnn_run_with_shots():
    circuit, A = _kernel_case(n=2, n_samples=4)
    b = open_backend("pennylane", mode="noisy", noise={"p1": 0.2, "p2": 0.2}, shots=500, seed=2)
    k = b.kernel(circuit, A)
    assert k.shape == (4, 4) and np.array_equal(k, k.T) and np.all((k >= 0) & (k <= 1))
    assert np.all(np.diag(k) < 1)  # noise makes compute-uncompute of x with itself imperfect; the diagonal is measured
    qc, qa, w = _qnn_case(n=2, n_samples=3)
    assert b.expval(qc, qa, w, parity_observable(2)).shape == (3,)
    assert b.gradient == "parameter-shift" and b.vjp(qc, qa, w, parity_observable(2), np.ones(3)).shape == (qc.n_weights,)


def test_noise_pulls_kernel_towards_mixed_state():
    circuit, A = _kernel_case(n=2, n_samples=4)
    exact = open_backend("numpy").kernel(circuit, A)
    noisy = open_backend("pennylane", mode="noisy", noise={"p1": 0.3, "p2": 0.3}).kernel(circuit, A)
    assert np.max(np.abs(noisy - exact)) > 0.05
    assert np.all(np.diag(noisy) < 0.95)


# ------------------------------------------------------------------ hardware mode
def test_hardware_mode_runs_any_installed_device():
    circuit, A = _kernel_case(n=2, n_samples=4)
    qc, qa, w = _qnn_case(n=2, n_samples=3)
    obs = parity_observable(2)
    b = open_backend("pennylane", mode="hardware", device="default.qubit", shots=4000, seed=1)
    assert b.shots == 4000 and b.gradient == "parameter-shift"
    ref = open_backend("numpy")
    tol = 5 / np.sqrt(4000)
    assert np.max(np.abs(b.kernel(circuit, A) - ref.kernel(circuit, A))) < tol
    assert np.max(np.abs(b.expval(qc, qa, w, obs) - ref.expval(qc, qa, w, obs))) < 2 * tol
    cot = np.array([1.0, 0.0, -1.0])
    assert np.max(np.abs(b.vjp(qc, qa, w, obs, cot) - ref.vjp(qc, qa, w, obs, cot))) < 4 * tol
    again = open_backend("pennylane", mode="hardware", device="default.qubit", shots=4000, seed=1)
    assert np.array_equal(again.kernel(circuit, A), open_backend(
        "pennylane", mode="hardware", device="default.qubit", shots=4000, seed=1).kernel(circuit, A))


def test_hardware_device_kwargs_reach_the_device():
    circuit, A = _kernel_case(n=2, n_samples=3)
    with pytest.raises(QBenchError, match="could not open PennyLane device 'default.qubit'.*no_such_kwarg"):
        open_backend("pennylane", mode="hardware", device="default.qubit",
                     device_kwargs={"no_such_kwarg": 1}).kernel(circuit, A)


@pytest.mark.parametrize("options, message", [
    ({"device": "qiskit.remote"}, "PennyLane device 'qiskit.remote' is not installed"),
    ({}, "mode 'hardware' needs option device="),
    ({"device": "default.qubit", "device_kwargs": {"token": "abc"}}, "may not carry credentials .token."),
    ({"device": "default.qubit", "device_kwargs": [1]}, "device_kwargs must be a mapping"),
])
def test_hardware_bad_options_raise_one_line(options, message):
    with pytest.raises(QBenchError, match=message) as info:
        open_backend("pennylane", mode="hardware", **options)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("backend, kw, error, message", [
    ("pennylane", {"mode": "noisy", "noise": {"bitflip": 0.1}}, QBenchError, "unknown noise parameter.s. bitflip"),
    ("pennylane", {"mode": "noisy", "noise": {"p1": 1.5}}, QBenchError, r"p1 must be in \[0, 1\]"),
    ("pennylane", {"mode": "noisy", "noise": "p1=strong"}, QBenchError, "p1 must be a number"),
    ("pennylane", {"mode": "exact", "nosie": "depolarizing"}, QBenchError, "does not take option 'nosie'; it takes"),
    ("pennylane", {"mode": "exact", "noise": {"p1": 0.1}}, QBenchError, "noise applies only in noisy mode"),
    ("pennylane", {"mode": "noisy", "device_model": "x"}, CapabilityError, "has no device models"),
    ("pennylane", {"mode": "exact", "device": "default.qubit"}, QBenchError, "option 'device' belongs to mode hardware"),
    ("pennylane.lightning", {"mode": "exact", "noise": {"p1": 0.1}}, QBenchError, "noise applies only in noisy mode"),
    ("pennylane", {"mode": "shots", "gradient": "backprop"}, CapabilityError, "needs exact states; in shots mode use parameter-shift"),
    ("pennylane.lightning", {"mode": "shots", "gradient": "adjoint"}, CapabilityError, "needs exact states; in shots mode use parameter-shift"),
    ("pennylane.lightning", {"mode": "noisy"}, CapabilityError, "does not support mode 'noisy'"),
    ("pennylane.native", {"mode": "shots"}, CapabilityError, "does not support mode 'shots'"),
])
def test_bad_configuration_raises(backend, kw, error, message):
    with pytest.raises(error, match=message):
        open_backend(backend, **kw)
