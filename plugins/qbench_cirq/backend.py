"""The ``cirq`` and ``cirq.qsim`` backends.

Every core circuit is translated once into a parameterized Cirq circuit (see
:mod:`qbench_cirq.translate`) and a batch of samples is one parameter sweep:

* **exact**: ``simulate_sweep`` for states (kernels are their overlaps),
  ``simulate_expectation_values_sweep`` with a ``cirq.PauliSum`` for QNN outputs.  Gradients:
  ``adjoint`` (default; :mod:`qbench_cirq.adjoint`: one state sweep, then a backward pass
  with ``cirq.apply_unitary`` batched over samples) or ``parameter-shift`` (every shifted
  circuit of every sample in one expectation-value sweep of the same cached circuit: a
  shift is just another value of that gate's symbol).
* **shots** / **noisy** / **hardware**: ``run_sweep`` with ``repetitions=shots`` on a seeded
  ``cirq.Simulator`` / ``QSimSimulator``, a seeded ``cirq.DensityMatrixSimulator`` with a noise
  model, or a Google Engine processor sampler.  Kernels come from compute-uncompute circuits
  U(x_j)^dagger U(x_i) (fraction of all-zero outcomes; upper triangle only, unit diagonal),
  QNN outputs from the measured bitstrings, gradients by parameter shift over those estimates.
"""

from __future__ import annotations

import os

import cirq
import numpy as np

from qbench.backends.base import Backend
from qbench.errors import CapabilityError, QBenchError
from qbench_cirq import capabilities as C
from qbench_cirq import noise as N
from qbench_cirq.adjoint import adjoint_vjp
from qbench_cirq import translate as T

#: Environment variables the hardware mode reads (credentials: Google Application Default Credentials).
PROJECT_ENV = "GOOGLE_CLOUD_PROJECT"
PROCESSOR_ENV = "QBENCH_CIRQ_PROCESSOR"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
#: Density-matrix simulation (noisy mode) is refused above this many qubits.
NOISY_MAX_QUBITS = 10


