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

import time
from dataclasses import dataclass, field

import numpy as np

from qbench.circuits.ir import Circuit, resolve_angles
from qbench.circuits.observables import Observable
from qbench.errors import CapabilityError, QBenchError

_NO_WEIGHTS = np.zeros(0)
MODES = ("exact", "shots", "noisy", "hardware")
GRADIENT_METHODS = ("backprop", "adjoint", "parameter-shift", "finite-diff")


@dataclass(frozen=True)
class Capabilities:
    """What a backend supports; the core refuses anything else with a clear message."""

    modes: tuple[str, ...] = ("exact",)
    gradient_methods: tuple[str, ...] = ("parameter-shift",)
    max_qubits: int = 20
    tasks: tuple[str, ...] = ("kernel", "qnn")
    #: Agreement with the reference backend in exact mode (1e-8 for double precision).
    atol: float = 1e-8
    default_shots: int = 1024

    def __post_init__(self) -> None:
        bad = set(self.modes) - set(MODES)
        if bad:
            raise ValueError(f"unknown modes {sorted(bad)}; expected a subset of {MODES}")
        bad = set(self.gradient_methods) - set(GRADIENT_METHODS)
        if bad:
            raise ValueError(f"unknown gradient methods {sorted(bad)}; expected a subset of {GRADIENT_METHODS}")


@dataclass
class Usage:
    """Counters a backend keeps so the runner can report cost."""

    circuit_executions: int = 0
    shots: int = 0
    circuit_time: float = 0.0
    extra: dict = field(default_factory=dict)


