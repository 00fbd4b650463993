"""A job's memory, estimated from its circuit before anything is built, and the limit it must fit.

The estimate is a floor, not a forecast: what a fit must hold at once whatever the backend does --
the data angles, one state (a density matrix in noisy mode), the circuit's gates, and the kernel's
Gram matrices or the QNN's outputs.  A job whose floor is above the memory it may use is refused
with one line before its angles or states are made.  The limit is the process's address-space limit
(``RLIMIT_AS``, which the runner's workers set) when there is one, else :func:`qbench.settings.memory_limit`.
"""

from __future__ import annotations

import resource

from qbench import settings
from qbench.circuits.ir import Circuit
from qbench.errors import CapabilityError

#: Bytes one gate of the framework-neutral circuit takes (measured with tracemalloc: about 190).
GATE_BYTES = 256
#: Copies of the n x n Gram matrix a kernel fit holds at once (the matrix, its PSD projection, eigh's workspace).
GRAM_COPIES = 3


def estimate_fit_bytes(circuit: Circuit, n_samples: int, mode: str, task: str, columns: int | None = None) -> int:
    """The floor of a fit's memory on ``n_samples`` training samples (see the module docstring); ``columns``:
    the kernel matrix's columns when it is not square (Nystroem landmarks)."""
    n = circuit.n_qubits
    state = (4 ** n if mode == "noisy" else 2 ** n) * 16
    angles = n_samples * circuit.n_data * 8
    columns = n_samples if columns is None else min(columns, n_samples)
    outputs = GRAM_COPIES * n_samples * columns * 8 if task == "kernel" else 4 * n_samples * 8
    return state + angles + outputs + len(circuit.gates) * GATE_BYTES


def size(n: int) -> str:
    """Bytes for a message: ``3.2 GiB``, ``12.0 MiB``, ``512 B``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _status_bytes(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def available_bytes() -> tuple[int | None, str]:
    """How much more this process may allocate, and where that limit comes from."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        return max(soft - (_status_bytes("VmSize") or 0), 0), "the job's memory limit"
    limit = settings.memory_limit()
    return limit, "QBENCH_MEMORY_LIMIT (default: half the machine's memory)"


def check_bytes(need: int, what: str) -> int:
    """Refuse, with one line, ``what`` (a phrase: "a kernel fit of ...") needing more than this process may
    allocate; returns ``need``."""
    limit, source = available_bytes()
    if limit is not None and need > limit:
        raise CapabilityError(f"{what} needs at least {size(need)}; {source} leaves {size(limit)}")
    return need


def check_fits(circuit: Circuit, n_samples: int, mode: str, task: str, columns: int | None = None) -> int:
    """Refuse, with one line, a fit whose memory floor is above what this process may allocate; returns the floor."""
    return check_bytes(estimate_fit_bytes(circuit, n_samples, mode, task, columns),
                       f"a {task} fit of {n_samples} samples on {circuit.n_qubits} qubits ({len(circuit.gates):,} "
                       f"gates, {mode} mode)")


__all__ = ["estimate_fit_bytes", "available_bytes", "check_bytes", "check_fits"]
