"""Registers the PennyLane backends.  Imports nothing from PennyLane, so it loads (and the
backends show as unavailable with an install hint) when PennyLane is not installed."""

from qbench import hookimpl
from qbench.plugin.callbacks import RegisterBackend, RegisterDrawer
from qbench_pennylane import capabilities as C

_MODULE = "qbench_pennylane.backend"


@hookimpl
def qbench_register_backends(register: RegisterBackend) -> None:
    register("pennylane", f"{_MODULE}:PennyLaneBackend", framework="pennylane", capabilities=C.PENNYLANE,
             requires=("pennylane",),
             extra="pennylane",
             description="PennyLane default.qubit, broadcast over samples, backprop; shots; "
                         "default.mixed noise; any PennyLane device as hardware")
    register("pennylane.lightning", f"{_MODULE}:LightningBackend", framework="pennylane", capabilities=C.LIGHTNING,
             requires=("pennylane", "pennylane_lightning"), extra="pennylane",
             description="PennyLane lightning.qubit (C++), adjoint gradients; shots")
    register("pennylane.native", f"{_MODULE}:NativeBackend", framework="pennylane", capabilities=C.NATIVE,
             requires=("pennylane",),
             extra="pennylane",
             description="The PennyLane demo path: qml.kernels.*kernel_matrix (one circuit per entry), "
                         "one QNode call per sample")


@hookimpl
def qbench_register_drawers(register: RegisterDrawer) -> None:
    register("pennylane", "qbench_pennylane.drawing:draw", requires=("pennylane",), description="qml.draw, qml.draw_mpl")
