"""Running a suite: validate it, expand its jobs, skip those already done, run the rest, store each result.

:func:`execute` is the one entry point behind both :func:`run_suite` (the Python API) and
``qbench run``.  Every result is written the
moment its job finishes, in its own transaction, so Ctrl-C (or ``kill -9``) loses only
the jobs still running; the next run picks up where this one stopped.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qbench.run.environment import row_fields
from qbench import settings
from qbench.errors import QBenchError
from qbench.run.executors import check_executor, make_executor
from qbench.run.plan import check_budget
from qbench.secrets import blank_row, scrub
from qbench.suite.jobs import Job, canonical_json, expand, select
from qbench.results.store import COLUMNS, Store, StoreWriteError, default_db, inspect_file, lease_owner
from qbench.suite.parse import Suite, load_suite
from qbench.suite.schema import parse_byte_size


@dataclass
class RunSummary:
    """What one call of :func:`run_jobs` did."""

    suite: str
    total: int
    already_done: int = 0
    counts: dict = field(default_factory=lambda: {"done": 0, "failed": 0, "skipped": 0})
    interrupted: bool = False
    seconds: float = 0.0
    keys: list[str] = field(default_factory=list)
    elsewhere: int = 0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.counts["failed"] else 0

    def line(self, db: Path) -> str:
        c = self.counts
        ran = f"{c['done']} done, {c['failed']} failed, {c['skipped']} skipped"
        prior = f", {self.already_done} already done" if self.already_done else ""
        prior += f", {self.elsewhere} run by another runner" if self.elsewhere else ""
        stop = " -- interrupted, finished jobs kept" if self.interrupted else ""
        return f"{self.suite}: {self.total} jobs: {ran}{prior} in {self.seconds:.1f} s{stop}; results in {db}"


def row_for(job: Job, result: dict) -> dict:
    """The store row of a job: its config plus what the worker measured."""
    row = {
        "job_key": job.key, "suite": job.suite, "label": job.label, "dataset": job.dataset,
        "n_samples": job.n_samples, "n_features": job.n_features, "test_size": job.test_size,
        "dataset_params": scrub(job.dataset_params), "preprocess": job.preprocess, "model": job.model,
        "kind": job.kind, "baseline": job.baseline, "model_params": scrub(job.model_params), "grid": scrub(job.grid),
        "cv": job.cv,
        "backend": job.backend, "framework": job.framework, "mode": job.mode, "shots": job.shots, "seed": job.seed,
        "config": json.loads(canonical_json(job.identity())), "config_id": job.config_id,
    }
    row.update({k: v for k, v in result.items() if k in COLUMNS})
    # the one place environment columns are attached: the worker's when it reported one, else this process's
    # (a worker that never started, a Dask task lost with its worker, a job skipped here)
    row.update(row_fields(job.framework, result.get("environment")))
    return blank_row(row, job.secrets())


def _progress(total: int, enabled: bool | None, desc: str = ""):
    from tqdm.auto import tqdm

    disable = enabled is False or (enabled is None and not sys.stderr.isatty())
    return tqdm(total=total, unit="job", desc=desc, disable=disable, dynamic_ncols=True, file=sys.stderr, smoothing=0.1)


def run_jobs(suite: Suite, jobs: list[Job], store: Store, executor, *, timeout: float | None = None,
             memory_limit: int | None = None, rerun: bool = False, progress: bool | None = None) -> RunSummary:
    """Run the jobs not yet done (all of them with ``rerun``) on ``executor`` and store every result.

    The executor (:func:`qbench.run.executors.make_executor`) is made by the caller before the store is
    opened, so a cluster that cannot be reached leaves no store behind; it is closed here.  A store that
    cannot be written mid-run (disk full) stops the run: the workers are stopped, the leases released
    and :class:`~qbench.results.store.StoreWriteError` raised, every stored result kept.
    """
    t_start = time.perf_counter()
    summary = RunSummary(suite.name, len(jobs), keys=[j.key for j in jobs])
    status = store.statuses(summary.keys)
    pending = jobs if rerun else [j for j in jobs if status.get(j.key) != "done"]
    summary.already_done = len(jobs) - len(pending)
    timeout = suite.timeout if timeout is None else timeout
    memory_limit = suite.memory_limit if memory_limit is None else memory_limit
    if memory_limit is None:  # the documented default, so one runaway job cannot exhaust the machine
        memory_limit = settings.memory_limit()
    bar = _progress(len(pending), progress, suite.name)
    leases = None
    fault: StoreWriteError | None = None

    def record(job: Job, result: dict) -> None:
        store.record(row_for(job, result))
        summary.counts[result["status"]] = summary.counts.get(result["status"], 0) + 1
        bar.set_postfix_str(", ".join(f"{k} {v}" for k, v in summary.counts.items()), refresh=False)
        bar.update(1)

    try:
        executor.journal = str(store.path.resolve())  # workers journal hardware submissions there
        define_suite(store, suite)
        leases = Leases(store, rerun)
        runnable = []
        for job in pending:
            if job.skip_reason:  # a backend whose plugin is not loaded here: nothing to run
                record(job, {"status": "skipped", "error_type": "Unavailable", "error_message": job.skip_reason,
                             "artifacts": {"skip_reason": job.skip_reason}})
            else:
                runnable.append(job)
        if runnable:
            for job, result in executor.run(runnable, timeout, memory_limit, claim=leases.claim):
                record(job, result)
        while leases.held:  # jobs another runner holds: wait until they are done or their lease lapses
            for job, result in executor.run(leases.wait_for_held(), timeout, memory_limit):
                record(job, result)
    except KeyboardInterrupt:
        summary.interrupted = True
        executor.shutdown()
    except StoreWriteError as exc:  # disk full, I/O error: stop, keep what is stored, release the leases
        fault = exc
        executor.shutdown()
    except BaseException:
        executor.shutdown()
        raise
    finally:
        executor.close()
        if leases is not None:
            try:
                leases.close()
            except StoreWriteError as exc:  # never hides the error that ended the run
                fault = fault or exc
            summary.elsewhere = leases.elsewhere
        bar.close()
        summary.seconds = time.perf_counter() - t_start
    if fault is not None:
        stored = sum(summary.counts.values())
        raise StoreWriteError(f"{fault}; the run stopped: {stored} of {len(pending)} jobs stored, every stored "
                              "result is kept and a later run resumes from them") from None
    return summary


def define_suite(store: Store, suite: Suite) -> None:
    """Record the suite's configurations as its latest definition (rows of other configurations become superseded)."""
    store.define(suite.name, [j.config_id for j in expand(suite)])


