"""The kit catches sampled modes that do not sample as declared, and native gradients on the wrong wire."""

from __future__ import annotations

import re
import types

import numpy as np
import pytest
from scipy.stats import chi2

from qbench import hookimpl
from qbench.backends.numpy_backend import NumpyBackend
from qbench.backends.sampling import sample_counts
from qbench.circuits.observables import Observable
from qbench.plugin import manager as plugins
from qbench.testing import backend_checks, run_checks
from qbench.testing import spread


class ExactExpval(NumpyBackend):
    """Shots mode returns exact expectation values (sampling only kernels)."""

    name = "test.exactexpval"

    def _expval(self, circuit, angles, weights, observable):
        if self.mode == "shots":
            return np.abs(self._states(circuit, angles, weights)) ** 2 @ observable.diagonal(circuit.n_qubits)
        return super()._expval(circuit, angles, weights, observable)


class ExactKernel(NumpyBackend):
    """Shots mode returns exact kernels (sampling only expectation values)."""

    name = "test.exactkernel"

    def _kernel(self, circuit, a, b):
        if self.mode == "shots":
            return self.kernel_from_states(circuit, a, b)
        return super()._kernel(circuit, a, b)


class HalfShots(NumpyBackend):
    """Samples half the declared shots (and reports frequencies as if it had all of them)."""

    name = "test.halfshots"

    def _counts(self, circuit, angles, weights):
        probs = self._probabilities(circuit, angles, weights)
        self.usage.shots += len(probs) * self.shots
        return 2 * sample_counts(self._rng, probs, self.shots // 2)


class WrongWire(NumpyBackend):
    """The native (adjoint) gradient measures the observable with the wires reversed (an endianness slip)."""

    name = "test.wrongwire"

    def _value_and_vjp(self, circuit, angles, weights, observable, cotangent):
        n = circuit.n_qubits
        flipped = Observable(tuple((c, tuple(n - 1 - w for w in wires)) for c, wires in observable.terms))
        if self.mode == "exact" and self.gradient == "adjoint":
            return super()._value_and_vjp(circuit, angles, weights, flipped, cotangent)
        return super()._value_and_vjp(circuit, angles, weights, observable, cotangent)


@pytest.fixture
def test_backends():
    ns = types.SimpleNamespace(qbench_register_backends=hookimpl(lambda register: [
        register(cls.name, cls, framework="test") for cls in (ExactExpval, ExactKernel, HalfShots, WrongWire)]))
    with plugins.registered(ns, name="kit-spread-test-plugin"):
        yield


def _failed(backend, modes):
    return {c.id.split("::", 1)[1]: msg for c, status, msg in run_checks(backend_checks(backend, modes))
            if status == "fail"}


def test_exact_expectation_values_in_shots_mode_fail_qbench_check(test_backends, cli):
    code, out, _ = cli("check", "test.exactexpval", "--mode", "shots")
    assert code == 1
    assert "FAIL  test.exactexpval[shots]::expval_spread_matches_shots" in out
    assert "FAIL  test.exactexpval[shots]::gradient_spread_matches_shots[parameter-shift]" in out
    assert "exact values" in out


def test_exact_kernels_in_shots_mode_fail_qbench_check(test_backends, cli):
    code, out, _ = cli("check", "test.exactkernel", "--mode", "shots")
    assert code == 1
    assert "FAIL  test.exactkernel[shots]::kernel_spread_matches_shots" in out
    # every other check passes: only the spread over seeds sees it
    assert set(_failed("test.exactkernel", ["shots"])) == {"kernel_spread_matches_shots"}


@pytest.mark.parametrize("mode", ["shots", "noisy"])
def test_half_the_shots_fails_qbench_check(test_backends, cli, mode):
    code, out, _ = cli("check", "test.halfshots", "--mode", mode)
    assert code == 1
    failed = _failed("test.halfshots", [mode])
    assert {"kernel_spread_matches_shots", "expval_spread_matches_shots",
            "gradient_spread_matches_shots[parameter-shift]"} <= set(failed)
    assert re.search(r"as if sampled with about (9\d\d|1\d\d\d) shots, not 2000", failed["expval_spread_matches_shots"])


def test_a_native_gradient_on_the_wrong_wire_fails_qbench_check(test_backends, cli):
    code, out, _ = cli("check", "test.wrongwire", "--mode", "exact")
    assert code == 1
    failed = _failed("test.wrongwire", ["exact"])
    assert {"gradient_matches_reference[adjoint]", "gradient_matches_finite_differences[adjoint]"} <= set(failed)
    assert "<z[" in failed["gradient_matches_reference[adjoint]"]
    assert "gradient_matches_reference[parameter-shift]" not in failed  # the core's gradient is right


def test_the_spread_test_has_its_stated_error_rates():
    """At MIN_DOF, both a false alarm and a pass with half the shots have probability <= FALSE_ALARM."""
    d = spread.MIN_DOF
    lo, hi = spread.spread_bounds(d)
    assert chi2.cdf(lo * d, d) + chi2.sf(hi * d, d) == pytest.approx(spread.FALSE_ALARM)
    assert chi2.cdf(hi * d / 2, d) <= spread.FALSE_ALARM  # half the shots: T / dof is 2 chi2(d) / d
    smaller = d - 20
    assert chi2.cdf(spread.spread_bounds(smaller)[1] * smaller / 2, smaller) > spread.FALSE_ALARM  # and no fewer


def test_assert_spread_on_synthetic_binomial_estimates():
    rng = np.random.default_rng(0)
    p, shots = rng.uniform(0.05, 0.95, 120), 2000
    var = p * (1 - p) / shots
    runs = rng.binomial(shots, p, size=(len(spread.SEEDS), len(p))) / shots
    spread.assert_spread("declared shots", runs, var, shots)
    with pytest.raises(AssertionError, match=r"as if sampled with about (9\d\d|1\d\d\d) shots, not 2000"):
        spread.assert_spread("half", rng.binomial(shots // 2, p, size=runs.shape) / (shots // 2), var, shots)
    with pytest.raises(AssertionError, match="exact values"):
        spread.assert_spread("exact", np.broadcast_to(p, runs.shape), var, shots)
    with pytest.raises(AssertionError, match="degrees of freedom"):
        spread.assert_spread("too few", runs[:, :10], var[:10], shots)
