"""Calls to a remote provider (hardware submission, waiting for results): bounded retries of transient errors.

A transient error (the network dropped, a timeout, the provider answered 429 or 5xx) is retried up to
:data:`RETRY_ATTEMPTS` times in all, waiting :data:`RETRY_BASE_DELAY` x 2^k seconds between attempts
(capped at :data:`RETRY_MAX_DELAY`): 2, 4, 8 s, at most 14 s of waiting per call.  Any other error, or
a transient one that outlasts the attempts, raises :class:`RemoteJobError` with the provider's own
message, which the runner stores as a failed row (never a lost one).  Plugins pass their provider's
transient exception types; the core knows only Python's.
"""

from __future__ import annotations

import re
import time
from typing import Callable, TypeVar

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


__all__ = ["RETRY_ATTEMPTS", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "TRANSIENT_ERRORS", "RemoteJobError",
           "is_transient", "retry_delays", "with_retries"]