class CirqBackend(Backend):
    """cirq.Simulator (complex128) sweeps; DensityMatrixSimulator noise; Google Engine hardware."""

    name = "cirq"
    framework = "cirq"
    capabilities = C.CIRQ
    #: Renormalize final states in double precision (for single-precision simulators).
    _renormalize = False
    #: Options each mode accepts.  Hardware: ``sampler`` (a ``cirq.Sampler`` used instead of the
    #: Engine, e.g. a local simulator or processor) and ``device`` (its ``cirq.Device``, to compile
    #: onto); they are objects, kept out of ``options`` and ``config``.
    MODE_OPTIONS = {"exact": (), "shots": (), "noisy": ("noise", "strength", "processor"),
                    "hardware": ("sampler", "device")}

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        injected = {k: options.pop(k) for k in ("sampler", "device") if k in options}
        if mode == "noisy" and shots is None:
            shots = self.capabilities.default_shots  # noisy results are sampled, as on hardware
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)
        if mode != "exact":
            if gradient == "adjoint":
                raise CapabilityError(f"backend {self.name!r}: the adjoint gradient needs exact states; "
                                      f"mode {mode!r} supports: parameter-shift")
            self.gradient = "parameter-shift"
        allowed = self.MODE_OPTIONS.get(mode, ())
        bad = sorted((set(options) | set(injected)) - set(allowed))
        if bad:
            raise QBenchError(f"backend {self.name!r} in mode {mode!r} does not take option(s) {', '.join(bad)}; "
                              f"it takes: {', '.join(allowed) or 'none'}")
        self._injected_sampler = injected.get("sampler")
        self._device = injected.get("device")
        if self._injected_sampler is not None and not isinstance(self._injected_sampler, cirq.Sampler):
            raise QBenchError(f"option 'sampler' must be a cirq.Sampler, got {type(self._injected_sampler).__name__}")
        if self._device is not None and not isinstance(self._device, cirq.Device):
            raise QBenchError(f"option 'device' must be a cirq.Device, got {type(self._device).__name__}")
        if self._device is not None and self._injected_sampler is None:
            raise QBenchError("option 'device' needs option 'sampler' (the device describes that sampler's processor)")
        self._noise_model = None
        if mode == "noisy":
            self._noise_model, self._device = self._noise_setup()
        elif mode == "hardware" and self._injected_sampler is None:
            self._processor_id, self._project_id = _hardware_environment()
        self._sim = None
        self._compiled: dict = {}

    @property
    def config(self) -> dict:
        cfg = super().config
        if self._injected_sampler is not None:
            cfg["sampler"] = type(self._injected_sampler).__name__
        return cfg

    # ------------------------------------------------------------ simulators
    # split_untangled_states=False: one joint state from the start; tracking product states
    # only costs time on these small, quickly entangled circuits (about 1.6x on the QNN).
    def _exact_simulator(self):
        return cirq.Simulator(dtype=np.complex128, split_untangled_states=False)

    def _shot_simulator(self):
        return cirq.Simulator(dtype=np.complex128, seed=self.seed, split_untangled_states=False)

    def _simulator(self):
        if self._sim is None:
            if self.mode == "exact":
                self._sim = self._exact_simulator()
            elif self.mode == "shots":
                self._sim = self._shot_simulator()
            elif self.mode == "noisy":
                self._sim = cirq.DensityMatrixSimulator(dtype=np.complex128, noise=self._noise_model, seed=self.seed,
                                                        split_untangled_states=False)
            elif self._injected_sampler is not None:
                self._sim = self._injected_sampler
            else:
                self._sim, self._device = _engine_sampler(self._project_id, self._processor_id)
        return self._sim

    def _noise_setup(self):
        kind = self.options.get("noise", "depolarizing")
        if kind not in N.NOISE_MODELS:
            raise QBenchError(f"unknown noise model {kind!r}; choose one of {', '.join(N.NOISE_MODELS)}")
        if kind == "depolarizing":
            if "processor" in self.options:
                raise QBenchError("option 'processor' applies only with noise='google'")
            try:
                p = float(self.options.get("strength", 0.01))
            except (TypeError, ValueError):
                raise QBenchError(f"noise strength must be a number in [0, 1], got {self.options['strength']!r}") from None
            if not 0.0 <= p <= 1.0:
                raise QBenchError(f"noise strength must be in [0, 1], got {p}")
            return N.GateDepolarizingNoise(p), None
        if "strength" in self.options:
            raise QBenchError("option 'strength' applies only with noise='depolarizing'; "
                              "noise='google' takes its strengths from the processor's calibration")
        return N.google_noise(str(self.options.get("processor", N.DEFAULT_GOOGLE_PROCESSOR)))

    # ------------------------------------------------------------ validation
    def _validate(self, circuit, angles, weights):
        if self.mode == "noisy" and circuit.n_qubits > NOISY_MAX_QUBITS:
            raise CapabilityError(f"backend {self.name!r}: noisy (density-matrix) mode supports at most "
                                  f"{NOISY_MAX_QUBITS} qubits; the circuit has {circuit.n_qubits}")
        return super()._validate(circuit, angles, weights)

    # ------------------------------------------------------------ exact mode
    def _states(self, circuit, angles, weights):
        p = T.state_program(circuit)
        values = T.exponents(circuit, angles, weights)
        out = np.empty((len(values), 2**circuit.n_qubits), dtype=complex)
        if len(values):
            results = self._simulator().simulate_sweep_iter(p.circuit, T.sweep(p.symbols, values), qubit_order=p.qubits)
            for i, r in enumerate(results):
                out[i] = r.final_state_vector
            if self._renormalize:
                out /= np.linalg.norm(out, axis=1, keepdims=True)
        self.count(len(values))
        return out

    def _exact_expvals(self, circuit, values, observable):
        p = T.state_program(circuit)
        out = np.zeros(len(values))
        if len(values) and observable.terms:
            psum = T.pauli_sum(observable, p.qubits)
            results = self._simulator().simulate_expectation_values_sweep_iter(
                p.circuit, [psum], T.sweep(p.symbols, values), qubit_order=p.qubits)
            for i, r in enumerate(results):
                out[i] = r[0].real
        self.count(len(values))
        return out

    # ----------------------------------------------------------- sampled modes
    def _executable(self, circuit, kind: str):
        """The measured circuit to run, compiled onto the device where there is one (cached)."""
        p = T.overlap_program(circuit) if kind == "overlap" else T.measured_program(circuit)
        self._simulator()  # the hardware sampler fixes the device
        if self._device is None:
            return p, p.circuit
        key = (kind, circuit)
        if key not in self._compiled:
            self._compiled[key] = N.compile_for_device(p.circuit, self._device)
        return p, self._compiled[key]

    def _sampled(self, circuit, kind: str, values: np.ndarray, reduce) -> np.ndarray:
        """Run the measured ``kind`` circuit once per row of ``values``; ``reduce(bits)`` per row."""
        if not len(values):
            return np.zeros(0)
        p, program = self._executable(circuit, kind)
        sampler = self._simulator()
        params = T.sweep(p.symbols, values)
        run_iter = getattr(sampler, "run_sweep_iter", None)
        results = run_iter(program, params, self.shots) if run_iter else sampler.run_sweep(program, params, self.shots)
        out = np.array([reduce(np.asarray(r.measurements[T.MEASURE_KEY], dtype=np.int8)) for r in results], dtype=float)
        if len(out) != len(values):
            raise QBenchError(f"the sampler returned {len(out)} results for {len(values)} parameter sets")
        self.count(len(values), self.shots)
        return out

    def _sampled_expvals(self, circuit, values, observable):
        return self._sampled(circuit, "measured", values, lambda bits: observable.on_bits(bits).mean())

    # ------------------------------------------------------------ the tasks
    def _kernel(self, circuit, a, b):
        if self.mode == "exact":
            return self.kernel_from_states(circuit, a, b)
        ea = T.exponents(circuit, a, None)
        eb = ea if b is None else T.exponents(circuit, b, None)
        if b is None:
            i, j = np.triu_indices(len(a), 1)
        else:
            i, j = (x.ravel() for x in np.indices((len(a), len(b))))
        values = np.hstack([ea[i], -eb[j]])
        frac = self._sampled(circuit, "overlap", values, lambda bits: np.count_nonzero(~bits.any(axis=1)) / len(bits))
        if b is not None:
            return frac.reshape(len(a), len(b))
        k = np.eye(len(a))
        k[i, j] = frac
        k[j, i] = frac
        return k

    def _expval(self, circuit, angles, weights, observable):
        values = T.exponents(circuit, angles, weights)
        if self.mode == "exact":
            return self._exact_expvals(circuit, values, observable)
        return self._sampled_expvals(circuit, values, observable)

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            states = self._states(circuit, angles, weights)
            return adjoint_vjp(circuit, states, T.exponents(circuit, angles, weights),
                               observable.diagonal(circuit.n_qubits), cotangent)
        values, shifts = T.shifted_exponents(circuit, T.exponents(circuit, angles, weights))
        if not shifts:
            return np.zeros(circuit.n_weights)
        if self.mode == "exact":
            f = self._exact_expvals(circuit, values, observable)
        else:
            f = self._sampled_expvals(circuit, values, observable)
        return T.combine_shifts(f, shifts, len(angles), circuit.n_weights, cotangent)


