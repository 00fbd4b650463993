"""Readout-error mitigation in the core: calibration, correction, every task, the option and the identity."""

import numpy as np
import pytest
from requires import has, install_hint, skip_or_fail

from qbench.backends.mitigation import confusion_matrices, correct
from qbench.circuits import AngleFeatureMap, HardwareEfficientAnsatz, ZZFeatureMap, parity_observable
from qbench.errors import CapabilityError, QBenchError
from qbench.plugin.manager import open_backend
from qbench.suite.jobs import expand
from qbench.suite.parse import parse_suite
from qbench.testing import parametrize_backend_checks
from qbench.testing.mitigation_checks import NOISY_CHECKS

NOISE = {"p1": 0.0, "p2": 0.04, "p_meas": 0.08}
READOUT_FREE = {**NOISE, "p_meas": 0.0}


def _tensored(n, rng):
    e = rng.uniform(0.01, 0.2, (n, 2))
    return np.stack([[[1 - a, b], [a, 1 - b]] for a, b in e])


def test_correction_inverts_a_tensored_readout_channel(rng):
    n = 3
    A = _tensored(n, rng)
    full = A[0]
    for q in range(1, n):
        full = np.kron(full, A[q])
    p = rng.dirichlet(np.ones(2**n), size=4)
    measured = p @ full.T
    np.testing.assert_allclose(correct(measured, A), p, atol=1e-12)
    # the calibration circuits' outcomes give back the same matrices
    zeros, ones = full[:, 0], full[:, -1]
    np.testing.assert_allclose(confusion_matrices(zeros, ones), A, atol=1e-12)


@pytest.fixture
def problem(rng):
    c = AngleFeatureMap().circuit(3).then(HardwareEfficientAnsatz(1).circuit(3))
    return c, rng.uniform(0, np.pi, (4, 3)), rng.normal(size=c.n_weights), rng.normal(size=4)


def test_mitigated_exact_channel_equals_the_readout_free_channel_for_every_task(problem):
    c, angles, w, cot = problem
    obs = parity_observable(3)
    mitigated = open_backend("numpy", mode="noisy", noise=NOISE, mitigation="readout")
    raw = open_backend("numpy", mode="noisy", noise=NOISE)
    free = open_backend("numpy", mode="noisy", noise=READOUT_FREE)
    assert not np.allclose(raw.expval(c, angles, w, obs), free.expval(c, angles, w, obs), atol=1e-3)
    np.testing.assert_allclose(mitigated.expval(c, angles, w, obs), free.expval(c, angles, w, obs), atol=1e-10)
    np.testing.assert_allclose(mitigated.vjp(c, angles, w, obs, cot), free.vjp(c, angles, w, obs, cot), atol=1e-9)
    values, grad = mitigated.value_and_vjp(c, angles, w, obs, cot)
    np.testing.assert_allclose(values, free.expval(c, angles, w, obs), atol=1e-10)
    np.testing.assert_allclose(grad, free.vjp(c, angles, w, obs, cot), atol=1e-9)
    fm = ZZFeatureMap().circuit(2)
    x = angles[:, :fm.n_data]
    np.testing.assert_allclose(mitigated.kernel(fm, x), free.kernel(fm, x), atol=1e-10)


def test_calibration_runs_through_the_backend_and_is_counted_once_per_width(problem):
    c, angles, w, _ = problem
    b = open_backend("numpy", mode="noisy", noise=NOISE, shots=100, seed=0, mitigation="readout")
    b.expval(c, angles, w, parity_observable(3))
    assert b.usage.circuit_executions == 2 + len(angles)
    b.expval(c, angles, w, parity_observable(3))
    assert b.usage.circuit_executions == 2 + 2 * len(angles)
    assert b.usage.shots == 100 * (2 + 2 * len(angles))


def test_the_option_is_checked_and_part_of_the_config():
    with pytest.raises(CapabilityError, match="exact mode has no readout"):
        open_backend("numpy", mitigation="readout")
    with pytest.raises(QBenchError, match="mitigation must be one of 'readout'"):
        open_backend("numpy", mode="shots", mitigation="zne")
    assert open_backend("numpy", mode="shots", mitigation="readout").config["mitigation"] == "readout"
    assert "mitigation" not in open_backend("numpy", mode="shots").config


SUITE = """
[suite]
name = "m"
backends = ["numpy"]
modes = ["exact", "shots"]
{mitigation}
[[datasets]]
name = "moons"
n_samples = 20
[[models]]
name = "k"
kind = "kernel"
[[models]]
name = "svc"
kind = "baseline"
"""


def test_a_suites_mitigation_is_in_the_identity_of_its_sampled_jobs_only():
    plain = {(j.model, j.mode): j for j in expand(parse_suite(SUITE.replace("{mitigation}", ""), "s.toml"))}
    mitigated = {(j.model, j.mode): j for j in
                 expand(parse_suite(SUITE.replace("{mitigation}", 'mitigation = "readout"'), "s.toml"))}
    assert mitigated[("k", "shots")].backend_options == {"mitigation": "readout"}
    assert mitigated[("k", "shots")].config_id != plain[("k", "shots")].config_id
    assert mitigated[("k", "exact")].config_id == plain[("k", "exact")].config_id
    assert mitigated[("svc", "classical")].config_id == plain[("svc", "classical")].config_id


def test_a_bad_suite_mitigation_is_a_one_line_error():
    with pytest.raises(QBenchError, match="mitigation.*'readout'"):
        parse_suite(SUITE.replace("{mitigation}", 'mitigation = "zne"'), "s.toml")


@pytest.mark.parametrize("backend", ["numpy", "qiskit", "pennylane", "cirq"])
def test_the_kit_mitigation_check_passes_on_every_framework(backend):
    module = {"qiskit": "qiskit_aer", "pennylane": "pennylane", "cirq": "cirq"}.get(backend)
    if module and not has(module):
        skip_or_fail(f"{backend} is not installed: {install_hint(backend)}")
    from qbench.testing.checks import backend_checks

    checks = [c for c in backend_checks(backend, modes=["noisy"]) if c.func in NOISY_CHECKS]
    assert len(checks) == 1
    checks[0]()
