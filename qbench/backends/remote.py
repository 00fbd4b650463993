"""Calls to a remote provider (hardware submission, waiting for results): bounded retries of transient errors.

A transient error (the network dropped, a timeout, the provider answered 429 or 5xx) is retried up to
:data:`RETRY_ATTEMPTS` times in all, waiting :data:`RETRY_BASE_DELAY` x 2^k seconds between attempts
(capped at :data:`RETRY_MAX_DELAY`): 2, 4, 8 s, at most 14 s of waiting per call.  Any other error, or
a transient one that outlasts the attempts, raises :class:`RemoteJobError` with the provider's own
message, which the runner stores as a failed row (never a lost one).  Plugins pass their provider's
transient exception types; the core knows only Python's.

The remote job journal: a backend submits through :func:`submit_or_attach` and waits through
:func:`await_result`.  Each submission is keyed by its index within the qbench job and a hash of
what it submits (circuits, parameter values, shots, seed), and its remote id is journalled
(:class:`RemoteJournal`) *before* the result is awaited.  The runner's worker installs a journal
backed by the results store for each job (:func:`journal_scope`), so a re-run after ``kill -9``
finds the id of each submission it already paid for and re-attaches to that remote job (pending
or finished) instead of submitting it again; a changed job hashes differently and never
re-attaches to a stale remote job.  Outside the runner the journal remembers nothing.
"""

from __future__ import annotations

import hashlib
import re
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from qbench.errors import QBenchError

RETRY_ATTEMPTS = 4
RETRY_BASE_DELAY = 2.0
RETRY_MAX_DELAY = 8.0
#: Python's own transient errors; plugins add their provider's (``transient=`` of :func:`with_retries`).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)
_STATUS = re.compile(r"\b(429|50[0-4])\b")

T = TypeVar("T")


class RemoteJobError(QBenchError):
    """A remote call failed for good: what was being done, and the provider's message."""


def is_transient(exc: BaseException, transient: tuple[type[BaseException], ...] = ()) -> bool:
    """Worth retrying: Python's network and timeout errors, or a provider error of a ``transient`` type
    whose HTTP status (``status_code``, or a status named in its message) is 429 or 5xx, or that has none
    (the request never got an answer)."""
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    if not isinstance(exc, transient):
        return False
    status = getattr(exc, "status_code", None)
    if status is not None:
        return int(status) == 429 or 500 <= int(status) <= 504
    named = re.findall(r"\b([1-5]\d\d)\b", str(exc))
    return not named or bool(_STATUS.search(str(exc)))


def retry_delays(attempts: int = RETRY_ATTEMPTS) -> list[float]:
    """The waits between attempts: base x 2^k, capped."""
    return [min(RETRY_BASE_DELAY * 2**k, RETRY_MAX_DELAY) for k in range(attempts - 1)]


def with_retries(call: Callable[[], T], what: str, transient: tuple[type[BaseException], ...] = (),
                 attempts: int = RETRY_ATTEMPTS, sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, retried on transient errors with bounded exponential backoff; RemoteJobError otherwise."""
    delays = retry_delays(attempts)
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 -- classified below; nothing is swallowed
            if is_transient(exc, transient) and attempt < attempts - 1:
                sleep(delays[attempt])
                continue
            message = " ".join(str(exc).split()) or "(no message)"
            tries = f" after {attempt + 1} attempts" if attempt else ""
            raise RemoteJobError(f"{what} failed{tries}: {type(exc).__name__}: {message}") from exc
    raise AssertionError("unreachable")


class RemoteJournal:
    """Where a backend journals its remote submissions within one qbench job.

    This base remembers nothing (a backend used outside the runner); :class:`qbench.run.journal.StoreJournal`
    keeps them in the results store.  ``submitted`` and ``reattached`` count this job's submissions.
    """

    def __init__(self) -> None:
        self.index = 0
        self.submitted = 0
        self.reattached = 0

    def submission(self, *parts: bytes | str | int | float | None) -> str:
        """The next submission's key: ``index:hash``, the index within the job and a hash of what is submitted."""
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode())
            digest.update(b"\0")
        key = f"{self.index}:{digest.hexdigest()[:20]}"
        self.index += 1
        return key

    def lookup(self, submission: str) -> str | None:
        """The remote id an earlier run journalled for this submission (not one that failed remotely)."""
        return None

    def record(self, submission: str, backend: str, remote_id: str) -> None:
        """Journal a submission's remote id; called before its result is awaited."""

    def finish(self, submission: str, status: str, message: str | None = None) -> None:
        """Mark a submission ``done`` or ``failed`` (a failed one is submitted anew by a later run)."""

    def close(self) -> None:
        """Let go of whatever the journal holds open."""


_JOURNAL: list[RemoteJournal] = [RemoteJournal()]


def current_journal() -> RemoteJournal:
    """The journal of the job running in this process (one that remembers nothing outside the runner)."""
    return _JOURNAL[-1]


@contextmanager
def journal_scope(journal: RemoteJournal) -> Iterator[RemoteJournal]:
    """Make ``journal`` the current one while a job runs (the worker does this around each job)."""
    _JOURNAL.append(journal)
    try:
        yield journal
    finally:
        _JOURNAL.remove(journal)
        journal.close()


def submit_or_attach(parts: tuple, backend: str, submit: Callable[[], T], attach: Callable[[str], T | None],
                     job_id: Callable[[T], str], transient: tuple[type[BaseException], ...] = (),
                     counts: dict | None = None) -> tuple[str, T]:
    """``(key, remote job)``: the remote job an earlier run journalled for this submission, found again with
    ``attach(id)``, or else a new one from ``submit()``, journalled before it is returned.  ``counts`` (a
    backend's usage, say) gets ``submitted`` or ``reattached`` added to.

    ``attach`` returns ``None`` where the provider cannot hand a job back (local testing mode); a journalled
    job the provider no longer knows (``attach`` fails) is submitted anew and the new id replaces the old.
    """
    journal = current_journal()
    key = journal.submission(backend, *parts)
    earlier = journal.lookup(key)
    if earlier is not None:
        try:
            job = with_retries(lambda: attach(earlier), f"re-attaching to job {earlier} on {backend}", transient)
        except RemoteJobError:
            job = None
        if job is not None:
            journal.reattached += 1
            _add(counts, "reattached")
            return key, job
    job = with_retries(submit, f"submitting to {backend}", transient)
    journal.submitted += 1
    _add(counts, "submitted")
    journal.record(key, backend, str(job_id(job)))
    return key, job


def _add(counts: dict | None, what: str) -> None:
    if counts is not None:
        for name in ("submitted", "reattached"):
            counts.setdefault(name, 0)
        counts[what] += 1


def await_result(key: str, call: Callable[[], T], what: str, transient: tuple[type[BaseException], ...] = ()) -> T:
    """The result of the journalled submission ``key`` (``call()`` with retries); the journal learns how it ended."""
    journal = current_journal()
    try:
        result = with_retries(call, what, transient)
    except RemoteJobError as exc:
        journal.finish(key, "failed", str(exc))
        raise
    journal.finish(key, "done")
    return result


__all__ = ["RETRY_ATTEMPTS", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "TRANSIENT_ERRORS", "RemoteJobError",
           "RemoteJournal", "await_result", "current_journal", "is_transient", "journal_scope", "retry_delays",
           "submit_or_attach", "with_retries"]
