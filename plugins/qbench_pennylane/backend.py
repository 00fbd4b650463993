"""PennyLane backends.

``pennylane``
    ``default.qubit``.  Exact: one broadcast QNode call for a whole batch of samples
    (``qml.state()`` for kernels, ``qml.expval`` for the QNN), gradients by backprop
    through autograd.  Shots: seeded ``default.qubit`` with ``shots=`` on the QNode.
    Noisy: ``default.mixed`` with the core noise model translated gate by gate
    (:func:`qbench_pennylane.translate.apply_circuit`): exact density matrices without
    shots, sampled with them.  Hardware: any installed PennyLane device (options ``device``,
    ``device_kwargs``; credentials from the environment only), run like the shot mode.
    Kernels in every sampled or noisy mode: the core's compute-uncompute circuit, run as
    one broadcast ``qml.probs`` QNode; gradients: PennyLane's own ``diff_method``.
``pennylane.lightning``
    ``lightning.qubit`` (C++), adjoint gradients; exact and shot modes as above.
``pennylane.native``
    The PennyLane kernel demo: ``qml.kernels.square_kernel_matrix`` /
    ``qml.kernels.kernel_matrix`` with one compute-uncompute circuit per matrix entry,
    and one QNode call per sample for the QNN.  Kept as the comparison point.
"""

from __future__ import annotations

import numpy as np
import pennylane as qml
from pennylane import numpy as pnp

from qbench.backends.base import Backend
from qbench.backends.options import refuse_credentials
from qbench.errors import QBenchError
from qbench_pennylane import capabilities as C
from qbench_pennylane.translate import apply_circuit, hamiltonian, is_broadcast, weight_gate_count

_NONE = np.zeros(0)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _installed_devices() -> set[str] | None:
    """Names of the PennyLane devices installed here, or None when PennyLane does not expose them."""
    try:
        from pennylane.devices import device_constructor

        return set(device_constructor.plugin_devices)
    except Exception:  # pragma: no cover - a PennyLane without the entry-point table
        return None