class Leases:
    """This runner's claims on jobs, so runners sharing a store split the work: each job is claimed before
    it runs, its lease renewed while it runs and released at the end; a dead runner's leases lapse."""

    def __init__(self, store: Store, rerun: bool = False) -> None:
        from qbench.run.worker import now

        self.store, self.rerun = store, rerun
        self.seconds = settings.lease_seconds()
        self.owner = lease_owner()
        self.since = now()
        self.held: list[Job] = []
        self.elsewhere = 0
        self._stop = threading.Event()
        self.reserve = store.reserve()
        self._renewer = threading.Thread(target=self._renew, name="qbench-leases", daemon=True)
        self._renewer.start()

    def claim(self, job: Job) -> bool:
        """Take the job (True), or leave it: done by another runner, or held by one (tried again later)."""
        state = self.store.claim(job.key, job.suite, job.label, job.config_id, self.owner, self.seconds,
                                 self.since, self.rerun)
        if state == "held":
            self.held.append(job)
        self.elsewhere += state == "done"
        return state == "claimed"

    def wait_for_held(self) -> list[Job]:
        """Block until some held jobs can be claimed (returned, claimed) or none is left held (empty list)."""
        while True:
            waiting, self.held = self.held, []
            taken = [job for job in waiting if self.claim(job)]
            if taken or not self.held:
                return taken
            time.sleep(min(1.0, self.seconds / 4))

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                self.store.renew(self.owner, self.seconds)
            except Exception:  # a busy or closed store: the next renewal tries again
                pass

    def close(self) -> None:
        """Stop renewing and release every lease; on a full disk the reserve is freed first to make room."""
        self._stop.set()
        self._renewer.join(5)
        try:
            self.store.release(self.owner)
        except StoreWriteError:
            self.reserve.unlink(missing_ok=True)
            self.store.release(self.owner)
        finally:
            self.reserve.unlink(missing_ok=True)


def open_store_for(db: Path, executor) -> Store:
    """Open (or create) the store; close the executor if that fails, since nothing will run on it."""
    try:
        return Store(db)
    except BaseException:
        executor.close()
        raise


def prepare(path: str | Path, only=None) -> tuple[Suite, list[Job]]:
    """Load, validate and expand a suite (a file path, or the name of a shipped suite)."""
    from qbench.suite.catalog import find_suite

    suite = load_suite(find_suite(path))
    jobs = expand(suite)
    patterns = [only] if isinstance(only, str) else list(only or [])
    selected = select(jobs, patterns)
    if patterns and not selected:
        raise QBenchError(f"--only {' '.join(patterns)!r} matches none of the suite's {len(jobs)} jobs "
                          f"(labels look like {jobs[0].label!r})" if jobs else "the suite has no jobs")
    return suite, selected


