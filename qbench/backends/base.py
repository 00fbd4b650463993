"""The two abstract tasks a backend implements, and the capabilities it declares.

A backend computes, for a framework-neutral :class:`~qbench.circuits.ir.Circuit`:

* the **kernel task**: the Gram matrix K(X1, X2) = |<phi(x1)|phi(x2)>|^2 of a feature map.
  In exact mode from one state per sample and their overlaps; in shot mode from
  compute-uncompute circuits sampled with a seed.
* the **QNN task**: batched expectation values f(X, w) of an observable, and the
  vector-Jacobian product  sum_s c_s df_s/dw  for a cotangent c.

Plugins subclass :class:`Backend` and override the underscore methods.  A plugin
that only overrides ``_states`` gets exact kernels, expectation values and
parameter-shift gradients from the defaults here, and seeded shot sampling.
The public methods validate input and refuse anything the backend does not declare.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from qbench.backends import gradients as G
from qbench.backends import mitigation as M
from qbench.backends import options as O
from qbench.backends.programs import assemble_gram, lift, overlap_circuit, overlap_rows
from qbench.backends.sampling import sample_counts, sample_expectations
from qbench.circuits.ir import Circuit, resolve_angles
from qbench.circuits.observables import Observable
from qbench.errors import CapabilityError, QBenchError

_NO_WEIGHTS = np.zeros(0)
MODES = ("exact", "shots", "noisy", "hardware")
GRADIENT_METHODS = ("backprop", "adjoint", "parameter-shift", "finite-diff")


#: The widest noisy-mode circuit (a density matrix has 4**n entries) unless a backend declares otherwise.
NOISY_MAX_QUBITS = 10


@dataclass(frozen=True)
class Capabilities:
    """What a backend supports; the core refuses anything else with a clear message."""

    modes: tuple[str, ...] = ("exact",)
    gradient_methods: tuple[str, ...] = ("parameter-shift",)
    max_qubits: int = 20
    tasks: tuple[str, ...] = ("kernel", "qnn")
    #: Agreement with the reference backend in exact mode and in exact noisy mode (1e-8 for double precision).
    atol: float = 1e-8
    default_shots: int = 1024
    #: Lower qubit limits of some modes: ``{"noisy": 12}``.  Noisy mode (density matrices) defaults
    #: to :data:`NOISY_MAX_QUBITS` when not declared.
    max_qubits_by_mode: dict = field(default_factory=dict)
    #: Options each mode takes, e.g. ``{"exact": ("threads",), "noisy": ("threads",)}``; None: not declared.
    mode_options: dict | None = field(default=None, hash=False)
    #: Framework device models the plugin offers in noisy mode (option ``device_model``); never like-for-like.
    device_models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = set(self.modes) - set(MODES)
        if bad:
            raise ValueError(f"unknown modes {sorted(bad)}; expected a subset of {MODES}")
        bad = set(self.gradient_methods) - set(GRADIENT_METHODS)
        if bad:
            raise ValueError(f"unknown gradient methods {sorted(bad)}; expected a subset of {GRADIENT_METHODS}")
        bad = set(self.max_qubits_by_mode) - set(self.modes)
        if bad:
            raise ValueError(f"max_qubits_by_mode names modes {sorted(bad)} that are not declared")

    def qubit_limit(self, mode: str) -> int:
        """The widest circuit ``mode`` runs."""
        default = min(self.max_qubits, NOISY_MAX_QUBITS) if mode == "noisy" else self.max_qubits
        return self.max_qubits_by_mode.get(mode, default)


@dataclass(frozen=True)
class DevicePlan:
    """What a device would run for one circuit, worked out offline by the plugin (``Backend.device_plan``).

    ``depth`` and ``two_qubit`` are the circuit's after the framework's transpilation to the device (routing
    and basis gates included); ``seconds_per_shot`` is the device's documented time per shot (repetition
    delay plus the scheduled circuit), or None where the device does not document it.
    """

    device: str
    depth: int
    two_qubit: int
    seconds_per_shot: float | None = None


@dataclass
class Usage:
    """Counters a backend keeps so the runner can report cost."""

    circuit_executions: int = 0
    shots: int = 0
    circuit_time: float = 0.0
    extra: dict = field(default_factory=dict)


class Backend:
    """Base class of every backend.  Construct through :func:`qbench.plugin.manager.open_backend`
    (re-exported as ``qbench.plugins.open_backend``)."""

    #: Registered name, set by the registry (``numpy``, ``qiskit``, ``pennylane.lightning`` ...).
    name: str = "backend"
    framework: str = "none"
    capabilities: Capabilities = Capabilities()

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        caps = self.capabilities
        if mode not in caps.modes:
            raise CapabilityError(f"backend {self.name!r} does not support mode {mode!r} (it supports: {', '.join(caps.modes)})")
        self.mitigation = M.check_mitigation(self.name, mode, options.pop("mitigation", None))
        self.noise, self.device_model = O.resolve_noise(self.name, mode, options.pop("noise", None),
                                                        options.pop("device_model", None), caps.device_models)
        O.check_mode_options(self.name, mode, options, caps.mode_options)
        try:
            self.shots = O.default_shots(mode, shots, caps.default_shots)
        except QBenchError as exc:
            raise QBenchError(f"backend {self.name!r}: {exc}") from None
        self.mode = mode
        self.seed = seed
        self.gradient = O.choose_gradient(self.name, mode, gradient, caps.gradient_methods, self.shots is not None)
        self.options = options
        self.usage = Usage()
        self._rng = np.random.default_rng(seed)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} mode={self.mode} shots={self.shots} seed={self.seed}>"

    @classmethod
    def device_plan(cls, circuit: Circuit, mode: str, options: dict) -> DevicePlan | None:
        """The device's transpiled depth, two-qubit gates and time per shot for ``circuit`` (measured in
        the computational basis), computed **offline** without opening the backend; ``options`` are the
        job's backend options (``device``, ``device_model`` ...).  ``qbench plan`` calls it for hardware jobs
        and noisy jobs with a ``device_model``.  None (the default): this framework cannot tell offline, and the plan shows the
        neutral circuit's depth.
        """
        return None

    @property
    def config(self) -> dict:
        """What identifies this backend's results (used in cache keys and stored rows); no seed in exact mode."""
        seed = None if self.mode == "exact" else self.seed
        cfg = {"backend": self.name, "mode": self.mode, "shots": self.shots, "seed": seed,
               "gradient": self.gradient, "options": dict(sorted(self.options.items()))}
        if self.mode == "noisy":
            cfg["noise"] = {"device_model": self.device_model} if self.device_model else self.noise.as_dict()
        if self.mitigation:
            cfg["mitigation"] = self.mitigation
        return cfg

    # ----------------------------------------------------------------- public API
    def states(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Exact state vectors, shape (n_samples, 2**n_qubits), qubit 0 most significant."""
        self._require_mode(("exact",), "state vectors")
        angles, weights = self._validate(circuit, angles, weights)
        return self._timed(self._states, circuit, angles, weights)

    def kernel(self, circuit: Circuit, angles_a: np.ndarray, angles_b: np.ndarray | None = None) -> np.ndarray:
        """Gram matrix K[i, j] = |<phi(a_i)|phi(b_j)>|^2; symmetric with ``angles_b=None``."""
        self._require_task("kernel")
        angles_a, _ = self._validate(circuit, angles_a, None)
        if angles_b is not None:
            angles_b, _ = self._validate(circuit, angles_b, None)
        return self._timed(self._mitigated_kernel if self.mitigation else self._kernel, circuit, angles_a, angles_b)

    def expval(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable) -> np.ndarray:
        """Expectation value of ``observable`` for every sample, shape (n_samples,)."""
        self._require_task("qnn")
        angles, weights = self._validate(circuit, angles, weights)
        observable.check(circuit.n_qubits)
        return self._timed(self._mitigated_expval if self.mitigation else self._expval, circuit, angles, weights,
                           observable)

    def vjp(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable,
            cotangent: np.ndarray) -> np.ndarray:
        """Gradient sum_s cotangent[s] * d expval_s / d weights, shape (n_weights,)."""
        self._require_task("qnn")
        if not self.capabilities.gradient_methods:
            raise CapabilityError(f"backend {self.name!r} declares no gradient method")
        angles, weights = self._validate(circuit, angles, weights)
        observable.check(circuit.n_qubits)
        cotangent = np.asarray(cotangent, dtype=float).reshape(-1)
        if cotangent.shape[0] != angles.shape[0]:
            raise QBenchError(f"cotangent has {cotangent.shape[0]} entries for {angles.shape[0]} samples")
        return self._timed(self._mitigated_vjp if self.mitigation else self._vjp, circuit, angles, weights,
                           observable, cotangent)

    # ------------------------------------------------------ overridable defaults
    # Execution: a plugin provides _states (exact mode) and, for noisy mode, _probabilities;
    # a native sampler overrides _counts.  The tasks below are the core's, written once.
    def _states(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        raise CapabilityError(f"backend {self.name!r} does not provide state vectors")

    def _probabilities(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Exact outcome probabilities in this backend's mode (noisy: the noise channel and readout flips)."""
        if self.mode == "noisy":
            raise CapabilityError(f"backend {self.name!r} does not provide noisy probabilities")
        return np.abs(self._states(circuit, angles, weights)) ** 2

    def _counts(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Outcome counts with ``self.shots`` shots per row, shape (rows, 2**n): the core's seeded sampler."""
        probs = self._probabilities(circuit, angles, weights)  # counted as executions there
        self.usage.shots += len(probs) * int(self.shots)
        return sample_counts(self._rng, probs, self.shots)

    def _outcomes(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Outcome frequencies: exact probabilities without shots, counts / shots with them."""
        if self.shots is None:
            return self._probabilities(circuit, angles, weights)
        return self._counts(circuit, angles, weights) / self.shots

    def _kernel(self, circuit: Circuit, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        if self.mode == "exact":
            return self.kernel_from_states(circuit, a, b)
        shape = (len(a), len(a) if b is None else len(b))
        if self._samples_from_states():
            # Noise-free and sampled by the core: the all-zero probability of each compute-uncompute
            # circuit is the state overlap, so m states replace m^2 doubled circuits; the all-zero
            # count is drawn by the same multinomial sampler over (all zeros, anything else).
            before = self.usage.circuit_executions
            exact = self.kernel_from_states(circuit, a, b)
            where = np.triu_indices(shape[0]) if b is None else tuple(x.ravel() for x in np.indices(shape))
            p0 = np.clip(exact[where], 0.0, 1.0)
            zero = sample_counts(self._rng, np.stack([p0, 1.0 - p0], axis=1), self.shots)[:, 0] / self.shots
            self.usage.circuit_executions = before + len(p0)
            self.usage.shots += len(p0) * self.shots
            return assemble_gram(zero, where, shape, symmetric=b is None)
        rows, where = overlap_rows(circuit, a, b)
        zero = self._outcomes(overlap_circuit(circuit), rows, _NO_WEIGHTS)[:, 0]
        return assemble_gram(zero, where, shape, symmetric=b is None)

    def _samples_from_states(self) -> bool:
        """Shots mode with the core's sampler on probabilities from ``_states`` (nothing overridden)."""
        cls = type(self)
        return (self.mode == "shots" and cls._counts is Backend._counts and cls._probabilities is Backend._probabilities
                and cls._states is not Backend._states)

    def _expval(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable) -> np.ndarray:
        diagonal = observable.diagonal(circuit.n_qubits)
        if self.mode == "exact":
            probs = np.abs(self._states(circuit, angles, weights)) ** 2
        elif self.shots is not None and type(self)._counts is Backend._counts:
            # The core's sampler: counts over the observable's eigenvalues (same distribution, far fewer categories).
            probs = self._probabilities(circuit, angles, weights)  # counted as executions there
            self.usage.shots += len(probs) * int(self.shots)
            return sample_expectations(self._rng, probs, diagonal, self.shots)
        else:
            probs = self._outcomes(circuit, angles, weights)
        return probs @ diagonal

    def _vjp(self, circuit, angles, weights, observable, cotangent) -> np.ndarray:
        """The core's gradients; a plugin with a native method (adjoint, backprop) overrides and calls super."""
        def evaluate(rows):
            return self._expval(lift(circuit), rows, _NO_WEIGHTS, observable)

        if self.gradient == "finite-diff":
            return G.finite_diff_vjp(evaluate, circuit, angles, weights, cotangent)
        if self.gradient in (None, "parameter-shift"):
            return G.parameter_shift_vjp(evaluate, circuit, angles, weights, cotangent)
        raise CapabilityError(f"backend {self.name!r} declares gradient {self.gradient!r} but does not implement it")

    # ------------------------------------------------------------------ helpers
    def kernel_from_states(self, circuit: Circuit, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        """Exact Gram matrix from one state per sample (``_states``) and their overlaps: m states, not m^2 circuits."""
        sa = self._states(circuit, a, _NO_WEIGHTS)
        sb = sa if b is None else self._states(circuit, b, _NO_WEIGHTS)
        overlap = sa.conj() @ sb.T
        return overlap.real**2 + overlap.imag**2

    def count(self, executions: int, shots: int | None = None) -> None:
        """Record circuit executions (and shots) for the usage report."""
        self.usage.circuit_executions += int(executions)
        if shots:
            self.usage.shots += int(executions) * int(shots)

    def _timed(self, fn, *args):
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.usage.circuit_time += time.perf_counter() - t0

    def _require_mode(self, modes, what: str) -> None:
        if self.mode not in modes:
            raise CapabilityError(f"backend {self.name!r}: {what} are only available in mode {'/'.join(modes)}, not {self.mode!r}")

    def _require_task(self, task: str) -> None:
        if task not in self.capabilities.tasks:
            raise CapabilityError(f"backend {self.name!r} does not implement the {task} task")

    def _validate(self, circuit: Circuit, angles, weights):
        limit = self.capabilities.qubit_limit(self.mode)
        if circuit.n_qubits > limit:
            raise CapabilityError(
                f"backend {self.name!r} supports at most {limit} qubits in {self.mode} mode; "
                f"the circuit has {circuit.n_qubits}")
        angles = np.asarray(angles, dtype=float)
        if angles.ndim != 2 or angles.shape[1] != circuit.n_data:
            raise QBenchError(f"expected data angles of shape (n_samples, {circuit.n_data}), got {angles.shape}")
        if not math.isfinite(angles.sum()) and not np.all(np.isfinite(angles)):  # (a NaN or inf makes the sum one)
            raise QBenchError("data angles contain NaN or infinite values")
        if circuit.n_weights:
            if weights is None:
                raise QBenchError(f"circuit {circuit.name!r} needs {circuit.n_weights} weights")
            weights = np.asarray(weights, dtype=float).reshape(-1)
            if weights.shape[0] != circuit.n_weights:
                raise QBenchError(f"expected {circuit.n_weights} weights, got {weights.shape[0]}")
        else:
            weights = np.zeros(0)
        return angles, weights

    # ------------------------------------------- one forward pass per training step
    def value_and_vjp(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable,
                      cotangent) -> tuple[np.ndarray, np.ndarray]:
        """Expectation values and sum_s c_s d expval_s / d weights in one call.

        ``cotangent`` is an array (one entry per sample) or a function of the values that
        returns it, e.g. a loss gradient: backends that can (the numpy adjoint) then run one
        forward pass for both; the default here calls ``_expval`` and then ``_vjp``.
        """
        self._require_task("qnn")
        if not self.capabilities.gradient_methods:
            raise CapabilityError(f"backend {self.name!r} declares no gradient method")
        angles, weights = self._validate(circuit, angles, weights)
        observable.check(circuit.n_qubits)
        n = angles.shape[0]

        def checked(values):
            c = np.asarray(cotangent(values) if callable(cotangent) else cotangent, dtype=float).reshape(-1)
            if c.shape[0] != n:
                raise QBenchError(f"cotangent has {c.shape[0]} entries for {n} samples")
            return c

        if self.mitigation:
            def mitigated(*args):
                values = self._mitigated_expval(circuit, angles, weights, observable)
                return values, self._mitigated_vjp(circuit, angles, weights, observable, checked(values))
            return self._timed(mitigated)
        return self._timed(self._value_and_vjp, circuit, angles, weights, observable, checked)

    def _value_and_vjp(self, circuit, angles, weights, observable, cotangent) -> tuple[np.ndarray, np.ndarray]:
        values = self._expval(circuit, angles, weights, observable)
        return values, self._vjp(circuit, angles, weights, observable, cotangent(values))

    # ------------------- gradients through the data angles (trainable parameters in front of the data)
    def value_and_grads(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observables,
                        cotangent, data_angles: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Values of several observables and the VJP with respect to the weights *and* the data angles.

        Returns ``(values, grad_weights, grad_angles)``: ``values`` of shape (n_samples, n_obs),
        ``grad_weights = sum_{s,o} c_so d f_so / d w`` and, per sample,
        ``grad_angles[s, j] = sum_o c_so d f_so / d angles[s, j]``, so the chain rule to
        parameters that compute the angles (input weights, a classical input layer) runs in the
        core on every backend and mode.  ``cotangent`` is a function of the values (a loss's
        gradient), returning an array of their shape.  With ``data_angles=False`` the data-angle
        part is skipped (``None``): the cheap call for models whose angles have no trainable inputs.
        """
        self._require_task("qnn")
        if not self.capabilities.gradient_methods:
            raise CapabilityError(f"backend {self.name!r} declares no gradient method")
        angles, weights = self._validate(circuit, angles, weights)
        observables = tuple(observables)
        if not observables:
            raise QBenchError("value_and_grads needs at least one observable")
        for obs in observables:
            obs.check(circuit.n_qubits)
        shape = (angles.shape[0], len(observables))

        def checked(values):
            c = np.asarray(cotangent(values), dtype=float)
            if c.shape != shape:
                raise QBenchError(f"cotangent has shape {c.shape}, expected {shape}")
            return c

        if self.mitigation:  # through the core's mitigated outcomes, like expval and vjp
            return self._timed(self._grads_by_parts, self._mitigated_expval, self._mitigated_vjp, circuit, angles,
                               weights, observables, checked, bool(data_angles))
        return self._timed(self._value_and_grads, circuit, angles, weights, observables, checked, bool(data_angles))

    def _value_and_grads(self, circuit, angles, weights, observables, cotangent, data_angles=True):
        """Default: values from ``_expval``, weight VJP from ``_vjp``, data-angle VJP by parameter shift over ``_expval``."""
        return self._grads_by_parts(self._expval, self._vjp, circuit, angles, weights, observables, cotangent,
                                    data_angles)

    def _grads_by_parts(self, expval, vjp, circuit, angles, weights, observables, cotangent, data_angles=True):
        values = np.stack([expval(circuit, angles, weights, obs) for obs in observables], axis=1)
        cot = cotangent(values)
        grad = np.zeros(circuit.n_weights)
        grad_angles = np.zeros(angles.shape) if data_angles else None
        for k, obs in enumerate(observables):
            if circuit.n_weights:
                grad = grad + vjp(circuit, angles, weights, obs, cot[:, k])
            if circuit.n_data and data_angles:
                grad_angles += self._vjp_angles(circuit, angles, weights, obs, cot[:, k], expval)
        return values, grad, grad_angles

    def _vjp_angles(self, circuit, angles, weights, observable, cotangent, expval=None) -> np.ndarray:
        """cotangent[s] * d f_s / d angles[s, j]: parameter shift, all shifted rows in one ``expval`` call."""
        expval = expval or self._expval

        def evaluate(rows):
            return expval(lift(circuit), rows, _NO_WEIGHTS, observable)

        return G.parameter_shift_angle_vjp(evaluate, circuit, angles, weights, cotangent)


    # ------------------------------------------------ readout-error mitigation (the core's)
    # With ``mitigation = "readout"`` every task goes through measured outcomes (``_outcomes``: the
    # backend's own sampler, or its exact channel without shots), corrected here; a plugin's native
    # expectation values and gradients are bypassed, so every framework is mitigated the same way.
    def readout_calibration(self, n_qubits: int) -> np.ndarray:
        """Per-qubit confusion matrices A_q[measured, prepared] (n, 2, 2), measured once per width."""
        cache = self.__dict__.setdefault("_calibrations", {})
        if n_qubits not in cache:
            zeros, ones = M.calibration_circuits(n_qubits)
            none = np.zeros((1, 0))
            cache[n_qubits] = M.confusion_matrices(self._outcomes(zeros, none, _NO_WEIGHTS),
                                                   self._outcomes(ones, none, _NO_WEIGHTS))
        return cache[n_qubits]

    def _mitigated_outcomes(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return M.correct(self._outcomes(circuit, angles, weights), self.readout_calibration(circuit.n_qubits))

    def _mitigated_expval(self, circuit, angles, weights, observable) -> np.ndarray:
        return self._mitigated_outcomes(circuit, angles, weights) @ observable.diagonal(circuit.n_qubits)

    def _mitigated_kernel(self, circuit, a, b) -> np.ndarray:
        rows, where = overlap_rows(circuit, a, b)
        zero = self._mitigated_outcomes(overlap_circuit(circuit), rows, _NO_WEIGHTS)[:, 0]
        shape = (len(a), len(a) if b is None else len(b))
        return assemble_gram(zero, where, shape, symmetric=b is None)

    def _mitigated_vjp(self, circuit, angles, weights, observable, cotangent) -> np.ndarray:
        def evaluate(rows):
            return self._mitigated_expval(lift(circuit), rows, _NO_WEIGHTS, observable)

        if self.gradient == "finite-diff":
            return G.finite_diff_vjp(evaluate, circuit, angles, weights, cotangent)
        return G.parameter_shift_vjp(evaluate, circuit, angles, weights, cotangent)


__all__ = ["Backend", "Capabilities", "DevicePlan", "MODES", "GRADIENT_METHODS", "Usage", "resolve_angles"]
