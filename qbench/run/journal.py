"""The remote job journal in the results store: one qbench job's hardware submissions (``remote_jobs``).

The worker installs a :class:`StoreJournal` around each job it runs (the runner passes the store's
path), so the remote id of every hardware submission is in the store before its result is awaited,
and a re-run of the job after ``kill -9`` re-attaches to it (:mod:`qbench.backends.remote`).
Only a job without a stored result re-attaches: once its row is ``done``, running it again
(``qbench run --rerun``) means measuring again, so its submissions go out anew (and their new
ids replace the old).  Failure messages are journalled with the job's credentials blanked.
The store is opened on first use: jobs that submit nothing remotely never touch it.  A worker
that cannot see the store's file (a Dask worker on another host without a shared file system)
journals nothing rather than create a store there.
"""

from __future__ import annotations

from pathlib import Path

from qbench.backends.remote import RemoteJournal
from qbench.results.store import Store
from qbench.secrets import blank


class StoreJournal(RemoteJournal):
    """The journal of job ``job_key`` in the store at ``db``."""

    def __init__(self, db: str | Path, job_key: str, secrets: list[str] = ()) -> None:
        super().__init__()
        self.db, self.job_key, self.secrets = Path(db), job_key, list(secrets)
        self._store: Store | None = None
        self._earlier: dict[str, str] | None = None

    def store(self) -> Store | None:
        if self._store is None and self.db.is_file():
            self._store = Store(self.db)
        return self._store

    def lookup(self, submission: str) -> str | None:
        store = self.store()
        if store is None:
            return None
        if self._earlier is None:  # what earlier runs left, read once (this run only adds to it)
            done = store.statuses([self.job_key]).get(self.job_key) == "done"
            self._earlier = {} if done else {row["submission"]: row["remote_id"] for row in
                                             store.remote_jobs(self.job_key) if row["status"] != "failed"}
        return self._earlier.get(submission)

    def record(self, submission: str, backend: str, remote_id: str) -> None:
        if store := self.store():
            store.record_remote_job(self.job_key, submission, backend, remote_id)

    def finish(self, submission: str, status: str, message: str | None = None) -> None:
        if store := self.store():
            store.finish_remote_job(self.job_key, submission, status,
                                    None if message is None else blank(message, self.secrets))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
