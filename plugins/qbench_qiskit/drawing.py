"""Qiskit's drawer for framework-neutral circuits (registered through ``qbench_register_drawers``)."""

from __future__ import annotations

from qbench.circuits.ir import Circuit
from qbench.circuits.drawing import figure_bytes, use_agg


def qiskit_circuit(circuit: Circuit):
    """The plugin's Qiskit translation (``x[i]``/``w[k]`` parameters), renumbered so Qiskit qubit q is qbench qubit q.

    The plugin puts qbench qubit q on Qiskit qubit n-1-q (Qiskit is little-endian); a
    diagram only needs the wires to carry qbench's numbers, so the bits are reversed back.
    """
    from qbench_qiskit.translate import split_template

    return split_template(circuit).circuit.reverse_bits()


def draw(circuit: Circuit, fmt: str) -> str | bytes:
    qc = qiskit_circuit(circuit)
    if fmt == "text":
        return str(qc.draw("text", fold=-1))
    use_agg()
    return figure_bytes(qc.draw("mpl"), fmt)
