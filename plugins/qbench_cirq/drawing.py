"""Cirq's drawer for framework-neutral circuits (registered through ``qbench_register_drawers``)."""

from __future__ import annotations

from qbench.circuits.ir import Circuit
from qbench.errors import QBenchError


def draw(circuit: Circuit, fmt: str) -> str | bytes:
    from qbench_cirq.translate import state_program

    program = state_program(circuit)
    if fmt == "text":
        return str(program.circuit)
    if fmt == "svg":
        from cirq.contrib.svg import circuit_to_svg

        return circuit_to_svg(program.circuit)
    raise QBenchError("the cirq drawer writes text or SVG, not PNG; use --out FILE.svg")
