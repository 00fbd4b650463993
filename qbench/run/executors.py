"""Where jobs run: an embedded pool of worker processes (``local``) or a Dask cluster (``dask``).

Both run every job inside a :class:`WorkerProcess` -- a long-lived ``python -m qbench.run.worker``
child that runs one job at a time -- so the same code computes every result, isolation is
the same, and the results are identical.  A job that raises becomes a failed result in the
worker; a job that kills its worker (segfault, out-of-memory kill) or outlives its timeout
becomes a failed result here, and the worker is replaced for the next job.

On Dask each worker thread keeps its own :class:`WorkerProcess`; the Dask task only passes
the job through and blocks until it finishes.  Each future is released as soon as its row is
stored, so a Dask worker that dies costs only the jobs it was running.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing.connection import Connection
from typing import Iterator

from qbench.errors import QBenchError
from qbench.suite.jobs import Job
from qbench.run.worker import now

STARTUP_TIMEOUT = 300.0
LOG_TAIL = 8000
#: A worker's stderr log is emptied between jobs once it is larger than this.
LOG_LIMIT = 4 * 2**20
EXECUTORS = ("local", "dask")
DASK_MISSING = '--executor dask needs Dask distributed; install with: pip install "qbench[dask]"'
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def crash_result(error_type: str, message: str, traceback: str = "") -> dict:
    from qbench.run.artifacts import failure_artifacts

    return {"status": "failed", "error_type": error_type, "error_message": message,
            "artifacts": failure_artifacts(error_type, message, traceback)}


def _describe_exit(code: int) -> tuple[str, str]:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGSEGV":
            return "Segfault", "the worker process crashed with SIGSEGV (segmentation fault)"
        if name == "SIGKILL":
            return "Killed", ("the worker process was killed with SIGKILL; the kernel's out-of-memory killer "
                              "is the usual cause")
        return "WorkerCrash", f"the worker process died from {name}"
    return "WorkerCrash", f"the worker process exited with code {code} during the job"


def worker_environment(threads: int | None) -> dict:
    """The worker's environment: BLAS/OpenMP threads pinned unless the user set them."""
    env = dict(os.environ)
    if threads:
        for var in THREAD_VARIABLES:
            env.setdefault(var, str(threads))
    return env


def job_payload(job: Job, journal: str | None = None) -> dict:
    """What a worker process receives: the job, and the store its remote jobs are journalled in (if any)."""
    payload = job.payload()
    if journal:
        payload["remote_journal"] = journal
    return payload


class WorkerProcess:
    """One worker process, started on first use and replaced after a crash or a timeout."""

    def __init__(self, env: dict | None = None) -> None:
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.conn: Connection | None = None
        self.log = None
        self.ready = False
        self.closed = False
        # kill() and close() are called from the slot thread and from the runner's thread (shutdown, close):
        # the connection is handed to exactly one of them, so a descriptor is never closed twice (a second
        # os.close could close a descriptor another thread has since been given).
        self._lock = threading.Lock()
        #: The worker's environment (:func:`qbench.run.environment.capture`), as it reported it on start.
        self.environment: dict | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        ours, theirs = socket.socketpair()
        self.log = tempfile.TemporaryFile(prefix="qbench-worker-")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "qbench.run.worker", str(theirs.fileno())], pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=self.env, close_fds=True)
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def _log_tail(self, since: int = 0) -> str:
        if self.log is None:
            return ""
        try:
            size = os.fstat(self.log.fileno()).st_size
            start = max(since, size - LOG_TAIL)
            return os.pread(self.log.fileno(), size - start, start).decode("utf-8", "replace")
        except OSError:
            return ""

    def _wait_ready(self) -> dict | None:
        """``None`` when ready, else a failed result describing why the worker did not start."""
        if self.conn.poll(STARTUP_TIMEOUT):
            try:
                self.environment = self.conn.recv().get("environment")
                self.ready = True
                return None
            except (EOFError, OSError):
                pass
        code = self.kill()
        return crash_result("WorkerStartError", f"the worker process did not start (exit code {code})",
                            self._log_tail())

    def kill(self) -> int | None:
        """Kill the process (if any) and return its exit code."""
        code = None
        proc = self.proc
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            try:
                code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                code = None
        with self._lock:
            conn, self.conn = self.conn, None
            self.proc, self.ready = None, False
        if conn is not None:
            conn.close()
        return code

    def close(self) -> None:
        """Ask the worker to exit, then make sure it has."""
        self.closed = True
        proc, conn = self.proc, self.conn
        if proc is not None and proc.poll() is None and conn is not None:
            try:
                conn.send(None)
                proc.wait(timeout=5)
            except (OSError, ValueError, subprocess.TimeoutExpired):  # ValueError: closed meanwhile by kill()
                pass
        self.kill()
        with self._lock:
            log, self.log = self.log, None
        if log is not None:
            log.close()

    # ------------------------------------------------------------ running
    def run(self, payload: dict, timeout: float | None = None, memory_limit: int | None = None) -> dict:
        """Run one job to completion; returns its result (failed on crash or timeout), with ``wall_time`` and
        the ``environment`` of the worker process that ran it (crashed or not)."""
        result = self._run(payload, timeout, memory_limit)
        if self.environment is not None:
            result.setdefault("environment", self.environment)
        return result

    def _run(self, payload: dict, timeout: float | None, memory_limit: int | None) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self.kill()
            self.start()
        if not self.ready:
            failed = self._wait_ready()
            if failed:
                return failed
        log_start = os.fstat(self.log.fileno()).st_size
        if log_start > LOG_LIMIT:  # the offset is shared with the worker: it writes from 0 again
            self.log.seek(0)
            self.log.truncate()
            log_start = 0
        started = now()
        t0 = time.perf_counter()
        try:
            self.conn.send((payload, memory_limit))
            if self.conn.poll(timeout):
                result = self.conn.recv()
                result["wall_time"] = time.perf_counter() - t0
                return result
        except (EOFError, OSError):
            pass
        wall = time.perf_counter() - t0
        if self.closed:
            self.kill()
            return {**crash_result("Interrupted", "the run was stopped while this job was running"), "wall_time": wall}
        if self.proc is not None and self.proc.poll() is None and timeout is not None and wall >= timeout:
            self.kill()
            result = crash_result("Timeout", f"the job did not finish within its timeout of {timeout:g} s",
                                  self._log_tail(log_start))
        else:
            code = self.kill()
            error_type, message = _describe_exit(code if code is not None else -9)
            result = crash_result(error_type, message, self._log_tail(log_start))
        result.update(wall_time=wall, total_time=wall, started_at=started, finished_at=now())
        return result


