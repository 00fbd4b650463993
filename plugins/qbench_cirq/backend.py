"""The ``cirq`` and ``cirq.qsim`` backends: translation and execution only.

Every core circuit is translated once into a parameterized Cirq circuit (see
:mod:`qbench_cirq.translate`) and a batch of rows is one parameter sweep.  What this
module executes natively:

* **exact**: ``simulate_sweep`` for states, ``simulate_expectation_values_sweep`` with a
  ``cirq.PauliSum`` for expectation values, and the ``adjoint`` gradient (:mod:`qbench_cirq.adjoint`).
* **noisy**: the core noise model translated gate by gate (``cirq.depolarize``, ``cirq.bit_flip``)
  on a ``cirq.DensityMatrixSimulator``: final density matrices without shots, ``run_sweep`` with them;
  or a Google device model (``device_model="google_rainbow"`` ...), sampled.
* **shots / hardware**: ``run_sweep`` with ``repetitions=shots`` on a seeded simulator, or a
  Google Engine processor sampler; the measured bits become counts.

From the core: compute-uncompute kernel circuits and Gram assembly, expectation values
from counts, parameter shift (one expectation sweep of the lifted circuit), the mapping of
adjoint derivatives to weights, option, noise and gradient rules.
"""

from __future__ import annotations

import os

import cirq
import numpy as np

from qbench.backends.base import Backend, DevicePlan
from qbench.backends.remote import await_result, submit_or_attach
from qbench.backends.sampling import counts_from_bits
from qbench.errors import QBenchError
from qbench_cirq import capabilities as C
from qbench_cirq import noise as N
from qbench_cirq.adjoint import adjoint_vjp
from qbench_cirq import translate as T

#: Environment variables the hardware mode reads (credentials: Google Application Default Credentials).
PROJECT_ENV = "GOOGLE_CLOUD_PROJECT"
PROCESSOR_ENV = "QBENCH_CIRQ_PROCESSOR"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
#: Density-matrix simulation (noisy mode) is refused above this many qubits.


