"""A fake IBM Quantum service for the remote-job tests (a suite plugin file): backend ``test.fake_ibm``.

Its jobs really run on ``FakeManilaV2``'s Aer simulation (qiskit-ibm-runtime's local testing mode)
when they are submitted; the service keeps them in the folder ``$QBENCH_FAKE_IBM``, which outlives
the runner as a provider's queue does, so a re-run can fetch a job by id (``service.job(id)``).
In that folder: ``submissions`` (one line per submission: job id and a hash of what was submitted),
``lookups`` (one line per job handed back by id), ``waiting`` (appears when a runner waits for a
result); results are held back until ``release`` exists, and a job fails with the provider's
message in ``fail`` when that file exists.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
import uuid
import warnings
from pathlib import Path

from qbench import hookimpl
from qbench_qiskit import runtime
from qbench_qiskit.backend import QiskitBackend

POLL = 0.05


class FakeService:
    """Stands in for ``QiskitRuntimeService``: ``backend``/``least_busy`` give FakeManilaV2, ``job(id)`` a kept job."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        (self.root / "jobs").mkdir(parents=True, exist_ok=True)

    def backend(self, name: str | None = None):
        from qiskit_ibm_runtime.fake_provider import FakeManilaV2

        return FakeManilaV2()

    def least_busy(self, **filters):
        return self.backend()

    def _log(self, name: str, line: str) -> None:
        with open(self.root / name, "a", encoding="ascii") as fh:
            fh.write(line + "\n")

    def run(self, device, pub: tuple, shots: int, seed: int | None) -> "FakeJob":
        """Run the PUB now on the device's simulation (local testing mode) and keep its result under a new id."""
        from qiskit_ibm_runtime import SamplerV2

        digest = hashlib.sha256(repr((str(pub[0]), [p.name for p in pub[0].parameters], shots, seed)).encode())
        if len(pub) > 1:
            digest.update(pub[1].tobytes())
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The SamplerV2 class is deprecated", DeprecationWarning)
            sampler = SamplerV2(mode=device)
        if seed is not None:
            sampler.options.simulator.seed_simulator = seed
        result = sampler.run([pub], shots=shots).result()
        job_id = uuid.uuid4().hex
        (self.root / "jobs" / f"{job_id}.pkl").write_bytes(pickle.dumps(result))
        self._log("submissions", f"{job_id} {digest.hexdigest()}")
        return FakeJob(self.root, job_id)

    def job(self, job_id: str) -> "FakeJob":
        if not (self.root / "jobs" / f"{job_id}.pkl").exists():
            from qiskit_ibm_runtime.exceptions import RuntimeJobNotFound

            raise RuntimeJobNotFound(f"Job not found: {job_id}")
        self._log("lookups", job_id)
        return FakeJob(self.root, job_id)


class FakeJob:
    """A kept job: ``result()`` waits until the folder has ``release``, then returns it (or fails remotely)."""

    def __init__(self, root: Path, job_id: str) -> None:
        self.root, self._id = root, job_id

    def job_id(self) -> str:
        return self._id

    def result(self):
        (self.root / "waiting").touch()
        while not (self.root / "release").exists():
            time.sleep(POLL)
        fail = self.root / "fail"
        if fail.exists():
            from qiskit_ibm_runtime.exceptions import RuntimeJobFailureError

            raise RuntimeJobFailureError(fail.read_text(encoding="utf-8"))
        return pickle.loads((self.root / "jobs" / f"{self._id}.pkl").read_bytes())


class FakeSession:
    """The session the ``qiskit`` backend submits through when its service is a :class:`FakeService`."""

    def __init__(self, device, service: FakeService, seed: int | None) -> None:
        self.device, self.service, self.seed = device, service, seed

    def __enter__(self) -> "FakeSession":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def submit(self, pub: tuple, shots: int) -> FakeJob:
        return self.service.run(self.device, pub, shots, self.seed)

    def job(self, remote_id: str) -> FakeJob:
        return self.service.job(remote_id)


_real_factory = runtime.SESSION_FACTORY


def _session(device, service, seed):
    if isinstance(service, FakeService):
        return FakeSession(device, service, seed)
    return _real_factory(device, service, seed)


runtime.SESSION_FACTORY = _session


class FakeIBMBackend(QiskitBackend):
    """The ``qiskit`` backend with the fake service of ``$QBENCH_FAKE_IBM`` as its ``service`` option."""

    name = "test.fake_ibm"

    def __init__(self, mode: str = "exact", shots=None, seed=None, gradient=None, **options) -> None:
        options.setdefault("service", FakeService(os.environ["QBENCH_FAKE_IBM"]))
        super().__init__(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)


@hookimpl
def qbench_register_backends(register):
    register(FakeIBMBackend.name, FakeIBMBackend, framework="qiskit", description=FakeIBMBackend.__doc__ or "")