# ---------------------------------------------------------------- local pool
class JobBoard:
    """Pending jobs, handed out with framework affinity: a worker gets jobs of frameworks it has already imported.

    Importing a framework costs seconds (PennyLane, Cirq, Qiskit); without affinity every
    worker ends up importing every framework of the suite.
    """

    #: Frameworks every worker has from the start.
    PRELOADED = frozenset({"numpy", "scikit-learn"})

    def __init__(self, jobs: list[Job]) -> None:
        self.pending = list(jobs)
        self.lock = threading.Lock()
        self.claimed: dict[int, set[str]] = {}

    def take(self, slot: int) -> Job | None:
        with self.lock:
            if not self.pending:
                return None
            mine = self.claimed.setdefault(slot, set()) | self.PRELOADED
            pick = next((j for j in self.pending if j.framework in mine), None)
            if pick is None:
                others = set().union(*(f for s, f in self.claimed.items() if s != slot))
                counts: dict[str, int] = {}
                for j in self.pending:
                    counts[j.framework] = counts.get(j.framework, 0) + 1
                free = [f for f in counts if f not in others] or list(counts)
                framework = max(free, key=lambda f: counts[f])
                pick = next(j for j in self.pending if j.framework == framework)
            self.pending.remove(pick)
            self.claimed[slot].add(pick.framework)
            return pick


def _claimed(claim, job: Job, done: queue.Queue) -> bool:
    """Ask ``claim`` for the job; a refused job is reported as ``(job, None)`` so the run still counts it."""
    if claim is None:
        return True
    try:
        if claim(job):
            return True
        done.put((job, None))
    except Exception as exc:  # the store could not be written: report it like any runner error
        done.put((job, crash_result("RunnerError", f"could not claim the job in the store: {exc}")))
    return False


