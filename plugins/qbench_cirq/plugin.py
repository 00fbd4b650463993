"""Registers the Cirq backends.  Imports nothing from Cirq: the classes load only when used."""

from qbench import hookimpl
from qbench.plugin.callbacks import RegisterBackend, RegisterDrawer
from qbench_cirq import capabilities as C


@hookimpl
def qbench_register_backends(register: RegisterBackend) -> None:
    register("cirq", "qbench_cirq.backend:CirqBackend", framework="cirq", capabilities=C.CIRQ, requires=("cirq",),
             extra="cirq",
             description="cirq.Simulator (complex128) sweeps; DensityMatrixSimulator noise; Google Engine hardware")
    register("cirq.qsim", "qbench_cirq.backend:QsimBackend", framework="cirq", capabilities=C.QSIM,
             requires=("cirq", "qsimcirq"),
             extra="cirq", description="qsimcirq.QSimSimulator (single precision) sweeps; seeded sampling")


@hookimpl
def qbench_register_drawers(register: RegisterDrawer) -> None:
    register("cirq", "qbench_cirq.drawing:draw", requires=("cirq",), description="Cirq text diagram and SVG")
