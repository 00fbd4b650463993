"""A test backend that logs every evaluation: one line ``BACKEND-SEED PID`` per backend opened, to the file named by
``$QBENCH_TEST_EVALUATIONS``, after a short sleep so that two runners' jobs overlap in time."""

import os
import time

from qbench import hookimpl
from qbench.backends.numpy_backend import NumpyBackend

DELAY = 0.4


class CountingBackend(NumpyBackend):
    name = "test.counting"
    framework = "test"

    def __init__(self, *args, seed=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        time.sleep(DELAY)
        with open(os.environ["QBENCH_TEST_EVALUATIONS"], "a", encoding="ascii") as fh:
            fh.write(f"{seed} {os.getpid()}\n")


@hookimpl
def qbench_register_backends(register):
    register(CountingBackend.name, CountingBackend, framework="test", description=CountingBackend.__doc__ or "")
