"""The conformance checks every backend plugin must pass (``qbench check BACKEND``).

Each check is a small function that raises ``AssertionError`` with a message on failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from qbench.backends.base import MODES
from qbench.backends.noise import NoiseModel, parse_noise
from qbench.backends.options import usable_gradients
from qbench.backends.programs import lift
from qbench.circuits.ir import Circuit, Gate, resolve_angles
from qbench.circuits.observables import parity_observable
from qbench.errors import CapabilityError
from qbench.plugin.manager import backend_spec, open_backend
from qbench.testing import cases as C
from qbench.testing import mitigation_checks, projected, spread
from qbench.testing.spread import gradient_observables

#: Modes the kit has checks for.
KIT_MODES = ("exact", "shots", "noisy")
SHOTS = 2000
SEED = 7
#: The noise the kit checks noisy mode with (``--noise`` / ``options["noise"]`` replace it).
KIT_NOISE = NoiseModel(p1=0.02, p2=0.05, p_meas=0.03)


@dataclass
class Check:
    """One named conformance check for a backend in a mode; call it to run it."""

    name: str
    backend: str
    mode: str
    func: Callable[["Check"], None]
    options: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.backend}[{self.mode}]::{self.name}"

    def open(self, **kw):
        """The backend under test; in noisy mode the exact channel unless ``shots`` is given."""
        kw.setdefault("mode", self.mode)
        if kw["mode"] == self.mode:
            kw = {**self.options, **kw}
        if kw["mode"] == "shots":
            kw.setdefault("shots", SHOTS)
        if kw["mode"] in ("shots", "noisy"):
            kw.setdefault("seed", SEED)
        if kw["mode"] == "noisy" and "device_model" not in kw:
            kw["noise"] = self.noise
        return open_backend(self.backend, **kw)

    def sampled(self, seed: int = SEED):
        """The backend under test sampling with shots (:data:`SHOTS`) in any mode, with ``seed``."""
        return self.open(seed=seed, shots=SHOTS)

    @property
    def noise(self) -> NoiseModel:
        return parse_noise(self.options["noise"]) if "noise" in self.options else KIT_NOISE

    def oracle(self):
        """The numpy density-matrix oracle on this check's noise."""
        return open_backend("numpy", mode="noisy", noise=self.noise)

    def __call__(self) -> None:
        self.func(self)

    def __repr__(self) -> str:
        return self.id


def _reference():
    return open_backend("numpy", mode="exact")


def _atol(check: Check) -> float:
    return backend_spec(check.backend).load().capabilities.atol


def _close(label: str, got, want, atol: float) -> None:
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        raise AssertionError(f"{label}: shape {got.shape} != reference {want.shape}")
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    if not err <= atol:
        raise AssertionError(f"{label}: max deviation {err:.3g} from the reference exceeds {atol:g}")