class QsimBackend(CirqBackend):
    """qsimcirq.QSimSimulator sweeps in single precision; seeded sampling."""

    name = "cirq.qsim"
    capabilities = C.QSIM
    MODE_OPTIONS = {"exact": ("threads",), "shots": ("threads",)}
    # qsim's complex64 states have norms 1 +- ~1e-7, which would put kernel diagonals and
    # entries outside [0, 1]; the state is renormalized in double precision.
    _renormalize = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._qsim_options()  # bad options fail when the backend opens

    def _qsim_options(self):
        import qsimcirq

        threads = self.options.get("threads", 1)
        if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
            raise QBenchError(f"option 'threads' must be a positive integer, got {threads!r}")
        return qsimcirq.QSimOptions(cpu_threads=threads)

    def _exact_simulator(self):
        import qsimcirq

        return qsimcirq.QSimSimulator(self._qsim_options())

    def _shot_simulator(self):
        import qsimcirq

        return qsimcirq.QSimSimulator(self._qsim_options(), seed=self.seed)


# ---------------------------------------------------------------- hardware
def _hardware_environment() -> tuple[str, str]:
    """(processor id, project id) from the environment, or a one-line error naming what is missing."""
    processor, project = os.environ.get(PROCESSOR_ENV, "").strip(), os.environ.get(PROJECT_ENV, "").strip()
    missing = [name for name, value in ((PROJECT_ENV, project), (PROCESSOR_ENV, processor)) if not value]
    if missing:
        raise QBenchError(f"hardware mode needs {' and '.join(missing)} set in the environment (the Google Cloud "
                          f"project and Quantum Engine processor id; credentials come from Application Default "
                          f"Credentials, e.g. {CREDENTIALS_ENV})")
    N.cirq_google()
    return processor, project


def _engine_sampler(project: str, processor_id: str):
    """The Engine processor's sampler and device (network calls)."""
    cg = N.cirq_google()
    try:
        processor = cg.Engine(project_id=project).get_processor(processor_id)
        return processor.get_sampler(), processor.get_device()
    except Exception as exc:  # auth, network or unknown processor: say so in one line
        first = (str(exc).splitlines() or [""])[0]
        raise QBenchError(f"cannot reach Quantum Engine processor {processor_id!r} in project {project!r} "
                          f"({type(exc).__name__}: {first}); check {PROJECT_ENV}, {PROCESSOR_ENV} and "
                          f"credentials ({CREDENTIALS_ENV} or gcloud auth application-default login)") from None


__all__ = ["CirqBackend", "QsimBackend", "PROJECT_ENV", "PROCESSOR_ENV", "NOISY_MAX_QUBITS"]
