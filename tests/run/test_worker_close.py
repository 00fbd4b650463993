"""A worker's connection is closed exactly once, whichever threads stop it.

The slot thread closes its worker as it ends, while the runner's thread may call ``close()`` or
``shutdown()`` at the same moment. Closing one descriptor twice fails with EBADF, or worse, closes a
descriptor that another thread has been given in between.
"""

import socket
import threading
from multiprocessing.connection import Connection

from qbench.run.executors import WorkerProcess


def _worker_with_connection() -> WorkerProcess:
    worker = WorkerProcess()
    ours, theirs = socket.socketpair()
    worker.conn = Connection(ours.detach())
    theirs.close()
    return worker


def _race(stop, worker: WorkerProcess, rounds_errors: list) -> None:
    barrier = threading.Barrier(2)

    def go():
        barrier.wait()
        try:
            stop(worker)
        except Exception as exc:  # noqa: BLE001 - any exception is the failure we look for
            rounds_errors.append(repr(exc))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_two_threads_killing_one_worker_close_its_connection_once():
    errors: list[str] = []
    for _ in range(300):
        worker = _worker_with_connection()
        _race(WorkerProcess.kill, worker, errors)
        assert worker.conn is None
    assert errors == []


def test_two_threads_closing_one_worker_close_its_connection_once():
    errors: list[str] = []
    for _ in range(300):
        worker = _worker_with_connection()
        _race(WorkerProcess.close, worker, errors)
        assert worker.conn is None and worker.closed
    assert errors == []
