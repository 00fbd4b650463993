"""Cirq's device models for the ``noisy`` mode, and compilation of circuits onto Google devices.

The framework-neutral noise model of the core is translated in :func:`qbench_cirq.translate.noisy_program`.
Here: ``device_model="google_rainbow"`` (``google_weber``, ``google_willow_pink``), the noise model
cirq-google derives from a stored median calibration of a virtual processor, after routing the
circuit onto the processor's qubit graph and compiling it to its CZ gate set, as for hardware.
A device model is a different experiment from the core noise model: results are labelled with it.
"""

from __future__ import annotations

from functools import lru_cache

import cirq

from qbench.errors import CapabilityError, QBenchError, UnavailableError

#: Device models this plugin offers (``device_model=...`` in noisy mode): Google virtual processors.
from qbench_cirq.capabilities import DEVICE_MODELS  # noqa: E402  -- declared framework-free
_CIRQ_GOOGLE_HINT = 'pip install "cirq-google>=1.7,<1.8"'


def cirq_google():
    """Import cirq_google, or a one-line error saying how to install it."""
    try:
        import cirq_google as cg
    except ImportError:
        raise UnavailableError(f"this needs cirq-google, which is not installed; run: {_CIRQ_GOOGLE_HINT}") from None
    return cg


def google_processors() -> list[str]:
    return list(cirq_google().engine.list_virtual_processors())


@lru_cache(maxsize=8)
def google_noise(processor: str):
    """(noise model, device) of a virtual Google processor, from data shipped with cirq-google (offline)."""
    cg = cirq_google()
    names = google_processors()
    if processor not in names:
        raise QBenchError(f"unknown Google processor {processor!r} for noise='google'; choose one of {', '.join(names)}")
    from cirq_google.engine import virtual_engine_factory as factory

    props = factory.load_device_noise_properties(processor)
    device = factory.create_device_from_processor_id(processor)
    return cg.NoiseModelFromGoogleNoiseProperties(props), device


def _zz_via_cnots(op: cirq.Operation, _index: int):
    """ZZ^t = CNOT (Z^t on the target) CNOT, exactly (global shift kept).

    The CZ gate set would otherwise turn a symbolic ZZPowGate into a symbolic CZ power,
    which Google devices do not run.
    """
    gate = op.gate
    if isinstance(gate, cirq.ZZPowGate):
        a, b = op.qubits
        return [cirq.CNOT(a, b), cirq.ZPowGate(exponent=gate.exponent, global_shift=gate.global_shift).on(b),
                cirq.CNOT(a, b)]
    return op


def compile_for_device(circuit: cirq.Circuit, device) -> cirq.Circuit:
    """Route ``circuit`` onto the device's qubit graph and compile it to CZ + single-qubit gates.

    Symbols survive (a routed, compiled circuit is still swept), and so does the order of the
    qubits inside the measurement, so measured bits stay in the core's qubit order.
    """
    metadata = getattr(device, "metadata", None)
    graph = getattr(metadata, "nx_graph", None)
    if graph is None:
        raise QBenchError(f"device {type(device).__name__} has no qubit graph (device.metadata.nx_graph) to route onto")
    n = len(circuit.all_qubits())
    if n > graph.number_of_nodes():
        raise CapabilityError(f"the device has {graph.number_of_nodes()} qubits; the circuit needs {n}")
    circuit = cirq.map_operations_and_unroll(circuit, _zz_via_cnots)
    routed, _, _ = cirq.RouteCQC(graph).route_circuit(circuit)
    compiled = cirq.optimize_for_target_gateset(routed, gateset=cirq.CZTargetGateset())
    compiled = cirq.drop_empty_moments(compiled)
    try:
        device.validate_circuit(compiled)
    except ValueError as exc:
        raise QBenchError(f"the compiled circuit does not run on the device: {str(exc).splitlines()[0]}") from None
    return compiled


def two_qubit_gates(circuit: cirq.Circuit) -> int:
    """Gates on two qubits (measurements aside) of a compiled circuit."""
    return sum(1 for op in circuit.all_operations() if len(op.qubits) == 2 and not cirq.is_measurement(op))


__all__ = ["DEVICE_MODELS", "two_qubit_gates", "google_noise", "google_processors", "compile_for_device",
           "cirq_google"]
