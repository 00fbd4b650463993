"""The ``qiskit`` and ``qiskit.native`` backends.

``qiskit`` (the fast path; measurements in ``docs/perf/qiskit.md`` and this package's README):

* exact    -- one ``AerSimulator(method="statevector")`` run per batch: the circuit is
              translated and transpiled once, every sample is a parameter bind.
              Kernels are |S S^dagger|^2 of the states; expectation values come from
              Aer's ``save_expectation_value``; gradients by parameter shift with every
              shifted circuit of every sample in the same Aer run.
* shots    -- Aer ``SamplerV2`` with ``shots`` and a seed samples the circuits the core asks
              for (compute-uncompute kernel circuits, shifted rows for parameter shift), one job each.
* noisy    -- the core noise model written into the circuit (Aer depolarizing and bit-flip errors
              after every gate): exact probabilities from Aer's density-matrix method without
              shots, Aer sampling with them.  ``device_model="fake_manila"`` (any fake IBM device)
              instead transpiles to that device and samples its noise model: a device model.
* hardware -- the same circuits on an IBM Quantum backend through ``qiskit-ibm-runtime``
              ``SamplerV2`` inside a ``Batch``.  Credentials come only from the environment
              (``QISKIT_IBM_TOKEN`` ...) or the saved Qiskit account; ``device`` may also be a
              backend object (e.g. ``FakeManilaV2()``, runtime local testing mode).

``qiskit.native`` is what the qiskit-machine-learning tutorials do: ``FidelityQuantumKernel``
(``ComputeUncompute`` on the library's default exact sampler) and ``EstimatorQNN`` with
its default estimator and parameter-shift gradient.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from qbench.backends.base import Backend, DevicePlan
from qbench.backends.remote import await_result, submit_or_attach
from qbench.backends.sampling import counts_from_bits
from qbench.circuits.ir import Circuit, resolve_angles
from qbench.errors import CapabilityError, QBenchError
from qbench.secrets import is_secret_key

from qbench_qiskit import capabilities as C
from qbench_qiskit import translate as T

#: Options the ``qiskit`` backend understands (``--option key=value``); ``MODE_OPTIONS`` says which mode takes which.
OPTIONS = {
    "device": "hardware: IBM backend name or a backend object (noisy mode: device_model=fake_manila ...)",
    "optimization_level": "transpiler optimization level for noisy/hardware (default 1)",
    "seed_transpiler": "transpiler seed for noisy/hardware (default 0, so layouts do not change with the shot seed)",
    "threads": "Aer max_parallel_threads (default 1: no OpenMP spinning on a shared machine; 0 = all cores)",
    "job_size": "most circuits (rows of parameter values) per primitive job (default 20000; hardware 2000)",
    "service": "hardware: a QiskitRuntimeService-like object with backend(name) (default: built from credentials)",
    "channel": "hardware: IBM Quantum channel (default: QISKIT_IBM_CHANNEL or the saved account's)",
    "instance": "hardware: IBM Quantum instance (default: QISKIT_IBM_INSTANCE or the saved account's)",
    "account_name": "hardware: name of a saved Qiskit account",
    "account_file": "hardware: file of saved Qiskit accounts (default ~/.qiskit/qiskit-ibm.json)",
}
MODE_OPTIONS = C.MODE_OPTIONS
CREDENTIALS_HINT = ("set QISKIT_IBM_TOKEN (and QISKIT_IBM_INSTANCE; optionally QISKIT_IBM_CHANNEL) in the environment, "
                    "or save an account with QiskitRuntimeService.save_account(...)")
_STATE_BUDGET = 2**24  # amplitudes per Aer run when returning state vectors (256 MiB of complex128)


def _refuse_credentials(name: str, options: dict) -> None:
    """Credentials never travel as options (the core's one word list decides what looks like one)."""
    for key in options:
        if is_secret_key(key):
            raise QBenchError(f"backend {name!r}: credentials are never passed as options ({key!r}); {CREDENTIALS_HINT}")


def _describe(value):
    """A plain, secret-free stand-in for option values that are objects (backends, services)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name
    return type(value).__name__


def fake_device_names() -> list[str]:
    """Names accepted as ``device`` in noisy mode: ``fake_manila`` for ``FakeManilaV2``, ``fake_torino`` ..."""
    import qiskit_ibm_runtime.fake_provider as fp

    names = set()
    for attr in dir(fp):
        m = re.fullmatch(r"Fake([A-Z][a-z]+)(V2)?", attr)
        if m:
            names.add("fake_" + m.group(1).lower())
    return sorted(names)


def fake_device(name: str):
    """An instance of the fake IBM device ``name`` (``fake_manila``, ``FakeManilaV2``, ``manila`` ...)."""
    import qiskit_ibm_runtime.fake_provider as fp

    key = str(name).strip().lower().removeprefix("fake_").removeprefix("fake").removesuffix("v2").strip("_")
    for attr in dir(fp):
        m = re.fullmatch(r"Fake([A-Z][a-z]+)(V2)?", attr)
        if m and m.group(1).lower() == key:
            return getattr(fp, attr)()
    few = ", ".join(n for n in fake_device_names() if n in ("fake_manila", "fake_lima", "fake_kyiv", "fake_sherbrooke",
                                                            "fake_torino", "fake_brisbane", "fake_fez"))
    raise QBenchError(f"unknown fake device {name!r}; valid names include {few} "
                      f"({len(fake_device_names())} in qiskit_ibm_runtime.fake_provider)")


def _circuit_fingerprint(qc) -> str:
    """What a (transpiled) circuit does, as text: each instruction's name, parameters, qubits and clbits."""
    def bits(args):
        return tuple(qc.find_bit(b).index for b in args)

    return repr([(inst.operation.name, tuple(str(p) for p in inst.operation.params), bits(inst.qubits),
                  bits(inst.clbits)) for inst in qc.data])


def _two_qubit_gates(qc) -> int:
    return sum(1 for inst in qc.data if inst.operation.num_qubits == 2 and inst.operation.name != "barrier")


def pass_manager(device, optimization_level: int = 1, seed_transpiler: int = 0):
    """The preset pass manager every device run (and ``device_plan``) transpiles with."""
    from qiskit.transpiler import generate_preset_pass_manager

    return generate_preset_pass_manager(optimization_level=optimization_level, backend=device,
                                        seed_transpiler=seed_transpiler)


def measured_template(circuit: Circuit):
    """U(theta) + measure as a device runs it: phase-free (P written as RZ: a global phase cannot change
    measured frequencies, and a parametric one makes transpilation to IBM devices blow up, see
    translate.gate_template)."""
    qc = T.gate_template(circuit, phase_free=True).copy()
    qc.measure_all()
    return qc


def offline_device(mode: str, options: dict):
    """The fake IBM device that stands for a job's device offline: noisy mode's ``device_model``, or hardware
    mode's ``device`` (``ibm_brisbane`` -> ``fake_brisbane``, its calibration snapshot); None if there is none."""
    name = options.get("device_model") if mode == "noisy" else options.get("device") if mode == "hardware" else None
    if not isinstance(name, str) or not name:
        return None
    try:
        return fake_device(name.lower().removeprefix("ibmq_").removeprefix("ibm_"))
    except QBenchError:
        return None


def seconds_per_shot(device, transpiled) -> float | None:
    """One shot's time on ``device``: its documented repetition delay (``default_rep_delay`` where the device
    takes dynamic repetition rates, else ``rep_times[0]``) plus the transpiled circuit's scheduled duration
    from the device's gate and measurement durations.  Per-job overheads (compilation, queue) are left out."""
    conf = device.configuration() if hasattr(device, "configuration") else None
    delay = getattr(conf, "default_rep_delay", None) if getattr(conf, "dynamic_reprate_enabled", False) else None
    if delay is None:
        times = getattr(conf, "rep_times", None) or [None]
        delay = times[0] if times[0] is not None else getattr(conf, "default_rep_delay", None)
    try:
        duration = transpiled.estimate_duration(device.target, unit="s")
    except Exception:  # noqa: BLE001 -- a device without durations for some instruction: no estimate
        return None
    return None if delay is None else float(delay) + float(duration)


class QiskitBackend(Backend):
    """Qiskit Aer (exact, shots, noisy) and IBM Runtime (hardware)."""

    name = "qiskit"
    framework = "qiskit"
    capabilities = C.QISKIT

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        _refuse_credentials(self.name, options)
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)
        # validate now: a bad option is a one-line error before any work
        self._threads()
        self._int_option("optimization_level", 1, 0, 3)
        self._int_option("seed_transpiler", 0)
        self._int_option("job_size", 1, 1)
        self._cache: dict = {}
        self._device = None
        self._sim = None  # AerSimulator: statevector (exact/shots) or the device's noisy one (noisy)
        if self.device_model:
            if self.shots is None:
                raise QBenchError(f"backend {self.name!r}: device model {self.device_model!r} is sampled; give shots")
            self._device = fake_device(self.device_model)
        elif mode == "hardware":
            dev = options.get("device")
            if dev is not None and not isinstance(dev, str):
                self._device = dev  # an injected backend object (a fake backend in local testing mode)
            elif options.get("service") is None:
                self._require_credentials()

    @classmethod
    def device_plan(cls, circuit: Circuit, mode: str, options: dict) -> DevicePlan | None:
        """Transpiled offline to the job's fake IBM device (its device model, or the calibration snapshot
        qiskit-ibm-runtime ships for a hardware device's name) with the run's pass manager and options."""
        device = offline_device(mode, options)
        if device is None or circuit.n_qubits > device.num_qubits:
            return None
        level = int(options.get("optimization_level", 1))
        seed = int(options.get("seed_transpiler", 0))
        qc = pass_manager(device, level, seed).run(measured_template(circuit))
        return DevicePlan(device=_describe(device), depth=qc.depth(), two_qubit=_two_qubit_gates(qc),
                          seconds_per_shot=seconds_per_shot(device, qc))

    @property
    def config(self) -> dict:
        cfg = super().config
        cfg["options"] = {k: _describe(v) for k, v in cfg["options"].items()}
        return cfg

    # ------------------------------------------------------------------ exact (Aer)
    def _aer(self):
        if self._sim is None:
            from qiskit_aer import AerSimulator

            # Runtime parameter binding: Aer binds each sample's angles in C++ instead of copying the
            # circuit per bind (2x faster for 200-sample kernels and 4900-circuit gradient sweeps).
            self._sim = AerSimulator(method="statevector", max_parallel_threads=self._threads(),
                                     runtime_parameter_bind_enable=True)
        return self._sim

    def _int_option(self, key: str, default: int, low: int = 0, high: int | None = None) -> int:
        value = self.options.get(key, default)
        try:
            number = int(value)
            if isinstance(value, float) and value != number:
                raise ValueError
        except (TypeError, ValueError):
            number = None
        if number is None or number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f">= {low}"
            raise QBenchError(f"backend {self.name!r}: option {key} must be an integer {bounds}, got {value!r}")
        return number

    def _threads(self) -> int:
        return self._int_option("threads", 1)

    def _aer_template(self, circuit: Circuit, observable=None):
        """The translated circuit with a save instruction (cached).

        Aer executes every gate of the core's gate set natively, so no transpilation is needed:
        the template is built once and each sample is a parameter bind.
        """
        key = ("aer", circuit, observable)
        if key not in self._cache:
            import qiskit_aer  # noqa: F401  (adds save_statevector / save_expectation_value to QuantumCircuit)

            tq = T.gate_template(circuit).copy()
            if observable is None:
                tq.save_statevector()
            else:
                tq.save_expectation_value(T.pauli_op(observable, circuit.n_qubits), tq.qubits)
            self._cache[key] = (tq, self._columns(circuit, tq))
        return self._cache[key]

    @staticmethod
    def _columns(circuit: Circuit, qc) -> np.ndarray:
        """Which rotation-angle column feeds each parameter left in (a transpiled) ``qc``, in its order."""
        index = {p.name: k for k, p in enumerate(T.gate_template(circuit).parameters)}  # theta[k], by name
        return np.array([index[p.name] for p in qc.parameters], dtype=int)

    def _aer_run(self, circuit: Circuit, theta: np.ndarray, observable=None) -> np.ndarray:
        """States (observable None) or expectation values for every row of rotation angles, by parameter binds."""
        tq, cols = self._aer_template(circuit, observable)
        rows = theta.shape[0]
        if observable is None:
            chunk = max(1, _STATE_BUDGET // 2**circuit.n_qubits)
        else:
            chunk = 20_000
        out = []
        for start in range(0, rows, chunk):
            part = theta[start:start + chunk]
            if len(cols):
                binds = [{p: part[:, c] for p, c in zip(tq.parameters, cols)}]
                result = self._aer().run(tq, parameter_binds=binds).result()
                n_exp = len(part)
            else:  # no parameters: every row is the same circuit
                result = self._aer().run(tq).result()
                n_exp = 1
            self._check_result(result)
            key = "statevector" if observable is None else "expectation_value"
            vals = [np.asarray(result.data(i)[key]) for i in range(n_exp)]
            vals = np.stack(vals) if observable is None else np.real(np.array(vals, dtype=complex))
            if n_exp == 1 and len(part) > 1:
                vals = np.repeat(vals, len(part), axis=0)
            out.append(vals)
        self.count(rows)
        return np.concatenate(out) if out else np.zeros((0, 2**circuit.n_qubits) if observable is None else (0,))

    @staticmethod
    def _check_result(result) -> None:
        if not result.success:
            raise QBenchError(f"Aer simulation failed: {result.status}")

    def _states(self, circuit, angles, weights):
        return self._aer_run(circuit, resolve_angles(circuit, angles, weights))

    def _expval(self, circuit, angles, weights, observable):
        if self.mode != "exact":
            return super()._expval(circuit, angles, weights, observable)
        return self._aer_run(circuit, resolve_angles(circuit, angles, weights), observable)

    def _probabilities(self, circuit, angles, weights):
        """Noisy mode without shots: Aer's density-matrix method on the circuit with the core noise in it."""
        if self.mode != "noisy":
            return super()._probabilities(circuit, angles, weights)
        from qiskit_aer import AerSimulator

        key = ("density", circuit, self.noise)
        if key not in self._cache:
            qc = T.noisy_template(circuit, self.noise, measured=False)
            self._cache[key] = (qc, self._columns(circuit, qc))
        qc, cols = self._cache[key]
        theta = resolve_angles(circuit, angles, weights)
        sim = AerSimulator(method="density_matrix", max_parallel_threads=self._threads())
        out = []
        for start in range(0, len(theta), 2000):
            part = theta[start:start + 2000]
            if len(cols):
                result = sim.run(qc, parameter_binds=[{p: part[:, c] for p, c in zip(qc.parameters, cols)}]).result()
                n_exp = len(part)
            else:
                result = sim.run(qc).result()
                n_exp = 1
            self._check_result(result)
            probs = np.stack([np.asarray(result.data(i)["probabilities"], dtype=float) for i in range(n_exp)])
            out.append(np.repeat(probs, len(part), axis=0) if n_exp == 1 else probs)
        self.count(len(theta))
        return np.concatenate(out) if out else np.zeros((0, 2**circuit.n_qubits))

    def _counts(self, circuit, angles, weights):
        """Native sampling of the measured circuit (Aer, or IBM Runtime on hardware), bits counted per row."""
        qc, cols = self._measured_template(circuit)
        packed = self._sample(qc, resolve_angles(circuit, angles, weights)[:, cols])
        n = circuit.n_qubits
        out = np.zeros((len(packed), 2**n), dtype=np.int64)
        step = max(1, 2**22 // (self.shots * max(n, 1)))
        for s in range(0, len(packed), step):
            bits = np.unpackbits(packed[s:s + step], axis=-1)[..., -n:] if n else packed[s:s + step][..., :0]
            out[s:s + step] = counts_from_bits(bits, n)
        return out

    # ------------------------------------------------------- sampled (shots, noisy, hardware)
    def _target(self, circuit: Circuit):
        """The device circuits are transpiled to (a device model or hardware; None otherwise); checks the width."""
        if self.mode == "shots" or (self.mode == "noisy" and not self.device_model):
            return None
        if self._device is None:
            self._device = self._hardware_backend(circuit.n_qubits)
        width = self._device.num_qubits
        if circuit.n_qubits > width:
            raise CapabilityError(f"backend {self.name!r}: the circuit has {circuit.n_qubits} qubits but device "
                                  f"{_describe(self._device)!r} has {width}")
        return self._device

    def _measured_template(self, circuit: Circuit):
        """U(theta) + measure, transpiled once for the device where there is one; cached with the map
        from the transpiled circuit's parameters (some may be optimized away) to angle columns.
        """
        key = ("measured", circuit, self.noise)
        if key in self._cache:
            return self._cache[key]
        if self.mode == "noisy" and not self.device_model:
            qc = T.noisy_template(circuit, self.noise, measured=True)
        else:
            qc = measured_template(circuit)
        device = self._target(circuit)
        if device is not None:
            qc = pass_manager(device, self._int_option("optimization_level", 1, 0, 3),
                              self._int_option("seed_transpiler", 0)).run(qc)
            label = circuit.name
            self.usage.extra.setdefault("two_qubit_gates", {})[label] = _two_qubit_gates(qc)
            self.usage.extra.setdefault("depth", {})[label] = qc.depth()
            self.usage.extra["device"] = _describe(device)
        self._cache[key] = (qc, self._columns(circuit, qc))
        return self._cache[key]

    def _job_seed(self) -> int:
        return int(self._rng.integers(2**31 - 1))

    def _sample(self, qc, values: np.ndarray) -> list:
        """Sampled bits of ``qc`` for every row of ``values`` (parameter columns already selected).

        Rows are split into jobs of at most ``job_size`` circuits, all submitted before any result
        is awaited (inside one ``Batch`` on hardware).  Returns packed bit arrays, shape (rows, shots, bytes).
        """
        default = 2000 if self.mode == "hardware" else 20_000
        size = self._int_option("job_size", default, 1)
        rows = len(values)
        if qc.num_parameters:
            jobs_in = [((qc, values[s:s + size]), self.shots) for s in range(0, rows, size)]
        else:
            # Nothing to bind: one circuit with rows * shots shots (Aer fills only the first row of a
            # parameterless PUB broadcast to several rows).
            jobs_in = [((qc,), self.shots * rows)] if rows else []
        if self.mode == "hardware":
            results = self._hardware_results(qc, jobs_in)
        else:
            from qiskit_aer.primitives import SamplerV2

            if self.mode == "noisy" and self.device_model:
                if self._sim is None:
                    from qiskit_aer import AerSimulator

                    self._sim = AerSimulator.from_backend(self._device, max_parallel_threads=self._threads())
                make = lambda: SamplerV2.from_backend(self._sim, seed=self._job_seed())  # noqa: E731
            else:
                opts = {"backend_options": {"max_parallel_threads": self._threads(), "runtime_parameter_bind_enable": True}}
                make = lambda: SamplerV2(seed=self._job_seed(), options=opts)  # noqa: E731
            results = [make().run([pub], shots=shots).result() for pub, shots in jobs_in]
        nbytes = (qc.num_clbits + 7) // 8
        arrays = [r[0].data.meas.array.reshape(-1, self.shots, nbytes) for r in results]
        self.count(rows, self.shots)
        return np.concatenate(arrays) if arrays else np.zeros((0, self.shots, nbytes), dtype=np.uint8)

    # ------------------------------------------------------------------ hardware
    def _hardware_results(self, qc, jobs_in: list) -> list:
        """Each PUB's result from IBM Runtime, every job submitted (or re-attached) before any is awaited.

        Each submission goes through the core's journal (:func:`qbench.backends.remote.submit_or_attach`),
        keyed by what it submits, so a re-run after ``kill -9`` re-attaches to the remote jobs it already
        paid for; transient API errors are retried with the core's bounded backoff; a job that fails
        remotely raises RemoteJobError with IBM's message (a failed row).
        """
        from qiskit_ibm_runtime.api.exceptions import RequestsApiError

        from qbench_qiskit import runtime

        transient = (RequestsApiError,)
        where = _describe(self._device) if self._device is not None else "the device"
        seed = self._job_seed() if self.seed is not None else None
        shape = _circuit_fingerprint(qc)
        counts = self.usage.extra.setdefault("remote_jobs", {})
        with runtime.open_session(self._device, self.options.get("service"), seed) as session:
            jobs = []
            for pub, shots in jobs_in:
                values = np.ascontiguousarray(pub[1]) if len(pub) > 1 else np.zeros(0)
                parts = (shape, values.shape, values.tobytes(), shots, seed)
                jobs.append(submit_or_attach(parts, where, lambda pub=pub, shots=shots: session.submit(pub, shots),
                                             session.job, lambda job: job.job_id(), transient, counts))
            results = [await_result(key, job.result, f"IBM job {job.job_id()} on {where}", transient)
                       for key, job in jobs]
        return results

    def _account(self) -> dict:
        return {"filename": self.options.get("account_file"), "name": self.options.get("account_name"),
                "channel": self.options.get("channel")}

    def _require_credentials(self) -> None:
        """Fail early, without the network, when no IBM Quantum account is configured (the token is not kept)."""
        from qiskit_ibm_runtime.accounts import AccountManager

        acct = self._account()
        try:
            AccountManager.get(filename=acct["filename"], name=acct["name"], channel=acct["channel"])
        except Exception:
            raise QBenchError(f"backend {self.name!r}: hardware mode needs IBM Quantum credentials: {CREDENTIALS_HINT}") from None

    def _hardware_backend(self, n_qubits: int):
        service = self.options.get("service")
        if service is None:
            from qiskit_ibm_runtime import QiskitRuntimeService

            acct = self._account()
            try:
                service = QiskitRuntimeService(channel=acct["channel"], instance=self.options.get("instance"),
                                               name=acct["name"], filename=acct["filename"])
            except Exception as exc:
                raise QBenchError(f"backend {self.name!r}: could not connect to IBM Quantum "
                                  f"({type(exc).__name__}); check the account ({CREDENTIALS_HINT})") from None
        dev = self.options.get("device")
        try:
            if dev:
                return service.backend(dev)
            return service.least_busy(operational=True, simulator=False, min_num_qubits=n_qubits)
        except Exception as exc:
            raise QBenchError(f"backend {self.name!r}: IBM backend {dev or '(least busy)'!r} is not available: "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None



class QiskitNativeBackend(Backend):
    """The qiskit-machine-learning tutorial path: ``FidelityQuantumKernel`` and ``EstimatorQNN`` with their defaults."""

    name = "qiskit.native"
    framework = "qiskit"
    capabilities = C.QISKIT_NATIVE

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        _refuse_credentials(self.name, options)
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)
        self._qnns: dict = {}

    def _states(self, circuit, angles, weights):
        from qiskit.quantum_info import Statevector

        st = T.split_template(circuit)
        x = angles[:, list(st.data_columns)]
        self.count(len(angles))
        out = np.empty((len(angles), 2**circuit.n_qubits), dtype=complex)
        for s in range(len(angles)):
            values = dict(zip(st.input_params, x[s])) | dict(zip(st.weight_params, weights))
            out[s] = Statevector(st.circuit.assign_parameters(values)).data
        return out

    def _kernel(self, circuit, a, b):
        from qiskit_machine_learning.kernels import FidelityQuantumKernel

        st = T.split_template(circuit)
        cols = list(st.data_columns)
        if not cols:  # no data parameter: every sample has the same state
            return np.ones((len(a), len(a) if b is None else len(b)))
        kernel = FidelityQuantumKernel(feature_map=st.circuit)
        self.count(len(a) * (len(a) - 1) // 2 if b is None else len(a) * len(b))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = kernel.evaluate(a[:, cols], None if b is None else b[:, cols])
        return np.asarray(k, dtype=float)

    def _qnn(self, circuit, observable):
        key = (circuit, observable)
        if key not in self._qnns:
            from qiskit_machine_learning.neural_networks import EstimatorQNN

            st = T.split_template(circuit)
            self._qnns[key] = EstimatorQNN(circuit=st.circuit, observables=T.pauli_op(observable, circuit.n_qubits),
                                           input_params=list(st.input_params), weight_params=list(st.weight_params))
        return self._qnns[key], T.split_template(circuit)

    def _expval(self, circuit, angles, weights, observable):
        qnn, st = self._qnn(circuit, observable)
        self.count(len(angles))
        return np.asarray(qnn.forward(angles[:, list(st.data_columns)], weights), dtype=float).reshape(len(angles))

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if not circuit.n_weights:
            return np.zeros(0)
        qnn, st = self._qnn(circuit, observable)
        self.count(len(angles) * 2 * sum(g.angle is not None and g.angle.source == "weight" for g in circuit.gates))
        _, wgrad = qnn.backward(angles[:, list(st.data_columns)], weights)
        return cotangent @ np.asarray(wgrad, dtype=float).reshape(len(angles), circuit.n_weights)
