"""IBM Runtime submission for hardware mode: SamplerV2 jobs in a ``Batch``, and earlier jobs found again by id.

:data:`SESSION_FACTORY` makes the session the ``qiskit`` backend submits through
(``SESSION_FACTORY(device, service, seed)``); tests replace it with a fake service that counts
submissions and hands jobs back by id.  The journal and the re-attach decision are the core's
(:mod:`qbench.backends.remote`): this module only submits and fetches.
"""

from __future__ import annotations

import warnings


class RuntimeSession:
    """Sampler jobs on ``device`` inside one ``Batch`` (opened at the first submission, closed on exit), and
    jobs of earlier runs fetched from the service (``service.job(id)``) where there is one."""

    def __init__(self, device, service=None, seed: int | None = None) -> None:
        self.device, self.service, self.seed = device, service, seed
        self._batch = None
        self._sampler = None

    def __enter__(self) -> "RuntimeSession":
        return self

    def __exit__(self, *exc) -> None:
        if self._batch is not None:
            self._batch.__exit__(*exc)
            self._batch = self._sampler = None

    def submit(self, pub: tuple, shots: int):
        """Submit one PUB; the runtime job (``job_id()``, ``result()``)."""
        if self._sampler is None:
            from qiskit_ibm_runtime import Batch, IBMBackend, SamplerV2

            self._batch = Batch(backend=self.device).__enter__()
            with warnings.catch_warnings():
                # Deprecated in 0.50 for the client-side executor Sampler, which is still new and
                # changes defaults (twirling); SamplerV2 stays supported for the 0.51 series we pin.
                warnings.filterwarnings("ignore", "The SamplerV2 class is deprecated", DeprecationWarning)
                self._sampler = SamplerV2(mode=self._batch)
            if self.seed is not None and not isinstance(self.device, IBMBackend):
                # local testing mode (a fake backend or Aer): the seed makes runs reproducible
                self._sampler.options.simulator.seed_simulator = self.seed
        return self._sampler.run([pub], shots=shots)

    def job(self, remote_id: str):
        """The job ``remote_id`` from the service (pending or finished); ``None`` without one (local testing
        mode keeps its jobs in the process that ran them)."""
        service = self.service if self.service is not None else getattr(self.device, "service", None)
        if service is None or not hasattr(service, "job"):
            return None
        return service.job(remote_id)


#: Makes the session hardware jobs go through: ``SESSION_FACTORY(device, service, seed)``.
SESSION_FACTORY = RuntimeSession


def open_session(device, service=None, seed: int | None = None):
    """A session from the current :data:`SESSION_FACTORY` (looked up at each call, so a test can replace it)."""
    return SESSION_FACTORY(device, service, seed)