class PennyLaneBackend(Backend):
    """``default.qubit`` with broadcasting and backprop; shots; ``default.mixed`` noise; any device as hardware."""

    name = "pennylane"
    framework = "pennylane"
    capabilities = C.PENNYLANE
    #: The state-vector simulator of the exact and shot modes.
    simulator = "default.qubit"
    #: Complex amplitudes (or density-matrix entries) one broadcast call may hold; larger batches are split.
    amplitude_budget = 2**23
    #: Sampled bits one broadcast call may draw.
    sample_budget = 2**25

    def __init__(self, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options) -> None:
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)
        self._noise = self.noise  # the core noise model in noisy mode, None otherwise
        self._hardware = self._hardware_device() if self.mode == "hardware" else None
        self._devices: dict[int, object] = {}

    # ------------------------------------------------------------ configuration
    def _hardware_device(self) -> tuple[str, dict]:
        device = self.options.get("device")
        if not isinstance(device, str) or not device:
            raise QBenchError(f"backend {self.name!r}: mode 'hardware' needs option device=<PennyLane device name>, "
                              "e.g. device=qiskit.remote")
        kwargs = self.options.get("device_kwargs") or {}
        if not isinstance(kwargs, dict):
            raise QBenchError(f"backend {self.name!r}: device_kwargs must be a mapping, got {type(kwargs).__name__}")
        refuse_credentials(self.name, "device_kwargs", kwargs)
        installed = _installed_devices()
        if installed is not None and device not in installed:
            raise QBenchError(f"PennyLane device {device!r} is not installed (installed: {', '.join(sorted(installed))}); "
                              "install the PennyLane plugin that provides it, e.g. pip install pennylane-qiskit for qiskit.*")
        return device, dict(kwargs)

    def _timed(self, fn, *args):
        if self.mode != "hardware":
            return super()._timed(fn, *args)
        try:
            return super()._timed(fn, *args)
        except QBenchError:
            raise
        except Exception as exc:  # a remote device's failure, in one line
            raise QBenchError(f"PennyLane device {self._hardware[0]!r} failed: {type(exc).__name__}: {_one_line(exc)}") from None

    # ------------------------------------------------------------------ devices
    def _next_seed(self) -> int:
        return int(self._rng.integers(2**31 - 1))

    def _device(self, n_qubits: int):
        dev = self._devices.get(n_qubits)
        if dev is None:
            if self.mode == "exact":
                dev = qml.device(self.simulator, wires=n_qubits)
            elif self.mode == "shots":
                dev = qml.device(self.simulator, wires=n_qubits, seed=self._next_seed())
            elif self.mode == "noisy":
                dev = qml.device("default.mixed", wires=n_qubits, seed=self._next_seed())
            else:
                dev = self._open_hardware(n_qubits)
            self._devices[n_qubits] = dev
        return dev

    def _open_hardware(self, n_qubits: int):
        name, kwargs = self._hardware
        kwargs = dict(kwargs)
        kwargs.setdefault("wires", n_qubits)
        seeded = "seed" not in kwargs
        if seeded:
            kwargs["seed"] = self._next_seed()
        try:
            try:
                return qml.device(name, **kwargs)
            except TypeError as exc:  # a device without a seed argument
                if not (seeded and "seed" in str(exc)):
                    raise
                kwargs.pop("seed")
                return qml.device(name, **kwargs)
        except Exception as exc:
            raise QBenchError(f"could not open PennyLane device {name!r}: {type(exc).__name__}: {_one_line(exc)}") from None

    def _qnode(self, fn, n_qubits: int, diff_method=None, interface="auto"):
        return qml.QNode(fn, self._device(n_qubits), interface=interface, diff_method=diff_method, shots=self.shots)

    def _rows_per_call(self, n_qubits: int, gates: int = 0) -> int:
        """Samples per broadcast call so that one call stays within the memory budgets."""
        dim = 4**n_qubits if self.mode == "noisy" else 2**n_qubits
        rows = self.amplitude_budget // (dim * (gates + 1))  # backprop keeps every intermediate state
        if self.shots:
            rows = min(rows, self.sample_budget // (self.shots * n_qubits))
        return max(1, rows)

    def _batched(self, circuit, call, datas: tuple, weights, rows: int | None = None) -> np.ndarray:
        """``call(*data_rows, weights)`` over the samples, broadcasting in chunks; results stacked per sample."""
        m = len(datas[0])
        if not is_broadcast(circuit):  # no data angle: every sample runs the same circuit
            one = np.asarray(call(*(d[:1] for d in datas), weights))
            return np.broadcast_to(one, (m,) + one.shape).copy()
        if m == 0:
            probe = np.asarray(call(*(np.zeros((1, d.shape[1])) for d in datas), weights))
            return np.zeros((0,) + probe.shape[1:], dtype=probe.dtype)
        rows = rows or self._rows_per_call(circuit.n_qubits)
        parts = [np.asarray(call(*(d[s:s + rows] for d in datas), weights)) for s in range(0, m, rows)]
        return np.concatenate(parts)

    @staticmethod
    def _executions(circuit, m: int) -> int:
        return m if is_broadcast(circuit) else min(m, 1)

    # -------------------------------------------------------------------- tasks
    def _states(self, circuit, angles, weights):
        def fn(data, w):
            apply_circuit(circuit, data, w)
            return qml.state()

        out = self._batched(circuit, self._qnode(fn, circuit.n_qubits), (angles,), weights)
        self.count(self._executions(circuit, len(angles)))
        return out.reshape(len(angles), 2**circuit.n_qubits)

    def _probabilities(self, circuit, angles, weights):
        """Exact outcome probabilities (noisy mode: ``default.mixed`` with the core noise model), one broadcast QNode."""
        wires = list(range(circuit.n_qubits))

        def fn(data, w):
            apply_circuit(circuit, data, w, self._noise)
            return qml.probs(wires=wires)

        out = self._batched(circuit, self._qnode(fn, circuit.n_qubits), (angles,), weights)
        self.count(self._executions(circuit, len(angles)))
        return np.asarray(out, dtype=float).reshape(len(angles), 2**circuit.n_qubits)

    def _counts(self, circuit, angles, weights):
        """PennyLane's own sampling: the device's ``qml.probs`` with ``shots`` times the shots."""
        probs = self._probabilities(circuit, angles, weights)  # the QNode carries shots=self.shots
        self.usage.shots += len(angles) * self.shots
        return np.rint(probs * self.shots).astype(np.int64)

    def _expval_fn(self, circuit, observable):
        h = hamiltonian(observable)

        def fn(data, w):
            apply_circuit(circuit, data, w, self._noise)
            return qml.expval(h)

        return fn

    def _expval(self, circuit, angles, weights, observable):
        qnode = self._qnode(self._expval_fn(circuit, observable), circuit.n_qubits)
        out = self._batched(circuit, qnode, (angles,), weights)
        self.count(self._executions(circuit, len(angles)), self.shots)
        return out.astype(float).reshape(len(angles))

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if circuit.n_weights == 0:
            return np.zeros(0)
        if self.gradient == "finite-diff":
            # the core's central differences (one batched evaluation); PennyLane's forward difference
            # (h = 1e-7) is ~2e-7 off, outside the kit's tolerance for a gradient
            return super()._vjp(circuit, angles, weights, observable, cotangent)
        qnode = self._qnode(self._expval_fn(circuit, observable), circuit.n_qubits,
                            diff_method=self.gradient, interface="autograd")
        w0 = pnp.array(weights, requires_grad=True)
        if not is_broadcast(circuit):  # sum_s c_s df/dw with the same f for every sample
            total = float(np.sum(cotangent))
            grad = total * np.asarray(qml.grad(lambda w: qnode(angles[:1], w), argnums=0)(w0))
        else:
            gates = len(circuit.gates) if self.gradient == "backprop" else 0
            rows = self._rows_per_call(circuit.n_qubits, gates)
            grad = np.zeros(circuit.n_weights)
            for s in range(0, len(angles), rows):
                data, cot = angles[s:s + rows], cotangent[s:s + rows]
                grad += np.asarray(qml.grad(lambda w: pnp.sum(cot * qnode(data, w)), argnums=0)(w0))
        self._count_gradient(circuit, self._executions(circuit, len(angles)))
        return np.asarray(grad, dtype=float).reshape(circuit.n_weights)

    def _count_gradient(self, circuit, executions: int) -> None:
        if self.gradient == "parameter-shift":
            executions *= 2 * weight_gate_count(circuit)
        elif self.gradient == "finite-diff":
            executions *= weight_gate_count(circuit) + 1
        self.count(executions, self.shots)


class LightningBackend(PennyLaneBackend):
    """``lightning.qubit``: broadcast batches (split into tapes by PennyLane), adjoint gradients; shots."""

    name = "pennylane.lightning"
    capabilities = C.LIGHTNING
    simulator = "lightning.qubit"


class NativeBackend(PennyLaneBackend):
    """The PennyLane demo path: ``qml.kernels`` (one circuit per kernel entry), one QNode call per sample."""

    name = "pennylane.native"
    capabilities = C.NATIVE

    def _states(self, circuit, angles, weights):
        def fn(x, w):
            apply_circuit(circuit, x, w)
            return qml.state()

        qnode = self._qnode(fn, circuit.n_qubits)
        out = np.zeros((len(angles), 2**circuit.n_qubits), dtype=complex)
        for s, x in enumerate(angles):
            out[s] = np.asarray(qnode(x, weights))
        self.count(len(angles))
        return out

    def _kernel(self, circuit, a, b):
        wires = list(range(circuit.n_qubits))

        def fn(x1, x2):
            apply_circuit(circuit, x1, _NONE)
            qml.adjoint(apply_circuit)(circuit, x2, _NONE)
            return qml.probs(wires=wires)

        qnode = self._qnode(fn, circuit.n_qubits)

        def kernel(x1, x2):  # the demo's kernel: probability of |0...0> after U(x1) U(x2)^dagger
            return qnode(x1, x2)[0]

        m = len(a)
        if b is None:
            if m == 0:
                return np.zeros((0, 0))
            self.count(m * (m - 1) // 2)
            return np.asarray(qml.kernels.square_kernel_matrix(a, kernel, assume_normalized_kernel=True), dtype=float)
        if m == 0 or len(b) == 0:
            return np.zeros((m, len(b)))
        self.count(m * len(b))
        return np.asarray(qml.kernels.kernel_matrix(a, b, kernel), dtype=float).reshape(m, len(b))

    def _expval(self, circuit, angles, weights, observable):
        qnode = self._qnode(self._expval_fn(circuit, observable), circuit.n_qubits)
        out = np.array([float(qnode(x, weights)) for x in angles])
        self.count(len(angles))
        return out

    def _vjp(self, circuit, angles, weights, observable, cotangent):
        if circuit.n_weights == 0:
            return np.zeros(0)
        if self.gradient == "finite-diff":
            # the core's central differences (one batched evaluation); PennyLane's forward difference
            # (h = 1e-7) is ~2e-7 off, outside the kit's tolerance for a gradient
            return super()._vjp(circuit, angles, weights, observable, cotangent)
        qnode = self._qnode(self._expval_fn(circuit, observable), circuit.n_qubits,
                            diff_method=self.gradient, interface="autograd")
        grad_fn = qml.grad(qnode, argnums=1)
        w0 = pnp.array(weights, requires_grad=True)
        grad = np.zeros(circuit.n_weights)
        for x, c in zip(angles, cotangent):
            grad += c * np.asarray(grad_fn(x, w0))
        self._count_gradient(circuit, len(angles))
        return grad
