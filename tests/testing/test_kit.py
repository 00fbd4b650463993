"""The conformance kit can fail: a broken non-default gradient, wrong noise, a wrong diagonal policy."""

from __future__ import annotations

import types

import numpy as np
import pytest

from qbench import hookimpl
from qbench.backends.numpy_backend import NumpyBackend
from qbench.backends.programs import assemble_gram
from qbench.plugin import manager as plugins
from qbench.testing import backend_checks, run_checks


def _plugin(**hooks):
    ns = types.SimpleNamespace()
    for name, fn in hooks.items():
        setattr(ns, name, hookimpl(fn))
    return ns


class BrokenShift(NumpyBackend):
    """Adjoint (default) is right; parameter-shift, the second declared method, is 10% off."""

    name = "test.brokenshift"

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        grad = super()._vjp(circuit, angles, weights, observable, cotangent)
        return grad * 1.1 if self.gradient == "parameter-shift" else grad


class DiagonalOne(NumpyBackend):
    """Sets K(x, x) = 1 in noisy mode (the policy the core forbids)."""

    name = "test.diagonalone"

    def _kernel(self, circuit, a, b):
        k = super()._kernel(circuit, a, b)
        if b is None and self.mode == "noisy":
            np.fill_diagonal(k, 1.0)
        return k


class OtherNoise(NumpyBackend):
    """Runs its own noise in noisy mode: twice the two-qubit depolarizing strength."""

    name = "test.othernoise"

    def _probabilities(self, circuit, angles, weights):
        from dataclasses import replace

        from qbench.backends import density

        if self.mode != "noisy":
            return super()._probabilities(circuit, angles, weights)
        return density.probabilities(circuit, angles, weights, replace(self.noise, p2=min(1.0, 2 * self.noise.p2)))


@pytest.fixture
def test_backends():
    plugin = _plugin(qbench_register_backends=lambda register: [
        register(cls.name, cls, framework="test") for cls in (BrokenShift, DiagonalOne, OtherNoise)])
    with plugins.registered(plugin, name="kit-test-plugin"):
        yield


def _failed(backend, modes):
    return {c.id for c, status, _ in run_checks(backend_checks(backend, modes)) if status == "fail"}


def test_a_broken_non_default_gradient_fails_qbench_check(test_backends, cli):
    code, out, _ = cli("check", "test.brokenshift", "--mode", "exact")
    assert code == 1
    assert "FAIL  test.brokenshift[exact]::gradient_matches_reference[parameter-shift]" in out
    assert "gradient_matches_reference[adjoint]" not in out  # the default method is right


def test_the_kit_runs_every_declared_gradient_in_every_mode(test_backends):
    failed = _failed("test.brokenshift", ["exact", "shots", "noisy"])
    assert "test.brokenshift[noisy]::noisy_gradient_matches_density_oracle[parameter-shift]" in failed
    assert "test.brokenshift[exact]::gradient_matches_finite_differences[parameter-shift]" in failed


def test_a_diagonal_set_to_one_fails_the_policy_check(test_backends):
    assert "test.diagonalone[noisy]::kernel_diagonal_policy" in _failed("test.diagonalone", ["noisy"])


def test_a_different_noise_channel_fails_the_density_oracle_checks(test_backends):
    failed = _failed("test.othernoise", ["noisy"])
    assert {"test.othernoise[noisy]::noisy_expval_matches_density_oracle",
            "test.othernoise[noisy]::noisy_kernel_matches_density_oracle"} <= failed


def test_numpy_passes_the_whole_kit(cli):
    code, out, _ = cli("check", "numpy", "--noise", "p1=0.01,p2=0.04,p_meas=0.02")
    assert code == 0, out


@pytest.mark.parametrize("args, message", [
    (["--mode", "noisy", "--noise", "p3=0.1"], "unknown noise parameter(s) p3"),
    (["--mode", "noisy", "--noise", "p1=1.5"], "must be in [0, 1]"),
    (["--mode", "exact", "--noise", "p1=0.1"], "applies only to noisy mode"),
    (["--mode", "noisy", "--option", "device_model=fake_manila"], "has no device models"),
])
def test_bad_noise_input_is_one_line_exit_2(cli, args, message):
    code, _, err = cli("check", "numpy", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_gram_assembly_mirrors_the_evaluated_upper_triangle():
    k = assemble_gram(np.array([0.9, 0.2, 0.8]), (np.array([0, 0, 1]), np.array([0, 1, 1])), (2, 2), True)
    assert np.array_equal(k, [[0.9, 0.2], [0.2, 0.8]])


def test_suite_mode_noise_reaches_the_jobs(tmp_path):
    from qbench.suite.jobs import expand as expand_jobs
    from qbench.suite.parse import parse_suite

    text = ('[suite]\nname = "n"\nbackends = ["numpy"]\nmodes = ["exact", {name = "noisy", noise = {p1 = 0.01, p2 = 0.02}}]\n'
            'seeds = [0]\n[[datasets]]\nname = "moons"\nn_samples = 20\n[[models]]\nname = "k"\nkind = "kernel"\n')
    suite = parse_suite(text)
    noisy = [j for j in expand_jobs(suite) if j.mode == "noisy"]
    assert noisy and noisy[0].backend_options["noise"] == {"p1": 0.01, "p2": 0.02, "p_meas": 0.0}
    assert all("noise" not in j.backend_options for j in expand_jobs(suite) if j.mode == "exact")


@pytest.mark.parametrize("mode, message", [
    ('{name = "noisy", noise = {p9 = 0.1}}', "unknown noise parameter(s) p9"),
    ('{name = "noisy", noise = {p1 = -0.1}}', "must be in [0, 1]"),
    ('{name = "exact", noise = {p1 = 0.1}}', "noise applies only to the noisy mode"),
])
def test_suite_bad_noise_is_one_line(mode, message):
    from qbench.suite.parse import SuiteError, parse_suite

    text = (f'[suite]\nname = "n"\nbackends = ["numpy"]\nmodes = [{mode}]\nseeds = [0]\n'
            '[[datasets]]\nname = "moons"\nn_samples = 20\n[[models]]\nname = "k"\nkind = "kernel"\n')
    with pytest.raises(SuiteError) as err:
        parse_suite(text)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_evaluate_runs_the_noise_model(cli):
    code, out, err = cli("evaluate", "--dataset", "moons", "--samples", "24", "--features", "2", "--mode", "noisy",
                         "--noise", "p1=0.01,p2=0.02,p_meas=0.01")
    assert code == 0, err
    code, _, err = cli("evaluate", "--dataset", "moons", "--samples", "24", "--noise", "p1=0.01")
    assert code == 2 and "--noise applies only to --mode noisy" in err


def test_estimators_take_the_noise_model_through_backend_options():
    from sklearn.datasets import make_moons

    from qbench.models import QuantumKernelClassifier

    X, y = make_moons(16, noise=0.1, random_state=0)
    noise = {"p1": 0.01, "p2": 0.02, "p_meas": 0.01}
    est = QuantumKernelClassifier(backend="numpy", mode="noisy", backend_options={"noise": noise}, random_state=0)
    est.fit(X, y)
    assert est.backend_.config["noise"] == noise
    with pytest.raises(Exception, match="noise applies only in noisy mode"):
        QuantumKernelClassifier(backend="numpy", backend_options={"noise": noise}, random_state=0).fit(X, y)