class Backend:
    """Base class of every backend.  Construct through :func:`qbench.backends.open_backend`."""

    #: Registered name, set by the registry (``numpy``, ``qiskit``, ``pennylane.lightning`` ...).
    name: str = "backend"
    framework: str = "none"
    capabilities: Capabilities = Capabilities()

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        caps = self.capabilities
        if mode not in caps.modes:
            raise CapabilityError(f"backend {self.name!r} does not support mode {mode!r} (it supports: {', '.join(caps.modes)})")
        if gradient is not None and gradient not in caps.gradient_methods:
            raise CapabilityError(
                f"backend {self.name!r} does not support gradient method {gradient!r} "
                f"(it supports: {', '.join(caps.gradient_methods) or 'none'})")
        if mode == "exact" and shots:
            raise QBenchError(f"backend {self.name!r}: shots={shots} given in exact mode; use mode='shots'")
        if mode in ("shots", "hardware") and shots is None:
            shots = caps.default_shots
        if shots is not None and int(shots) < 1:
            raise QBenchError(f"shots must be a positive integer, got {shots}")
        self.mode = mode
        self.shots = None if shots is None else int(shots)
        self.seed = seed
        sampled = mode in ("shots", "hardware")
        if sampled and gradient in ("backprop", "adjoint"):
            raise CapabilityError(f"gradient method {gradient!r} needs exact states; in {mode} mode use parameter-shift")
        if gradient is None:
            usable = [g for g in caps.gradient_methods if not (sampled and g in ("backprop", "adjoint"))]
            gradient = usable[0] if usable else None
        self.gradient = gradient
        self.options = options
        self.usage = Usage()
        self._rng = np.random.default_rng(seed)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} mode={self.mode} shots={self.shots} seed={self.seed}>"

    @property
    def config(self) -> dict:
        """What identifies this backend's results (used in cache keys and stored rows); no seed in exact mode."""
        seed = None if self.mode == "exact" else self.seed
        return {"backend": self.name, "mode": self.mode, "shots": self.shots, "seed": seed,
                "gradient": self.gradient, "options": dict(sorted(self.options.items()))}

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
        return self._timed(self._kernel, circuit, angles_a, angles_b)

    def expval(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable) -> np.ndarray:
        """Expectation value of ``observable`` for every sample, shape (n_samples,)."""
        self._require_task("qnn")
        angles, weights = self._validate(circuit, angles, weights)
        observable.check(circuit.n_qubits)
        return self._timed(self._expval, circuit, angles, weights, observable)

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
        return self._timed(self._vjp, circuit, angles, weights, observable, cotangent)

    # ------------------------------------------------------ overridable defaults
    def _states(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> np.ndarray:
        raise CapabilityError(f"backend {self.name!r} does not provide state vectors")

    def _kernel(self, circuit: Circuit, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        if self.mode == "exact":
            return self.kernel_from_states(circuit, a, b)
        if self.mode == "shots":
            exact = type(self)(mode="exact", **self.options)._kernel(circuit, a, b)
            return self.sample_kernel(exact, symmetric=b is None)
        raise CapabilityError(f"backend {self.name!r} has no kernel for mode {self.mode!r}")

    def _expval(self, circuit: Circuit, angles: np.ndarray, weights: np.ndarray, observable: Observable) -> np.ndarray:
        if self.mode == "exact":
            probs = np.abs(self._states(circuit, angles, weights)) ** 2
            return probs @ observable.diagonal(circuit.n_qubits)
        if self.mode == "shots":
            exact = type(self)(mode="exact", **self.options)
            probs = np.abs(exact._states(circuit, angles, weights)) ** 2
            return self.sample_expval(probs, observable, circuit.n_qubits)
        raise CapabilityError(f"backend {self.name!r} has no expectation values for mode {self.mode!r}")

    def _vjp(self, circuit, angles, weights, observable, cotangent) -> np.ndarray:
        return parameter_shift_vjp(self._expval, circuit, angles, weights, observable, cotangent)

    # ------------------------------------------------------------------ helpers
    def kernel_from_states(self, circuit: Circuit, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        """Exact Gram matrix from one state per sample (``_states``) and their overlaps: m states, not m^2 circuits."""
        sa = self._states(circuit, a, _NO_WEIGHTS)
        sb = sa if b is None else self._states(circuit, b, _NO_WEIGHTS)
        overlap = sa.conj() @ sb.T
        return overlap.real**2 + overlap.imag**2

    def sample_kernel(self, exact: np.ndarray, symmetric: bool) -> np.ndarray:
        """Shot estimate of a Gram matrix: the all-zero count of a compute-uncompute circuit is Binomial(shots, K)."""
        p = np.clip(exact, 0.0, 1.0)
        est = self._rng.binomial(self.shots, p) / self.shots
        if symmetric:
            est = np.triu(est, 1)
            est = est + est.T + np.eye(len(est))
            n = len(est)
            self.count(n * (n - 1) // 2, self.shots)
        else:
            self.count(est.size, self.shots)
        return est

    def sample_expval(self, probs: np.ndarray, observable: Observable, n_qubits: int) -> np.ndarray:
        """Shot estimate of expectation values from outcome probabilities (one multinomial draw per sample)."""
        diag = observable.diagonal(n_qubits)
        probs = np.clip(probs, 0.0, None)
        probs = probs / probs.sum(axis=1, keepdims=True)
        counts = np.stack([self._rng.multinomial(self.shots, p) for p in probs])
        self.count(len(probs), self.shots)
        return counts @ diag / self.shots

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
        if circuit.n_qubits > self.capabilities.max_qubits:
            raise CapabilityError(
                f"backend {self.name!r} supports at most {self.capabilities.max_qubits} qubits; the circuit has {circuit.n_qubits}")
        angles = np.asarray(angles, dtype=float)
        if angles.ndim != 2 or angles.shape[1] != circuit.n_data:
            raise QBenchError(f"expected data angles of shape (n_samples, {circuit.n_data}), got {angles.shape}")
        if not np.all(np.isfinite(angles)):
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

        return self._timed(self._value_and_vjp, circuit, angles, weights, observable, checked)

    def _value_and_vjp(self, circuit, angles, weights, observable, cotangent) -> tuple[np.ndarray, np.ndarray]:
        values = self._expval(circuit, angles, weights, observable)
        return values, self._vjp(circuit, angles, weights, observable, cotangent(values))


def parameter_shift_vjp(expval, circuit: Circuit, angles, weights, observable, cotangent) -> np.ndarray:
    """VJP by the two-term parameter-shift rule, one shifted circuit pair per weight-dependent gate.

    Every rotation in the gate set has generator eigenvalues differing by 1, so
    d/dtheta f = [f(theta + pi/2) - f(theta - pi/2)] / 2 holds gate by gate.
    ``expval(circuit, angles, weights, observable)`` evaluates one variant circuit.
    """
    from qbench.circuits.ir import Angle, Gate

    grad = np.zeros(circuit.n_weights)
    for pos, g in enumerate(circuit.gates):
        if g.angle is None or g.angle.source != "weight":
            continue
        values = []
        for shift in (np.pi / 2, -np.pi / 2):
            a = g.angle
            shifted = Gate(g.name, g.wires, Angle(a.source, a.index, a.scale, a.offset + shift))
            gates = circuit.gates[:pos] + (shifted,) + circuit.gates[pos + 1:]
            variant = Circuit(circuit.n_qubits, gates, circuit.n_data, circuit.n_weights, circuit.name)
            values.append(expval(variant, angles, weights, observable))
        grad[g.angle.index] += g.angle.scale * float(cotangent @ (values[0] - values[1])) / 2.0
    return grad


__all__ = ["Backend", "Capabilities", "MODES", "GRADIENT_METHODS", "Usage", "parameter_shift_vjp", "resolve_angles"]