class LocalExecutor:
    """``-j N`` worker processes on this machine, one thread each feeding its worker from a :class:`JobBoard`."""

    name = "local"
    #: The results store's path, where workers journal remote jobs (set by the runner).
    journal: str | None = None

    def __init__(self, jobs: int = 1, threads_per_job: int | None = None) -> None:
        self.jobs = max(1, int(jobs))
        cpus = os.cpu_count() or 1
        self.env = worker_environment(threads_per_job or max(1, cpus // self.jobs))
        self.workers: list[WorkerProcess] = []
        self.threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def run(self, jobs: list[Job], timeout: float | None, memory_limit: int | None,
            claim=None) -> Iterator[tuple[Job, dict]]:
        """Results as jobs finish; ``claim(job)`` (if given) is asked just before each job starts, and a job
        it refuses is not run."""
        board = JobBoard(jobs)
        done: queue.Queue = queue.Queue()
        n = min(self.jobs, len(jobs))
        self.workers = [WorkerProcess(self.env) for _ in range(n)]
        for w in self.workers:
            w.start()  # start them all at once; each slot waits for its own to be ready

        def slot(index: int, worker: WorkerProcess) -> None:
            while not self._stop.is_set():
                job = board.take(index)
                if job is None:
                    break
                if not _claimed(claim, job, done):
                    continue
                try:
                    result = worker.run(job_payload(job, self.journal), timeout, memory_limit)
                except Exception as exc:  # a bug here must not hang the run
                    result = crash_result("RunnerError", f"{type(exc).__name__}: {exc}")
                if self._stop.is_set():
                    break
                done.put((job, result))
            worker.close()

        threads = self.threads = [threading.Thread(target=slot, args=(i, w), name=f"qbench-slot-{i}", daemon=True)
                                  for i, w in enumerate(self.workers)]
        for t in threads:
            t.start()
        received = 0
        while received < len(jobs):
            try:
                item = done.get(timeout=0.2)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and done.empty():
                    break
                continue
            received += 1
            if item[1] is not None:
                yield item

    def shutdown(self) -> None:
        """Stop: running jobs are abandoned, their workers killed."""
        self._stop.set()
        for w in self.workers:
            w.closed = True
            w.kill()

    def close(self) -> None:
        for t in self.threads:  # each slot closes its own worker as it ends; let it finish first
            t.join(timeout=10)
        for w in self.workers:
            w.close()


# ---------------------------------------------------------------- dask
_DASK_WORKERS: dict[int, WorkerProcess] = {}
_DASK_LOCK = threading.Lock()


def run_on_dask_worker(payload: dict, timeout: float | None, memory_limit: int | None) -> dict:
    """The Dask task: run the job in this Dask worker thread's own worker process."""
    ident = threading.get_ident()
    with _DASK_LOCK:
        worker = _DASK_WORKERS.get(ident)
        if worker is None or worker.closed:
            worker = _DASK_WORKERS[ident] = WorkerProcess(worker_environment(1))
    return worker.run(payload, timeout, memory_limit)


def close_dask_worker_processes() -> int:
    """Stop the worker processes this Dask worker started (run on every worker at the end of a suite)."""
    with _DASK_LOCK:
        workers = list(_DASK_WORKERS.values())
        _DASK_WORKERS.clear()
    for w in workers:
        w.close()
    return len(workers)


class DaskExecutor:
    """Jobs as Dask tasks: on the scheduler at ``address``, or on an in-process LocalCluster with ``jobs`` threads."""

    name = "dask"
    #: The results store's path, where workers journal remote jobs (set by the runner; a shared file system).
    journal: str | None = None

    def __init__(self, jobs: int = 1, address: str | None = None) -> None:
        try:
            import logging

            from distributed import Client, LocalCluster
        except ImportError:
            raise QBenchError(DASK_MISSING) from None
        self.cluster = None
        self.closed = False
        self.futures: dict = {}
        try:
            if address:
                self.client = Client(address, timeout=30)
            else:
                self.cluster = LocalCluster(n_workers=1, threads_per_worker=max(1, int(jobs)), processes=False,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise QBenchError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None

    def run(self, jobs: list[Job], timeout: float | None, memory_limit: int | None,
            claim=None) -> Iterator[tuple[Job, dict]]:
        """Results as jobs finish; every job is claimed (``claim``, if given) when it is submitted."""
        from distributed import as_completed

        jobs = [job for job in jobs if claim is None or claim(job)]

        token = uuid.uuid4().hex[:8]
        self.futures = {self.client.submit(run_on_dask_worker, job_payload(job, self.journal), timeout, memory_limit,
                                           key=f"qbench-{job.key}-{token}", pure=False, retries=0): job
                        for job in jobs}
        for future in as_completed(list(self.futures)):
            job = self.futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the Dask worker itself died (KilledWorker) or the task was lost
                result = crash_result(type(exc).__name__, f"Dask could not run the job: {exc}")
            yield job, result
            # the row is stored now: let go of the future, so the scheduler forgets its result and a worker that
            # dies later does not take a finished job with it (Dask recomputes lost results a client still holds)
            del self.futures[future]
            future.release()
            del future

    def shutdown(self) -> None:
        for future in self.futures:
            future.cancel()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.client.run(close_dask_worker_processes)
        except Exception:  # a cluster that is already gone has nothing left to clean up
            pass
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def check_executor(kind: str, jobs: int, address: str | None) -> None:
    """One-line errors for executor arguments that cannot work (checked before anything runs)."""
    if kind not in EXECUTORS:
        raise QBenchError(f"unknown executor {kind!r}; expected one of {', '.join(EXECUTORS)}")
    if address and kind != "dask":
        raise QBenchError("--address is only used with --executor dask")
    if int(jobs) < 1:
        raise QBenchError(f"-j/--jobs must be >= 1, got {jobs}")
    if kind == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise QBenchError(DASK_MISSING)


def make_executor(kind: str = "local", jobs: int = 1, address: str | None = None):
    check_executor(kind, jobs, address)
    return LocalExecutor(jobs) if kind == "local" else DaskExecutor(jobs, address)