#: How :func:`execute` names its arguments in error messages: as the Python API does, or as ``qbench run``.
API_NAMES = {"timeout": "timeout", "memory_limit": "memory limit"}
CLI_NAMES = {"timeout": "--timeout", "memory_limit": "--memory-limit"}


#: The longest a job may be given (a week): beyond it, and for nan or inf, a timeout is a typo.
MAX_TIMEOUT = 7 * 86400.0
#: The most jobs run in parallel (workers or Dask threads) one runner starts.
MAX_JOBS = 1024


def check_arguments(timeout: float | None, memory_limit: int | str | None, executor: str, jobs: int,
                    address: str | None, names: dict[str, str] = API_NAMES) -> int | None:
    """One-line errors for run arguments (and the ``QBENCH_*`` variables a run reads) that cannot work;
    returns the memory limit in bytes."""
    if timeout is not None and not (isinstance(timeout, (int, float)) and 0 < timeout <= MAX_TIMEOUT):
        shown = f"{timeout:g}" if isinstance(timeout, (int, float)) else repr(timeout)
        raise QBenchError(f"{names['timeout']} must be > 0 seconds, at most {MAX_TIMEOUT:g} (a week), got {shown}")
    if isinstance(jobs, int) and jobs > MAX_JOBS:
        raise QBenchError(f"-j/--jobs must be at most {MAX_JOBS}, got {jobs}")
    settings.check_run_environment()
    limit = parse_byte_size(memory_limit, names["memory_limit"]) if memory_limit is not None else None
    check_executor(executor, jobs, address)
    return limit


def job_statuses(path: str | Path, db: str | Path | None = None, only=None) -> list[tuple[str, Job]]:
    """The suite's (selected) jobs with their status in the store (``pending`` when not stored); runs nothing."""
    _, selected = prepare(path, only)
    db = Path(db) if db is not None else default_db()
    statuses = {}
    if inspect_file(db) is not None:
        with Store(db, create=False) as store:
            statuses = store.statuses([j.key for j in selected])
    return [(statuses.get(j.key, "pending"), j) for j in selected]


def execute(path: str | Path, db: str | Path | None = None, jobs: int = 1, executor: str = "local",
            address: str | None = None, timeout: float | None = None, rerun: bool = False, only=None,
            memory_limit: int | str | None = None, progress: bool | None = None,
            names: dict[str, str] = API_NAMES) -> tuple[RunSummary, Path]:
    """Check the arguments, validate and expand the suite, then run it into the store: ``(summary, db)``.

    Bad input raises :class:`~qbench.errors.QBenchError` before the store is touched; Ctrl-C
    ends the run with ``summary.interrupted`` set and every finished job kept.
    """
    limit = check_arguments(timeout, memory_limit, executor, jobs, address, names)
    suite, selected = prepare(path, only)
    check_budget(suite, selected)  # before the store or any backend is touched
    db = Path(db) if db is not None else default_db()
    inspect_file(db)  # refuse a foreign or newer store before connecting to anything
    ex = make_executor(executor, jobs, address)
    with open_store_for(db, ex) as store:
        summary = run_jobs(suite, selected, store, ex, timeout=timeout, memory_limit=limit, rerun=rerun,
                           progress=progress)
    return summary, db


def run_suite(path: str | Path, db: str | Path | None = None, jobs: int = 1, executor: str = "local",
              address: str | None = None, timeout: float | None = None, rerun: bool = False, only=None,
              memory_limit: int | str | None = None, progress: bool | None = None):
    """Run a suite and return its results as a ``pandas.DataFrame`` (one row per job of the suite).

    ``summary`` (a :class:`RunSummary`) is in ``df.attrs``.  Ctrl-C stops the run, keeps
    every finished job and re-raises ``KeyboardInterrupt``.
    """
    from qbench.results.tables import load

    summary, db = execute(path, db, jobs, executor, address, timeout, rerun, only, memory_limit, progress)
    if summary.interrupted:
        print(summary.line(db), file=sys.stderr)
        raise KeyboardInterrupt
    df = load(db, keys=summary.keys)
    df.attrs["summary"] = summary
    return df


__all__ = ["run_suite", "execute", "job_statuses", "run_jobs", "prepare", "open_store_for", "RunSummary", "row_for"]
