"""Remote calls: transient errors retried with bounded backoff, every other failure one error with the provider's message."""

import pytest

from qbench.backends.remote import (RETRY_ATTEMPTS, RemoteJobError, RemoteJournal, await_result, current_journal,
                                   is_transient, journal_scope, retry_delays, submit_or_attach, with_retries)
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


# ------------------------------------------------------------------ the remote job journal
class DictJournal(RemoteJournal):
    """A journal kept in a dict shared by the "runs" of one job (as the store keeps it between runs)."""

    def __init__(self, kept: dict) -> None:
        super().__init__()
        self.kept = kept

    def lookup(self, submission):
        entry = self.kept.get(submission)
        return entry[0] if entry and entry[1] != "failed" else None

    def record(self, submission, backend, remote_id):
        self.kept[submission] = (remote_id, "submitted")

    def finish(self, submission, status, message=None):
        self.kept[submission] = (self.kept[submission][0], status)


class Provider:
    """Numbers the jobs it is sent; hands back the ones it has by id."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []
        self.attached: list[str] = []

    def submit(self, what):
        self.sent.append(what)
        return f"job-{len(self.sent)}"

    def attach(self, job_id):
        self.attached.append(job_id)
        return job_id


def run_once(kept: dict, provider: Provider, batches: list[tuple]) -> list[str]:
    """One run of a job that submits ``batches`` in order; the remote job ids it ends up with."""
    with journal_scope(DictJournal(kept)):
        out = []
        for what in batches:
            key, job = submit_or_attach(what, "dev", lambda what=what: provider.submit(what), provider.attach, str)
            out.append(await_result(key, lambda job=job: job, f"job {job}"))
        return out


def test_a_rerun_reattaches_to_what_it_submitted_before():
    kept, provider = {}, Provider()
    first = run_once(kept, provider, [("a", b"1"), ("a", b"2")])
    assert run_once(kept, provider, [("a", b"1"), ("a", b"2")]) == first == ["job-1", "job-2"]
    assert len(provider.sent) == 2 and provider.attached == first


def test_a_changed_submission_never_reattaches_to_a_stale_remote_job():
    kept, provider = {}, Provider()
    run_once(kept, provider, [("a", b"1"), ("a", b"2")])
    # the same index within the job, other circuits or parameter values: submitted anew
    assert run_once(kept, provider, [("a", b"1"), ("b", b"2")]) == ["job-1", "job-3"]
    assert provider.attached == ["job-1"]


def test_a_submission_the_provider_no_longer_knows_is_submitted_anew():
    kept, provider = {}, Provider()
    run_once(kept, provider, [("a", b"1")])
    provider.attach = lambda job_id: (_ for _ in ()).throw(JobFailure(f"job {job_id} not found"))
    assert run_once(kept, provider, [("a", b"1")]) == ["job-2"]
    assert list(kept.values()) == [("job-2", "done")]


def test_outside_the_runner_the_journal_remembers_nothing():
    provider = Provider()
    for _ in range(2):
        key, job = submit_or_attach(("a",), "dev", lambda: provider.submit("a"), provider.attach, str)
    assert current_journal().lookup(key) is None and provider.sent == ["a", "a"] and not provider.attached