class CirqBackend(Backend):
    """cirq.Simulator (complex128) sweeps; DensityMatrixSimulator noise; Google Engine hardware."""

    name = "cirq"
    framework = "cirq"
    capabilities = C.CIRQ
    #: Renormalize final states in double precision (for single-precision simulators).
    _renormalize = False

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)
        self._injected_sampler = self.options.pop("sampler", None)
        self._device = self.options.pop("device", None)
        if self._injected_sampler is not None and not isinstance(self._injected_sampler, cirq.Sampler):
            raise QBenchError(f"option 'sampler' must be a cirq.Sampler, got {type(self._injected_sampler).__name__}")
        if self._device is not None and not isinstance(self._device, cirq.Device):
            raise QBenchError(f"option 'device' must be a cirq.Device, got {type(self._device).__name__}")
        if self._device is not None and self._injected_sampler is None:
            raise QBenchError("option 'device' needs option 'sampler' (the device describes that sampler's processor)")
        self._device_noise = None
        if self.device_model:
            if self.shots is None:
                raise QBenchError(f"backend {self.name!r}: device model {self.device_model!r} is sampled; give shots")
            self._device_noise, self._device = N.google_noise(self.device_model.removeprefix("google_"))
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
                self._sim = cirq.DensityMatrixSimulator(dtype=np.complex128, noise=self._device_noise, seed=self.seed,
                                                        split_untangled_states=False)
            elif self._injected_sampler is not None:
                self._sim = self._injected_sampler
            else:
                self._sim, self._device = _engine_sampler(self._project_id, self._processor_id)
        return self._sim

    # ------------------------------------------------------------ execution
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

    def _probabilities(self, circuit, angles, weights):
        if self.mode != "noisy":
            return super()._probabilities(circuit, angles, weights)
        p = T.noisy_program(circuit, self.noise, measured=False)
        values = T.exponents(circuit, angles, weights)
        out = np.empty((len(values), 2**circuit.n_qubits))
        if len(values):
            results = self._simulator().simulate_sweep_iter(p.circuit, T.sweep(p.symbols, values), qubit_order=p.qubits)
            for i, r in enumerate(results):
                out[i] = np.real(np.diagonal(r.final_density_matrix))
        self.count(len(values))
        return out

    def _expval(self, circuit, angles, weights, observable):
        if self.mode != "exact":
            return super()._expval(circuit, angles, weights, observable)
        p = T.state_program(circuit)
        values = T.exponents(circuit, angles, weights)
        out = np.zeros(len(values))
        if len(values) and observable.terms:
            psum = T.pauli_sum(observable, p.qubits)
            results = self._simulator().simulate_expectation_values_sweep_iter(
                p.circuit, [psum], T.sweep(p.symbols, values), qubit_order=p.qubits)
            for i, r in enumerate(results):
                out[i] = r[0].real
        self.count(len(values))
        return out

    def _measured(self, circuit):
        """The measured circuit to run, compiled onto the device where there is one (cached)."""
        if self.mode == "noisy" and not self.device_model:
            p = T.noisy_program(circuit, self.noise, measured=True)
        else:
            p = T.measured_program(circuit)
        self._simulator()  # the hardware sampler fixes the device
        if self._device is None:
            return p, p.circuit
        if circuit not in self._compiled:
            compiled = self._compiled[circuit] = N.compile_for_device(p.circuit, self._device)
            self.usage.extra.setdefault("depth", {})[circuit.name] = len(compiled)
            self.usage.extra.setdefault("two_qubit_gates", {})[circuit.name] = N.two_qubit_gates(compiled)
        return p, self._compiled[circuit]

    @classmethod
    def device_plan(cls, circuit, mode: str, options: dict) -> DevicePlan | None:
        """Compiled offline onto the Google virtual processor the job names (noisy mode's ``device_model``, or
        hardware mode's processor id from the environment when cirq-google ships a virtual copy of it), as the
        run compiles it; depth in moments.  Google documents no time per shot offline, so none is given."""
        if mode == "noisy" and options.get("device_model"):
            processor = str(options["device_model"]).removeprefix("google_")
        elif mode == "hardware" and options.get("sampler") is None:
            processor = os.environ.get(PROCESSOR_ENV, "").strip()
        else:
            return None
        try:
            if processor not in N.google_processors():
                return None
            device = N.google_noise(processor)[1]
            compiled = N.compile_for_device(T.measured_program(circuit).circuit, device)
        except QBenchError:
            return None
        return DevicePlan(device=f"google_{processor}", depth=len(compiled), two_qubit=N.two_qubit_gates(compiled))

    def _counts(self, circuit, angles, weights):
        """Native sampling: ``run_sweep`` with ``repetitions=shots``, measured bits counted per row."""
        values = T.exponents(circuit, angles, weights)
        if not len(values):
            return np.zeros((0, 2**circuit.n_qubits), dtype=np.int64)
        p, program = self._measured(circuit)
        sampler = self._simulator()
        params = T.sweep(p.symbols, values)
        run_iter = getattr(sampler, "run_sweep_iter", None)
        if self.mode == "hardware" and hasattr(getattr(sampler, "processor", None), "run_sweep"):
            results = self._engine_results(sampler, program, params, values)
        else:
            results = list(run_iter(program, params, self.shots) if run_iter else
                           sampler.run_sweep(program, params, self.shots))
        if len(results) != len(values):
            raise QBenchError(f"the sampler returned {len(results)} results for {len(values)} parameter sets")
        bits = np.stack([np.asarray(r.measurements[T.MEASURE_KEY], dtype=np.int8) for r in results])
        self.count(len(values), self.shots)
        return counts_from_bits(bits, circuit.n_qubits)

    def _engine_results(self, sampler, program, params, values: np.ndarray) -> list:
        """One Engine job for the sweep, through the core's journal (:func:`qbench.backends.remote.submit_or_attach`):
        its program and job ids are in the store before its results are awaited, and a re-run re-attaches to it
        (``get_program(program_id).get_job(job_id)``) instead of submitting it again."""
        processor = sampler.processor
        where = str(getattr(processor, "processor_id", None) or "the Engine processor")

        def submit():
            return processor.run_sweep(program=program, params=params, repetitions=self.shots,
                                       run_name=sampler.run_name, snapshot_id=sampler.snapshot_id,
                                       device_config_name=sampler.device_config_name)

        def attach(remote_id: str):
            program_id, _, job_id = remote_id.partition(" ")
            engine = processor.engine() if callable(getattr(processor, "engine", None)) else None
            return (engine if engine is not None else processor).get_program(program_id).get_job(job_id)

        parts = (repr(program), values.shape, np.ascontiguousarray(values).tobytes(), self.shots)
        key, job = submit_or_attach(parts, where, submit, attach, lambda j: f"{j.program().id()} {j.id()}",
                                    counts=self.usage.extra.setdefault("remote_jobs", {}))
        return list(await_result(key, job.results, f"Engine job {job.id()} on {where}"))

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if self.mode == "exact" and self.gradient == "adjoint":
            states = self._states(circuit, angles, weights)
            return adjoint_vjp(circuit, states, T.exponents(circuit, angles, weights),
                               observable.diagonal(circuit.n_qubits), cotangent)
        return super()._vjp(circuit, angles, weights, observable, cotangent)


class QsimBackend(CirqBackend):
    """qsimcirq.QSimSimulator sweeps in single precision; seeded sampling."""

    name = "cirq.qsim"
    capabilities = C.QSIM
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


__all__ = ["CirqBackend", "QsimBackend", "PROJECT_ENV", "PROCESSOR_ENV"]
