"""The ``QBENCH_*`` environment variables and byte sizes: each read and checked here, once.

A bad value is a one-line :class:`~qbench.errors.QBenchError` naming the variable and its range, raised by
the accessor before the caller writes anything (``qbench run`` reads them all before it opens the store).
docs/errors.md and docs/runner.md list the variables; :data:`VARIABLES` is that list in code.
"""

from __future__ import annotations

import math
import os
import re

from qbench.errors import QBenchError

#: Every variable qbench reads, with what it sets (plugins may read their own, such as ``QBENCH_CIRQ_PROCESSOR``).
VARIABLES = {
    "QBENCH_DB": "the results store when --db is not given (default .qbench/results.db)",
    "QBENCH_PLUGINS": "comma-separated allow-list of plugins to load (default: all)",
    "QBENCH_LEASE_SECONDS": "how long a runner's claim on a job lasts without renewal (default 60)",
    "QBENCH_MEMORY_LIMIT": "memory one job may allocate when neither --memory-limit nor the suite sets it "
                           "(default: half the machine's memory; 'none' switches the limit off)",
    "QBENCH_DATA_LIMIT": "the largest file `qbench evaluate --data` reads (default 64 MiB)",
}

#: QBENCH_LEASE_SECONDS: from a tenth of a second (tests) to a day; the lease is renewed every third of it.
LEASE_SECONDS_RANGE = (0.1, 86400.0)
DEFAULT_LEASE_SECONDS = 60.0
#: The default per-job memory limit, as a fraction of the machine's physical memory.
DEFAULT_MEMORY_FRACTION = 0.5
DEFAULT_DATA_LIMIT = 64 * 2**20
#: The largest byte size anyone may write (an exabyte): beyond it a value is a typo, not a machine.
MAX_BYTES = 2**60

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "k": 2**10, "m": 2**20, "g": 2**30, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
BYTE_SIZE_EXPECTED = 'a positive size such as 2147483648, "512 MiB" or "2 GB"'


def parse_bytes(value: object) -> int:
    """Bytes from an integer or a string such as ``"512 MiB"`` or ``"2GB"``; ``ValueError`` otherwise (the one parser)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_BYTES:
        return value
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", value)
        if m and m.group(2).lower() in _UNITS:
            size = float(m.group(1)) * _UNITS[m.group(2).lower()]
            if 1 <= size <= MAX_BYTES:
                return int(size)
    raise ValueError(BYTE_SIZE_EXPECTED)


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _bad(name: str, value: str, expected: str) -> QBenchError:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return QBenchError(f"{name} must be {expected}, got {shown!r}")


def lease_seconds() -> float:
    """``$QBENCH_LEASE_SECONDS``: a finite number of seconds in :data:`LEASE_SECONDS_RANGE`, default 60."""
    name, raw = "QBENCH_LEASE_SECONDS", _raw("QBENCH_LEASE_SECONDS")
    if raw is None or raw == "":
        return DEFAULT_LEASE_SECONDS
    low, high = LEASE_SECONDS_RANGE
    expected = f"a number of seconds from {low:g} to {high:g}"
    try:
        seconds = float(raw)
    except ValueError:
        raise _bad(name, raw, expected) from None
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise _bad(name, raw, expected)
    return seconds


def physical_memory() -> int | None:
    """The machine's physical memory in bytes (None where the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit() -> int | None:
    """``$QBENCH_MEMORY_LIMIT`` in bytes (``none``: no limit); default half the physical memory."""
    name, raw = "QBENCH_MEMORY_LIMIT", _raw("QBENCH_MEMORY_LIMIT")
    if raw is None or raw == "":
        total = physical_memory()
        return int(total * DEFAULT_MEMORY_FRACTION) if total else None
    if raw.lower() == "none":
        return None
    try:
        return parse_bytes(raw)
    except ValueError:
        raise _bad(name, raw, BYTE_SIZE_EXPECTED + ", or none") from None


def data_limit() -> int:
    """``$QBENCH_DATA_LIMIT``: the most bytes a data file may hold, default 64 MiB."""
    name, raw = "QBENCH_DATA_LIMIT", _raw("QBENCH_DATA_LIMIT")
    if raw is None or raw == "":
        return DEFAULT_DATA_LIMIT
    try:
        return parse_bytes(raw)
    except ValueError:
        raise _bad(name, raw, BYTE_SIZE_EXPECTED) from None


def db_path() -> str | None:
    """``$QBENCH_DB`` when set: a non-empty path (an empty one would name the current folder)."""
    raw = os.environ.get("QBENCH_DB")
    if raw is None:
        return None
    if not raw.strip():
        raise QBenchError("QBENCH_DB must be a file path, got an empty value")
    return raw


def check_run_environment() -> None:
    """Read every variable ``qbench run`` uses, so a bad one is refused before the store is opened."""
    lease_seconds()
    memory_limit()
    db_path()


__all__ = ["VARIABLES", "parse_bytes", "lease_seconds", "memory_limit", "data_limit", "db_path",
           "check_run_environment", "physical_memory"]
