"""Conformance checks that sampled estimates are sampled with the declared shots: their spread over seeds.

One shot estimate cannot tell ``shots`` samples from exact values or from half the shots: each
lies well within 5 standard errors of the exact value.  The spread over several seeds can.  For N
estimates (kernel entries, expectation values or gradient components), each computed once per
seed in :data:`SEEDS` (R runs), with variance sigma_i^2 predicted from the exact outcome
probabilities (binomial for a kernel entry, multinomial for an expectation value, a sum of
independent estimates for a parameter-shift gradient component)::

    T = sum_i sum_r (x_ir - mean_i)^2 / sigma_i^2  ~  chi2(N (R - 1))

for a backend that samples as it declares.  ``T / (N (R - 1))`` is 1 with the declared shots, 2
with half of them and 0 for exact values; the check is two-sided at a false-alarm rate of
:data:`FALSE_ALARM`.  Estimates whose per-shot variance is below :data:`MIN_SHOT_VARIANCE` are
left out (a probability near 0 or 1: too few minority outcomes for the normal approximation).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from qbench.backends.gradients import shift_rows
from qbench.backends.programs import lift
from qbench.circuits.ir import resolve_angles
from qbench.circuits.observables import Observable, mean_z_observable, parity_observable, z_observable
from qbench.testing import cases as C

#: Seeds of the runs whose spread is compared (R = 6: N (R - 1) degrees of freedom).
SEEDS = (101, 102, 103, 104, 105, 106)
#: Probability that a backend sampling with the declared shots fails one spread check.
FALSE_ALARM = 1e-6
#: Estimates with shots * variance below this are left out (binomial: p(1 - p) < 0.02).
MIN_SHOT_VARIANCE = 0.02
#: The fewest degrees of freedom a spread check accepts: from 400 on, half the shots (T / dof about 2)
#: passes with probability below FALSE_ALARM too (``tests/testing/test_spread.py`` checks it).
MIN_DOF = 400


def gradient_observables(n_qubits: int) -> tuple[Observable, ...]:
    """Observables every gradient check runs: Z on the last wire (not 0), the mean of Z, the parity (one Z at 1 qubit)."""
    z = z_observable(n_qubits, n_qubits - 1)
    z = Observable(z.terms, f"z[{n_qubits - 1}]")
    return (z,) if n_qubits == 1 else (z, mean_z_observable(n_qubits), parity_observable(n_qubits))


def spread_bounds(dof: int) -> tuple[float, float]:
    """The accepted range of T / dof: the two-sided chi-square interval at :data:`FALSE_ALARM`."""
    return chi2.ppf(FALSE_ALARM / 2, dof) / dof, chi2.isf(FALSE_ALARM / 2, dof) / dof


def assert_spread(label: str, runs: np.ndarray, variances: np.ndarray, shots: int) -> None:
    """Fail unless the spread of ``runs`` (seeds x estimates) matches ``variances`` (the declared shots')."""
    runs = np.asarray(runs, dtype=float).reshape(len(runs), -1)
    variances = np.asarray(variances, dtype=float).reshape(-1)
    keep = variances * shots >= MIN_SHOT_VARIANCE
    dof = int(keep.sum()) * (len(runs) - 1)
    if dof < MIN_DOF:
        raise AssertionError(f"{label}: only {dof} degrees of freedom to judge the spread by (the kit needs {MIN_DOF})")
    dev = runs[:, keep] - runs[:, keep].mean(axis=0)
    ratio = float(np.sum(dev**2 / variances[keep])) / dof
    lo, hi = spread_bounds(dof)
    if lo <= ratio <= hi:
        return
    if ratio < 1e-6:
        why = "identical over seeds: exact values (or the seed ignored) in a sampled mode"
    elif ratio > 1:
        why = f"as if sampled with about {shots / ratio:.0f} shots, not {shots}"
    else:
        why = f"as if sampled with about {shots / ratio:.0f} shots, not {shots} (or the estimates are correlated)"
    raise AssertionError(f"{label}: variance over {len(runs)} seeds is {ratio:.3g} x the {shots}-shot sampling "
                         f"variance (accepted {lo:.2f}-{hi:.2f}, false-alarm rate {FALSE_ALARM:g}): {why}")


def _observable_variance(ref, circuit, angles, weights, obs: Observable) -> np.ndarray:
    """Per-shot variance of ``obs`` on each row, from the reference's exact outcome probabilities."""
    probs = ref._probabilities(circuit, np.asarray(angles, dtype=float), np.asarray(weights, dtype=float))
    d = obs.diagonal(circuit.n_qubits)
    return np.clip(probs @ d**2 - (probs @ d) ** 2, 0.0, None)


def _gradient_variance(ref, circuit, angles, weights, obs: Observable, cot: np.ndarray) -> np.ndarray:
    """Per-shot variance of each parameter-shift gradient component: independent shifted estimates."""
    rows, uses = shift_rows(circuit, resolve_angles(circuit, angles, weights))
    var = _observable_variance(ref, lift(circuit), rows, np.zeros(0), obs).reshape(len(uses), 2, len(angles))
    out = np.zeros(circuit.n_weights)
    for use, (up, down) in zip(uses, var):
        out[use.weight] += use.scale**2 / 4 * float(cot**2 @ (up + down))
    return out


def _runs(check, compute) -> tuple[np.ndarray, int, str]:
    """``compute(backend)`` once per seed in :data:`SEEDS` on the sampled backend under test: (runs, shots, gradient)."""
    runs = []
    for seed in SEEDS:
        b = check.sampled(seed)
        runs.append(np.concatenate([np.ravel(v) for v in compute(b)]))
    return np.array(runs), b.shots, b.gradient


def _exact(check):
    """Exact outcome probabilities of the check's mode: the numpy reference, or the density oracle under noise."""
    from qbench.plugin.manager import open_backend

    return check.oracle() if check.mode == "noisy" else open_backend("numpy", mode="exact")


def check_kernel_spread_matches_shots(check) -> None:
    """Kernel entries (symmetric and cross Gram) vary over seeds as binomial estimates with the declared shots."""
    ref = _exact(check)
    cases = C.feature_map_cases(qubits=(2,), n_samples=8)[::3][:2]  # ZZ (full entanglement) and IQP
    upper = np.triu_indices(8)

    def compute(b):
        for case in cases:
            yield np.asarray(b.kernel(case.circuit, case.angles))[upper]
            yield b.kernel(case.circuit, case.angles, case.angles[::-1][:4])

    p = np.concatenate([np.ravel(v) for case in cases for v in (ref.kernel(case.circuit, case.angles)[upper],
                                                                ref.kernel(case.circuit, case.angles, case.angles[::-1][:4]))])
    runs, shots, _ = _runs(check, compute)
    assert_spread(f"{check.mode} kernel entries", runs, np.clip(p * (1 - p), 0, None) / shots, shots)


def check_expval_spread_matches_shots(check) -> None:
    """Expectation values of z (wire 1), mean_z and parity vary over seeds as multinomial estimates."""
    ref = _exact(check)
    cases = C.model_cases(qubits=(2,), n_samples=12)[::2]  # every ansatz, both feature maps
    work = [(case, obs) for case in cases for obs in gradient_observables(case.circuit.n_qubits)]

    def compute(b):
        for case, obs in work:
            yield b.expval(case.circuit, case.angles, case.weights, obs)

    var = np.concatenate([_observable_variance(ref, case.circuit, case.angles, case.weights, obs) for case, obs in work])
    runs, shots, _ = _runs(check, compute)
    assert_spread(f"{check.mode} expectation values", runs, var / shots, shots)


def check_gradient_spread_matches_shots(check) -> None:
    """Gradient components (z on the last wire, mean_z) vary over seeds as parameter-shift estimates with the shots."""
    ref = _exact(check)
    rng = np.random.default_rng(17)
    work = []
    for case in C.model_cases(qubits=(2, 3), n_samples=1)[::2]:  # every ansatz, both feature maps
        for obs in gradient_observables(case.circuit.n_qubits)[:2]:
            work.append((case, obs, rng.choice((-1.0, 1.0), size=len(case.angles))))  # |c| = 1


    def compute(b):
        for case, obs, cot in work:
            yield b.vjp(case.circuit, case.angles, case.weights, obs, cot)

    var = np.concatenate([_gradient_variance(ref, case.circuit, case.angles, case.weights, obs, cot)
                          for case, obs, cot in work])
    runs, shots, gradient = _runs(check, compute)
    assert_spread(f"{check.mode} {gradient} gradients", runs, var / shots, shots)


__all__ = ["SEEDS", "FALSE_ALARM", "MIN_SHOT_VARIANCE", "gradient_observables", "spread_bounds", "assert_spread",
           "check_kernel_spread_matches_shots", "check_expval_spread_matches_shots",
           "check_gradient_spread_matches_shots"]

#: The spread checks, run in shots mode and (with shots) in noisy mode.
CHECKS = (check_kernel_spread_matches_shots, check_expval_spread_matches_shots, check_gradient_spread_matches_shots)
