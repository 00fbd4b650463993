"""PennyLane's drawer for framework-neutral circuits (registered through ``qbench_register_drawers``)."""

from __future__ import annotations

import numpy as np

from qbench.circuits.ir import Circuit
from qbench.circuits.drawing import figure_bytes, use_agg


def draw(circuit: Circuit, fmt: str) -> str | bytes:
    import pennylane as qml

    from qbench_pennylane.translate import apply_circuit

    dev = qml.device("default.qubit", wires=circuit.n_qubits)

    @qml.qnode(dev)
    def qnode():
        apply_circuit(circuit, np.zeros(max(circuit.n_data, 1)), np.zeros(max(circuit.n_weights, 1)))
        return qml.state()

    if fmt == "text":  # decimals=None: the structure, not the placeholder angle values
        return qml.draw(qnode, decimals=None)()
    use_agg()
    fig, _ = qml.draw_mpl(qnode, decimals=None)()
    return figure_bytes(fig, fmt)
