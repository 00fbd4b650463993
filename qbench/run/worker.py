"""The worker process: receives jobs from the runner over a socket, runs them one at a time, sends back results.

Started as ``python -m qbench.run.worker FD`` by :class:`qbench.run.executors.WorkerProcess`.  It
ignores Ctrl-C (the runner decides what happens), dumps a Python traceback to stderr on a
fatal signal (``faulthandler``; the runner stores it for a segfault), exits when the
runner dies, and for each job resets the peak-RSS counter, applies the memory limit, installs
the job's remote job journal (in the runner's store) and turns any exception into a ``failed``
result with its type and traceback.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import os
import resource
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from multiprocessing.connection import Connection

from qbench.backends.remote import RemoteJournal, journal_scope
from qbench.run.artifacts import failure_artifacts
from qbench.run.journal import StoreJournal
from qbench.run.environment import capture
from qbench.secrets import blank
from qbench.suite.jobs import Job


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_memory() -> bool:
    """Reset the kernel's peak-RSS counter (Linux), so the next reading is this job's peak."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_memory() -> int:
    """Peak resident memory in bytes since the last reset (or of the whole process where reset is unsupported)."""
    kb = _status_kb("VmHWM")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(kb) * 1024


@contextmanager
def memory_limit(extra_bytes: int | None):
    """Cap the address space at its current size plus ``extra_bytes`` (allocations beyond raise MemoryError)."""
    if not extra_bytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = (_status_kb("VmSize") or 0) * 1024
    limit = current + int(extra_bytes)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run_job(payload: dict, limit: int | None = None) -> dict:
    """Run one job here and return its result fields; never raises for a job's own errors.

    ``payload["remote_journal"]`` (the store's path, set by the runner) makes the job's hardware
    submissions journalled there (:mod:`qbench.run.journal`), so a re-run re-attaches to them.
    """
    payload = dict(payload)
    journal_db = payload.pop("remote_journal", None)
    job = Job.from_payload(payload)
    started = now()
    reset_peak_memory()
    t0 = time.perf_counter()
    journal = StoreJournal(journal_db, job.key, job.secrets()) if journal_db else RemoteJournal()
    try:
        with memory_limit(limit), journal_scope(journal):
            from qbench.run.evaluate import evaluate

            result = evaluate(job)
    except Exception as exc:  # the job failed; the worker carries on
        error_type = type(exc).__name__
        message = str(exc) or error_type
        if isinstance(exc, MemoryError) and limit:
            message = f"job exceeded its memory limit of {limit / 2**20:.0f} MiB ({message})"
        secrets = job.secrets()
        message = blank(message, secrets)
        tb = blank(traceback.format_exc(), secrets)
        result = {"status": "failed", "error_type": error_type, "error_message": message,
                  "artifacts": failure_artifacts(error_type, message, tb), "total_time": time.perf_counter() - t0}
    result.update(started_at=started, finished_at=now(), peak_memory=peak_memory())
    return result


def _exit_with_parent(parent: int) -> None:
    """Leave when the runner is gone (killed with -9, say), so no worker outlives it."""
    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)
    threading.Thread(target=watch, name="qbench-parent-watch", daemon=True).start()


def main(argv: list[str]) -> None:
    fd = int(argv[0])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable(file=sys.stderr, all_threads=False)
    _exit_with_parent(os.getppid())
    conn = Connection(fd)
    import qbench.run.evaluate  # noqa: F401  -- heavy imports before the first job's clock starts

    capture()
    conn.send({"ready": os.getpid(), "environment": capture()})
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        payload, limit = message
        result = run_job(payload, limit)
        try:
            conn.send(result)
        except OSError:
            break


if __name__ == "__main__":
    main(sys.argv[1:])