def _align_phase(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Remove each row's global phase relative to the reference (states are equal up to a global phase)."""
    overlap = np.sum(want.conj() * got, axis=1)
    phase = np.where(np.abs(overlap) > 0, overlap / np.maximum(np.abs(overlap), 1e-300), 1.0)
    return got / phase[:, None]


# ------------------------------------------------------------------ exact mode
def check_states_match_reference(check: Check) -> None:
    b, ref, atol = check.open(), _reference(), _atol(check)
    for case in C.feature_map_cases() + C.model_cases():
        got = b.states(case.circuit, case.angles, case.weights)
        want = ref.states(case.circuit, case.angles, case.weights)
        _close(f"states of {case.label}", _align_phase(np.asarray(got), want), want, atol)


def check_states_match_dense_oracle(check: Check) -> None:
    """States against dense gate matrices built from the generators (independent of the numpy simulator)."""
    from qbench.testing.oracle import dense_states

    b = check.open()
    for case in C.feature_map_cases(qubits=(1, 2, 3), n_samples=2) + C.model_cases(qubits=(1, 2, 3), n_samples=2):
        want = dense_states(case.circuit, case.angles, case.weights)
        got = np.asarray(b.states(case.circuit, case.angles, case.weights))
        _close(f"states of {case.label} (dense oracle)", _align_phase(got, want), want, max(_atol(check), 1e-12))


def check_kernel_matches_reference(check: Check) -> None:
    b, ref, atol = check.open(), _reference(), _atol(check)
    for case in C.feature_map_cases():
        other = case.angles[::-1][:3]
        _close(f"kernel of {case.label}", b.kernel(case.circuit, case.angles), ref.kernel(case.circuit, case.angles), atol)
        _close(f"cross kernel of {case.label}", b.kernel(case.circuit, case.angles, other),
               ref.kernel(case.circuit, case.angles, other), atol)


def check_expval_matches_reference(check: Check) -> None:
    b, ref, atol = check.open(), _reference(), _atol(check)
    for case in C.model_cases():
        for make in C.OBSERVABLES:
            obs = make(case.circuit.n_qubits)
            _close(f"<{obs.name}> of {case.label}", b.expval(case.circuit, case.angles, case.weights, obs),
                   ref.expval(case.circuit, case.angles, case.weights, obs), atol)


def check_gradient_matches_reference(check: Check) -> None:
    b, ref, atol = check.open(), _reference(), _atol(check)
    rng = np.random.default_rng(3)
    for case in C.model_cases(qubits=(1, 2, 3, 4), n_samples=2):
        cot = rng.normal(size=len(case.angles))
        for obs in gradient_observables(case.circuit.n_qubits):
            _close(f"gradient of <{obs.name}> of {case.label}", b.vjp(case.circuit, case.angles, case.weights, obs, cot),
                   ref.vjp(case.circuit, case.angles, case.weights, obs, cot), max(atol, 1e-8) * 10)


def check_gradient_matches_finite_differences(check: Check) -> None:
    """Gradients equal central differences of the backend's own expectation values.

    The shifted weights of every weight are evaluated in one ``expval`` call on the lifted circuit
    (rotation k reading column k of resolved angle rows), as the core's own gradients do.
    """
    b = check.open()
    rng = np.random.default_rng(5)
    eps = 1e-4 if _atol(check) < 1e-6 else 1e-2
    for case in C.model_cases(qubits=(2, 3), n_samples=2)[::2]:  # every ansatz, both feature maps
        cot = rng.normal(size=len(case.angles))
        n_w, m = case.circuit.n_weights, len(case.angles)
        steps = np.concatenate([np.eye(n_w) * eps, -np.eye(n_w) * eps])
        rows = np.concatenate([resolve_angles(case.circuit, case.angles, case.weights + st) for st in steps])
        for obs in gradient_observables(case.circuit.n_qubits):
            grad = b.vjp(case.circuit, case.angles, case.weights, obs, cot)
            values = np.asarray(b.expval(lift(case.circuit), rows, np.zeros(0), obs)).reshape(2, n_w, m)
            fd = (values[0] - values[1]) @ cot / (2 * eps)
            _close(f"gradient of <{obs.name}> vs central differences of {case.label}", grad, fd,
                   max(1e-6, 100 * _atol(check)))


# ------------------------------------------------------------------ any mode
def check_kernel_symmetric_psd_unit_diagonal(check: Check) -> None:
    b = check.open()
    noisy = check.mode != "exact"
    sigma = 0.5 / np.sqrt(b.shots) if b.shots else 0.0
    tol = max(1e-8, _atol(check))
    for case in C.feature_map_cases(qubits=(1, 2, 3, 4), n_samples=6):
        k = np.asarray(b.kernel(case.circuit, case.angles))
        n = len(k)
        if not np.allclose(k, k.T, atol=1e-12 if check.mode != "exact" else tol):
            raise AssertionError(f"kernel of {case.label} is not symmetric")
        diag_tol = 5 * sigma + tol
        if not np.allclose(np.diag(k), 1.0, atol=diag_tol):
            raise AssertionError(f"kernel of {case.label} has diagonal {np.diag(k)} instead of 1")
        if np.any(k < -tol) or np.any(k > 1 + tol):
            raise AssertionError(f"kernel of {case.label} has entries outside [0, 1]")
        lam = float(np.linalg.eigvalsh(k).min())
        floor = -(5 * sigma * np.sqrt(n) + tol) if noisy else -tol * n
        if lam < floor:
            raise AssertionError(f"kernel of {case.label} is not positive semidefinite: eigenvalue {lam:.3g} < {floor:.3g}")


def check_reproducible_with_seed(check: Check) -> None:
    case = C.model_cases(qubits=(2,), n_samples=5)[0]
    fm_case = C.feature_map_cases(qubits=(2,), n_samples=5)[0]
    obs = parity_observable(2)
    runs = []
    for seed in (11, 11, 12):
        b = check.open(seed=seed, shots=SHOTS)
        runs.append((np.asarray(b.kernel(fm_case.circuit, fm_case.angles)),
                     np.asarray(b.expval(case.circuit, case.angles, case.weights, obs))))
    for a, b_ in zip(runs[0], runs[1]):
        if not np.array_equal(a, b_):
            raise AssertionError("two runs with the same seed gave different estimates")
    if all(np.array_equal(a, c) for a, c in zip(runs[0], runs[2])):
        raise AssertionError("runs with different seeds gave identical estimates: is the seed ignored?")


def check_shot_kernel_within_5_stderr(check: Check) -> None:
    b, ref = check.open(), _reference()
    for case in C.feature_map_cases(qubits=(1, 2, 3, 4), n_samples=5):
        exact = ref.kernel(case.circuit, case.angles)
        est = np.asarray(b.kernel(case.circuit, case.angles))
        se = np.sqrt(np.clip(exact * (1 - exact), 0, None) / b.shots)
        bound = 5 * np.maximum(se, 1.0 / b.shots)
        worst = np.max(np.abs(est - exact) / bound)
        if worst > 1:
            raise AssertionError(f"shot kernel of {case.label} deviates by {worst * 5:.1f} standard errors")


def check_shot_expval_within_5_stderr(check: Check) -> None:
    b, ref = check.open(), _reference()
    for case in C.model_cases(qubits=(1, 2, 3, 4), n_samples=5):
        for make in C.OBSERVABLES:
            obs = make(case.circuit.n_qubits)
            exact = ref.expval(case.circuit, case.angles, case.weights, obs)
            probs = np.abs(ref.states(case.circuit, case.angles, case.weights)) ** 2
            var = probs @ obs.diagonal(case.circuit.n_qubits) ** 2 - exact**2
            bound = 5 * np.maximum(np.sqrt(np.clip(var, 0, None) / b.shots), 1.0 / b.shots)
            est = np.asarray(b.expval(case.circuit, case.angles, case.weights, obs))
            worst = np.max(np.abs(est - exact) / bound)
            if worst > 1:
                raise AssertionError(f"shot <{obs.name}> of {case.label} deviates by {worst * 5:.1f} standard errors")


def check_shot_gradient_within_5_stderr(check: Check) -> None:
    b, ref = check.open(), _reference()
    rng = np.random.default_rng(9)
    for case in C.model_cases(qubits=(2, 3), n_samples=2)[::2]:  # every ansatz, both feature maps
        cot = rng.normal(size=len(case.angles))
        uses = np.zeros(case.circuit.n_weights)
        for g in case.circuit.gates:
            if g.angle is not None and g.angle.source == "weight":
                uses[g.angle.index] += g.angle.scale**2
        # Each parameter-shift term is half a difference of two estimates with variance <= 1/shots
        # (every observable here has eigenvalues in [-1, 1]).
        sigma = np.sqrt(uses * np.sum(cot**2) * 2.0 / b.shots) / 2.0
        for obs in gradient_observables(case.circuit.n_qubits):
            exact = ref.vjp(case.circuit, case.angles, case.weights, obs, cot)
            est = np.asarray(b.vjp(case.circuit, case.angles, case.weights, obs, cot))
            worst = np.max(np.abs(est - exact) / (5 * sigma + 1e-12))
            if worst > 1:
                raise AssertionError(f"shot gradient of <{obs.name}> of {case.label} deviates by {worst * 5:.1f} "
                                     "standard errors")


def check_noisy_values_in_range(check: Check) -> None:
    b = check.open(shots=SHOTS)
    for case in C.model_cases(qubits=(2, 3), n_samples=3):
        for make in C.OBSERVABLES:
            obs = make(case.circuit.n_qubits)
            bound = sum(abs(c) for c, _ in obs.terms)
            est = np.asarray(b.expval(case.circuit, case.angles, case.weights, obs))
            if est.shape != (len(case.angles),) or np.any(np.abs(est) > bound + 1e-9):
                raise AssertionError(f"noisy <{obs.name}> of {case.label} out of range: {est}")


def check_noisy_expval_matches_density_oracle(check: Check) -> None:
    b, ref, atol = check.open(), check.oracle(), _atol(check)
    for case in C.model_cases(qubits=(1, 3), n_samples=2):
        for make in C.OBSERVABLES:
            obs = make(case.circuit.n_qubits)
            _close(f"noisy <{obs.name}> of {case.label}", b.expval(case.circuit, case.angles, case.weights, obs),
                   ref.expval(case.circuit, case.angles, case.weights, obs), atol)


def check_noisy_kernel_matches_density_oracle(check: Check) -> None:
    b, ref, atol = check.open(), check.oracle(), _atol(check)
    for case in C.feature_map_cases(qubits=(1, 3), n_samples=3):
        other = case.angles[::-1][:2]
        _close(f"noisy kernel of {case.label}", b.kernel(case.circuit, case.angles), ref.kernel(case.circuit, case.angles),
               atol)
        _close(f"noisy cross kernel of {case.label}", b.kernel(case.circuit, case.angles, other),
               ref.kernel(case.circuit, case.angles, other), atol)


def check_kernel_diagonal_policy(check: Check) -> None:
    """The diagonal is evaluated like every other entry (never set to 1): under noise K(x, x) < 1."""
    b, ref = check.open(), check.oracle()
    case = C.feature_map_cases(qubits=(2,), n_samples=3)[0]
    k, want = np.asarray(b.kernel(case.circuit, case.angles)), ref.kernel(case.circuit, case.angles)
    _close(f"noisy kernel diagonal of {case.label}", np.diag(k), np.diag(want), _atol(check))
    if check.noise.is_noiseless:
        return
    if np.any(np.diag(k) >= 1.0 - 1e-6):
        raise AssertionError(f"noisy kernel diagonal {np.diag(k)} is 1: the diagonal policy evaluates it under noise")


def check_noisy_gradient_matches_density_oracle(check: Check) -> None:
    b, ref = check.open(), check.oracle()
    rng = np.random.default_rng(3)
    tol = max(_atol(check), 1e-8) * 10 if b.gradient != "finite-diff" else max(1e-6, 100 * _atol(check))
    for case in C.model_cases(qubits=(2, 3), n_samples=2)[::2]:  # every ansatz, both feature maps
        cot = rng.normal(size=len(case.angles))
        for obs in gradient_observables(case.circuit.n_qubits):
            _close(f"noisy {b.gradient} gradient of <{obs.name}> of {case.label}",
                   b.vjp(case.circuit, case.angles, case.weights, obs, cot),
                   ref.vjp(case.circuit, case.angles, case.weights, obs, cot), tol)


def check_noisy_sampled_within_5_stderr(check: Check) -> None:
    """Noisy mode with shots samples the same channel: estimates within 5 standard errors of the oracle."""
    b, ref = check.open(shots=SHOTS), check.oracle()
    for case in C.model_cases(qubits=(2, 3), n_samples=2)[::2]:
        for make in C.OBSERVABLES:
            obs = make(case.circuit.n_qubits)
            exact = ref.expval(case.circuit, case.angles, case.weights, obs)
            probs = ref._probabilities(case.circuit, case.angles, case.weights)
            var = probs @ obs.diagonal(case.circuit.n_qubits) ** 2 - exact**2
            bound = 5 * np.maximum(np.sqrt(np.clip(var, 0, None) / b.shots), 1.0 / b.shots)
            est = np.asarray(b.expval(case.circuit, case.angles, case.weights, obs))
            worst = np.max(np.abs(est - exact) / bound)
            if worst > 1:
                raise AssertionError(f"sampled noisy <{obs.name}> of {case.label} deviates by {worst * 5:.1f} "
                                     f"standard errors from the density-matrix oracle")
    for case in C.feature_map_cases(qubits=(2,), n_samples=3):
        exact = ref.kernel(case.circuit, case.angles)
        est = np.asarray(b.kernel(case.circuit, case.angles))
        bound = 5 * np.maximum(np.sqrt(np.clip(exact * (1 - exact), 0, None) / b.shots), 1.0 / b.shots)
        worst = np.max(np.abs(est - exact) / bound)
        if worst > 1:
            raise AssertionError(f"sampled noisy kernel of {case.label} deviates by {worst * 5:.1f} standard errors")


# ------------------------------------------------------------------ refusals
def check_undeclared_capabilities_raise(check: Check) -> None:
    caps = backend_spec(check.backend).load().capabilities
    for mode in set(MODES) - set(caps.modes):
        try:
            check.open(mode=mode)
        except CapabilityError:
            pass
        else:
            raise AssertionError(f"mode {mode!r} is not declared but opening it did not raise CapabilityError")
    try:
        check.open(gradient="no-such-method")
    except CapabilityError:
        pass
    else:
        raise AssertionError("an undeclared gradient method did not raise CapabilityError")
    wide = Circuit(caps.max_qubits + 1, (Gate("H", (0,)),))
    try:
        check.open().kernel(wide, np.zeros((1, 0)))
    except CapabilityError:
        pass
    else:
        raise AssertionError(f"a {caps.max_qubits + 1}-qubit circuit did not raise CapabilityError")


CHECKS_BY_MODE: dict[str, tuple[Callable, ...]] = {
    "exact": (check_states_match_dense_oracle, check_states_match_reference, check_kernel_matches_reference, check_kernel_symmetric_psd_unit_diagonal,
              check_expval_matches_reference, check_gradient_matches_reference,
              check_gradient_matches_finite_differences, check_undeclared_capabilities_raise, *projected.EXACT_CHECKS),
    "shots": (check_kernel_symmetric_psd_unit_diagonal, check_shot_kernel_within_5_stderr,
              check_shot_expval_within_5_stderr, check_shot_gradient_within_5_stderr, check_reproducible_with_seed,
              *spread.CHECKS, check_undeclared_capabilities_raise),
    "noisy": (check_noisy_expval_matches_density_oracle, check_noisy_kernel_matches_density_oracle,
              check_kernel_diagonal_policy, check_noisy_gradient_matches_density_oracle,
              check_noisy_sampled_within_5_stderr, check_noisy_values_in_range, check_reproducible_with_seed,
              *spread.CHECKS, check_undeclared_capabilities_raise),
}
CHECKS_BY_MODE["noisy"] += mitigation_checks.NOISY_CHECKS  # readout-error mitigation (its own module)
#: Checks run once per gradient method the mode can use (exact mode: every declared method).
GRADIENT_CHECKS = {check_gradient_matches_reference, check_gradient_matches_finite_differences,
                   check_shot_gradient_within_5_stderr, check_noisy_gradient_matches_density_oracle,
                   spread.check_gradient_spread_matches_shots}
#: Gradient checks that sample (so they run the methods usable with shots).
SAMPLED_GRADIENT_CHECKS = {check_shot_gradient_within_5_stderr, spread.check_gradient_spread_matches_shots}


def backend_checks(backend: str, modes=None, options: dict | None = None) -> list[Check]:
    """The checks for ``backend`` in ``modes`` (default: every declared mode the kit covers).

    Gradient checks run for every declared gradient method the mode can use (sampled
    gradient checks: the methods usable with shots); ``options["gradient"]`` picks one.
    """
    caps = backend_spec(backend).load().capabilities
    options = dict(options or {})
    only = options.pop("gradient", None)
    if modes is None:
        modes = [m for m in caps.modes if m in KIT_MODES]
    out = []
    for mode in modes:
        if mode not in caps.modes:
            raise CapabilityError(f"backend {backend!r} does not support mode {mode!r} (it supports: {', '.join(caps.modes)})")
        if mode not in CHECKS_BY_MODE:
            raise CapabilityError(f"the conformance kit defines no checks for mode {mode!r}")
        mode_options = {k: v for k, v in options.items() if mode == "noisy" or k not in ("noise", "device_model")}
        Check("open", backend, mode, lambda c: None, dict(mode_options)).open()  # bad options: one line, before any check
        for fn in CHECKS_BY_MODE[mode]:
            name = fn.__name__.removeprefix("check_")
            if fn not in GRADIENT_CHECKS:
                out.append(Check(name, backend, mode, fn, dict(mode_options)))
                continue
            sampled = fn in SAMPLED_GRADIENT_CHECKS
            methods = usable_gradients(mode, sampled, caps.gradient_methods)
            for g in methods if only is None else [m for m in methods if m == only]:
                out.append(Check(f"{name}[{g}]", backend, mode, fn, {**mode_options, "gradient": g}))
    return out
