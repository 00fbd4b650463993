"""The shots path's parameter shift: exact shifted probabilities from branch states, and binned sampling."""

import numpy as np
import pytest

from qbench.backends import shift
from qbench.backends.gradients import shift_rows
from qbench.backends.programs import lift
from qbench.backends.sampling import bin_probabilities, outcome_bins, sample_counts, sample_expectations
from qbench.backends.statevector import simulate_gate_by_gate
from qbench.circuits import (AngleFeatureMap, StronglyEntanglingAnsatz, ZZFeatureMap, mean_z_observable,
                             parity_observable)
from qbench.circuits.ansatze import HardwareEfficientAnsatz
from qbench.circuits.ir import Angle, Circuit, Gate, data, resolve_angles, weight
from qbench.plugin.manager import open_backend


def _mixed_circuit() -> Circuit:
    """Every gate kind: weight RZZ and P, fixed H/X/Y/Z/CZ/CNOT, data re-upload between weight gates, offsets."""
    g = [Gate("H", (0,)), Gate("RX", (1,), data(0)), Gate("RY", (2,), data(1, scale=0.5)),
         Gate("RZZ", (0, 1), weight(0)), Gate("P", (2,), Angle("weight", 1, 2.0, 0.3)), Gate("Y", (1,)),
         Gate("CZ", (1, 2)), Gate("RZ", (0,), weight(2, scale=-1.0)), Gate("RX", (0,), data(1)),
         Gate("CNOT", (2, 0)), Gate("RY", (1,), weight(3)), Gate("RZZ", (1, 2), data(0)), Gate("X", (2,)),
         Gate("RX", (2,), weight(0)), Gate("Z", (0,)), Gate("RZZ", (2, 0), weight(4))]
    return Circuit(3, tuple(g), 2, 5, "mixed")


CIRCUITS = {
    "angle+strongly_entangling": (AngleFeatureMap().circuit(3).then(StronglyEntanglingAnsatz(2).circuit(3)),
                                  parity_observable(3)),
    "zz+hardware_efficient": (ZZFeatureMap().circuit(4).then(HardwareEfficientAnsatz(2).circuit(4)),
                              mean_z_observable(4)),
    "mixed": (_mixed_circuit(), mean_z_observable(3)),
}


@pytest.mark.parametrize("name", list(CIRCUITS))
@pytest.mark.parametrize("budget", [None, 2**20])
def test_shifted_probabilities_equal_simulating_every_shifted_circuit(name, budget, rng):
    c, obs = CIRCUITS[name]
    angles, w = rng.uniform(-np.pi, np.pi, (5, c.n_data)), rng.normal(size=c.n_weights)
    diag = obs.diagonal(c.n_qubits)
    uses, probs, values = shift.shifted_bin_probabilities(c, angles, w, diag, memory_budget=budget)
    rows, ref_uses = shift_rows(c, resolve_angles(c, angles, w))
    exact = np.abs(simulate_gate_by_gate(lift(c), rows, np.zeros(0))) ** 2
    assert uses == ref_uses
    np.testing.assert_array_equal(values, np.unique(diag))
    np.testing.assert_allclose(probs, bin_probabilities(exact, outcome_bins(diag)), atol=1e-12)


def test_bins_sum_outcomes_per_eigenvalue():
    diag = np.array([1.0, -1.0, 0.5, 1.0, -1.0, 0.5, 0.5, 2.0])
    probs = np.arange(16, dtype=float).reshape(2, 8)
    values, *_ = bins = outcome_bins(diag)
    got = bin_probabilities(probs, bins)
    want = np.stack([[row[diag == v].sum() for v in values] for row in probs])
    np.testing.assert_array_equal(got, want)


def test_binned_estimates_have_the_distribution_of_sampling_every_outcome():
    """Mean and variance of the binned estimate match the per-outcome sampler's over many draws."""
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(8), size=3)
    diag = np.array([1.0, -1.0, 0.5, 1.0, -1.0, 0.5, 0.5, 2.0])
    shots, draws = 50, 20000
    binned = np.stack([sample_expectations(rng, p, diag, shots) for _ in range(draws)])
    full = np.stack([sample_counts(rng, p, shots) @ diag / shots for _ in range(draws)])
    mean, var = p @ diag, (p @ diag**2 - (p @ diag) ** 2) / shots
    for est in (binned, full):
        assert np.all(np.abs(est.mean(axis=0) - mean) < 5 * np.sqrt(var / draws))
        # the sample variance of a variance estimate has relative sd about sqrt(2 / draws) (~1 %)
        np.testing.assert_allclose(est.var(axis=0), var, rtol=0.05)


def test_numpy_shots_gradient_is_unbiased_and_counts_every_shifted_circuit(rng):
    c, obs = CIRCUITS["angle+strongly_entangling"]
    angles, w, cot = rng.uniform(0, np.pi, (4, 3)), rng.normal(size=c.n_weights), rng.normal(size=4)
    exact = open_backend("numpy", gradient="adjoint").vjp(c, angles, w, obs, cot)
    shots, draws = 200, 200
    b = open_backend("numpy", mode="shots", shots=shots, seed=3, gradient="parameter-shift")
    grads = np.stack([b.vjp(c, angles, w, obs, cot) for _ in range(draws)])
    # each term is half a difference of two estimates with variance <= 1/shots
    sigma = np.sqrt(np.sum(cot**2) * 2.0 / shots) / 2.0
    assert np.all(np.abs(grads.mean(axis=0) - exact) < 5 * sigma / np.sqrt(draws))
    assert b.usage.circuit_executions == draws * 2 * c.n_weights * 4
    assert b.usage.shots == draws * 2 * c.n_weights * 4 * shots


def test_numpy_shots_gradient_is_reproducible_with_a_seed(rng):
    c, obs = CIRCUITS["mixed"]
    angles, w, cot = rng.uniform(0, np.pi, (3, 2)), rng.normal(size=5), rng.normal(size=3)
    one, two = (open_backend("numpy", mode="shots", shots=100, seed=7).vjp(c, angles, w, obs, cot) for _ in range(2))
    np.testing.assert_array_equal(one, two)
