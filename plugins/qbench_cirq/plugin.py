"""Registers the Cirq backends.  Imports nothing from Cirq: the classes load only when used."""

from qbench import hookimpl


@hookimpl
def qbench_register_backends(register):
    register("cirq", "qbench_cirq.backend:CirqBackend", framework="cirq", requires=("cirq",), extra="cirq",
             description="cirq.Simulator (complex128) sweeps; DensityMatrixSimulator noise; Google Engine hardware")
    register("cirq.qsim", "qbench_cirq.backend:QsimBackend", framework="cirq", requires=("cirq", "qsimcirq"),
             extra="cirq", description="qsimcirq.QSimSimulator (single precision) sweeps; seeded sampling")


@hookimpl
def qbench_register_drawers(register):
    register("cirq", "qbench_cirq.drawing:draw", requires=("cirq",), description="Cirq text diagram and SVG")
