"""Remote calls: transient errors retried with bounded backoff, every other failure one error with the provider's message."""

import pytest

from qbench.backends.remote import RETRY_ATTEMPTS, RemoteJobError, is_transient, retry_delays, with_retries
from qbench.errors import QBenchError


class ProviderError(Exception):
    """Stands in for a provider's API error type (status in the message, as IBM's RequestsApiError words it)."""


class JobFailure(Exception):
    """Stands in for a provider's "the job failed" error (IBM's RuntimeJobFailureError): never transient."""


def flaky(failures: list[BaseException], value="ok"):
    calls = []

    def call():
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return value
    return call, calls


def test_transient_errors_are_retried_with_bounded_exponential_backoff():
    waits = []
    call, calls = flaky([ConnectionError("reset"), ProviderError("503 Service Unavailable")])
    assert with_retries(call, "submitting", transient=(ProviderError,), sleep=waits.append) == "ok"
    assert len(calls) == 3 and waits == [2.0, 4.0]
    assert retry_delays() == [2.0, 4.0, 8.0] and sum(retry_delays()) == 14.0


def test_a_transient_error_that_outlasts_the_attempts_fails_with_the_last_message():
    waits = []
    call, calls = flaky([TimeoutError("slow")] * 10)
    with pytest.raises(RemoteJobError, match=r"waiting for job abc failed after 4 attempts: TimeoutError: slow"):
        with_retries(call, "waiting for job abc", sleep=waits.append)
    assert len(calls) == RETRY_ATTEMPTS and waits == [2.0, 4.0, 8.0]


def test_a_remote_failure_is_not_retried_and_keeps_the_providers_message():
    waits = []
    call, calls = flaky([JobFailure("Job failed: 8004 the circuit is too deep\n for this device")])
    with pytest.raises(RemoteJobError) as exc:
        with_retries(call, "job d1f3", transient=(ProviderError,), sleep=waits.append)
    assert len(calls) == 1 and waits == []
    assert str(exc.value) == "job d1f3 failed: JobFailure: Job failed: 8004 the circuit is too deep for this device"
    assert isinstance(exc.value, QBenchError)  # the worker stores it as a failed row


@pytest.mark.parametrize("exc, transient", [
    (ConnectionError(), True), (TimeoutError(), True), (ValueError("503"), False),
    (ProviderError("HTTP 429 too many requests"), True), (ProviderError("500 internal"), True),
    (ProviderError("401 unauthorized"), False), (ProviderError("no answer"), True),
])
def test_what_counts_as_transient(exc, transient):
    assert is_transient(exc, (ProviderError,)) is transient
