"""Test backends that fail on purpose, registered through a suite's ``plugins`` key (so workers load them too).

Each one behaves like the numpy reference until it computes states, then: raises, segfaults,
sleeps past any sensible timeout, or allocates far more memory than a job may use.
"""

import dataclasses
import os
import signal
import time

import numpy as np

from qbench.backends.numpy_backend import NumpyBackend
from qbench import hookimpl

HOG_BYTES = 2 * 2**30


class RaisingBackend(NumpyBackend):
    name = "test.raises"
    framework = "test"

    def _states(self, circuit, angles, weights):
        raise RuntimeError("injected failure in test.raises")


class SegfaultBackend(NumpyBackend):
    name = "test.segfault"
    framework = "test"

    def _states(self, circuit, angles, weights):
        os.kill(os.getpid(), signal.SIGSEGV)


class SleepingBackend(NumpyBackend):
    name = "test.sleeps"
    framework = "test"

    def _states(self, circuit, angles, weights):
        time.sleep(120)


class HogBackend(NumpyBackend):
    name = "test.hog"
    framework = "test"

    def _states(self, circuit, angles, weights):
        block = np.ones(HOG_BYTES // 8)  # touched, so it would really be resident without the limit
        return super()._states(circuit, angles, weights) + 0 * block[0]


class SecretBackend(NumpyBackend):
    """Fails with its token in the message, to check credentials never reach the store."""

    name = "test.secret"
    framework = "test"
    # a framework that takes a login token as an option (the runner must keep it out of the store)
    capabilities = dataclasses.replace(NumpyBackend.capabilities,
                                       mode_options={m: ("token",) for m in NumpyBackend.capabilities.modes})

    def _states(self, circuit, angles, weights):
        raise PermissionError(f"login refused for token {self.options.get('token')}")


@hookimpl
def qbench_register_backends(register):
    for cls in (RaisingBackend, SegfaultBackend, SleepingBackend, HogBackend, SecretBackend):
        register(cls.name, cls, framework="test", description=cls.__doc__ or "")
    register("test.missing", "qbench_no_such_framework:Backend", framework="nosuch", requires=("qbench_no_such_framework",),
             extra="nosuch", description="A backend whose framework is not installed")
