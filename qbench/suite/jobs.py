"""Jobs: the Cartesian product of a suite's axes, each with a key that is a hash of its normalized config.

A job is one model fitted and scored on one train/test split of one data-set
configuration, with one backend, mode, shot count and seed.  Classical baselines do
not depend on the backend or mode, so they expand over data sets and seeds only; they
share the split (same data, ``test_size`` and seed) and the preprocessing of the
quantum jobs they are compared with.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import asdict, dataclass, field

from qbench.errors import QBenchError
from qbench.secrets import SCRUBBED, SECRET_KEY, scrub, secret_values  # noqa: F401  -- re-export: the one word list
from qbench.suite.parse import Suite
from qbench.suite.schema import SuiteError

#: Backend, framework and mode recorded for classical baselines.
CLASSICAL = ("classical", "scikit-learn", "classical")
#: The most jobs one suite may expand to, before [[exclude]] rules (the shipped suites have up to 1,605).
MAX_SUITE_JOBS = 100_000


@dataclass
class Job:
    """Everything a worker needs to run one job; :meth:`identity` is what the key hashes."""

    suite: str
    dataset: str
    n_samples: int | None
    n_features: int | None
    test_size: float | int
    data_seed: int | None
    dataset_params: dict
    preprocess: dict
    model: str
    kind: str
    baseline: str | None
    model_params: dict
    grid: dict
    cv: int
    backend: str
    framework: str
    mode: str
    shots: int | None
    seed: int
    backend_options: dict = field(default_factory=dict)
    plugins: tuple[str, ...] = ()
    skip_reason: str | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = job_key(self.identity())

    def identity(self) -> dict:
        """The normalized config: what makes two jobs the same (credentials scrubbed)."""
        return {
            "suite": self.suite,
            "dataset": {"name": self.dataset, "n_samples": self.n_samples, "n_features": self.n_features,
                        "test_size": self.test_size, "data_seed": self.data_seed, "params": scrub(self.dataset_params),
                        "preprocess": self.preprocess},
            "model": {"name": self.model, "kind": self.kind, "baseline": self.baseline,
                      "params": scrub(self.model_params), "grid": scrub(self.grid), "cv": self.cv},
            "backend": self.backend, "mode": self.mode, "shots": self.shots, "seed": self.seed,
            "backend_options": scrub(self.backend_options),
        }

    @property
    def config_id(self) -> str:
        """The configuration's identity without the suite and seed: what groups this job's seeds in a comparison."""
        return config_id(self.identity())

    @property
    def label(self) -> str:
        """A readable id that ``--only`` patterns match: ``data set[n=..,d=..]/model/backend/mode/seed=..``."""
        size = ",".join(f"{k}={v}" for k, v in (("n", self.n_samples), ("d", self.n_features)) if v is not None)
        data = f"{self.dataset}{f'[{size}]' if size else ''}"
        if self.kind == "baseline":
            return f"{data}/{self.model}/{self.backend}/seed={self.seed}"
        mode = self.mode + (f"@{self.shots}" if self.shots else "")
        return f"{data}/{self.model}/{self.backend}/{mode}/seed={self.seed}"

    def payload(self) -> dict:
        """The job as plain data for a worker process (credentials included: it is never stored)."""
        return asdict(self)

    @classmethod
    def from_payload(cls, data: dict) -> "Job":
        return cls(**{**data, "plugins": tuple(data.get("plugins", ()))})

    def secrets(self) -> list[str]:
        """Credential values anywhere in the job's options and parameters."""
        return secret_values([self.backend_options, self.dataset_params, self.model_params, self.grid])

    def fields(self) -> dict:
        """Values ``[[exclude]]`` rules match against."""
        return {"dataset": self.dataset, "model": self.model, "kind": self.kind, "backend": self.backend,
                "framework": self.framework, "mode": self.mode, "shots": self.shots, "seed": self.seed,
                "n_samples": self.n_samples, "n_features": self.n_features}


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def job_key(identity: dict) -> str:
    return hashlib.sha256(canonical_json(identity).encode()).hexdigest()[:20]


#: Identity entries that do not change a result: the suite a job was reached from, and the seed (paired on apart).
NOT_CONFIG = ("suite", "seed")


def config_identity(identity: dict) -> dict:
    """A job identity (:meth:`Job.identity`, or the stored ``config``) without the suite and seed."""
    return {k: v for k, v in identity.items() if k not in NOT_CONFIG}


def config_id(identity: dict) -> str:
    """Hash of :func:`config_identity`: equal for the seeds of one configuration, whichever suite reached it."""
    return job_key(config_identity(identity))


def _matches(value, patterns: list) -> bool:
    for p in patterns:
        if isinstance(p, str) and isinstance(value, str):
            if fnmatch.fnmatchcase(value, p):
                return True
        elif p == value or (isinstance(p, str) and str(value) == p):
            return True
    return False


def excluded(job: Job, rules: list[dict]) -> bool:
    """True when every key of some rule matches the job."""
    fields = job.fields()
    return any(all(_matches(fields[k], patterns) for k, patterns in rule.items()) for rule in rules)


def expand(suite: Suite) -> list[Job]:
    """The suite's jobs in order: data sets x sizes x models x backends x modes x shots x seeds, minus exclusions."""
    sizes = sum(len(ds.n_samples) * len(ds.n_features) for ds in suite.datasets)
    targets = sum(len(m.shots) for m in suite.modes) * len(suite.backends)
    per_size = sum(1 if model.kind == "baseline" else targets for model in suite.models)
    count = sizes * per_size * len(suite.seeds)
    if count > MAX_SUITE_JOBS:
        raise SuiteError(f"{suite.path}: the suite expands to {count:,} jobs before exclusions; at most "
                         f"{MAX_SUITE_JOBS:,} (split it into several suites)")
    jobs: list[Job] = []
    seen: set[str] = set()
    checked: dict = {}
    for ds in suite.datasets:
        for n in ds.n_samples:
            for d in ds.n_features:
                for model in suite.models:
                    if model.kind == "baseline":
                        targets = [(CLASSICAL[0], CLASSICAL[1], None, CLASSICAL[2], None, None)]
                    else:
                        targets = [(b.name, b.framework, b.skip_reason, m.name, s, getattr(m, "noise", None))
                                   for b in suite.backends for m in suite.modes for s in m.shots]
                    for backend, framework, skip, mode, shots, noise in targets:
                        options = suite.backend_options.get(backend, {}) if model.kind != "baseline" else {}
                        if noise is not None:  # the mode's noise model travels with the backend's options
                            options = {**options, "noise": noise}
                        if suite.mitigation and mode != "exact" and model.kind != "baseline":
                            options = {**options, "mitigation": suite.mitigation}  # part of the identity
                        for seed in suite.seeds:
                            job = Job(
                                suite=suite.name, dataset=ds.name, n_samples=n, n_features=d, test_size=ds.test_size,
                                data_seed=ds.data_seed, dataset_params=ds.params, preprocess=ds.preprocess,
                                model=model.name, kind=model.kind, baseline=model.baseline,
                                model_params=model.params, grid=model.grid, cv=suite.cv,
                                backend=backend, framework=framework, mode=mode, shots=shots, seed=seed,
                                backend_options=options,
                                plugins=tuple(suite.plugins), skip_reason=skip)
                            if job.key in seen or excluded(job, suite.exclude):
                                continue
                            _check_width(suite, job, checked)
                            seen.add(job.key)
                            jobs.append(job)
    if not jobs and suite.exclude:
        raise SuiteError(f"{suite.path}: the [[exclude]] rules remove every job of the suite; nothing would run")
    return jobs


def _check_width(suite: Suite, job: Job, checked: dict) -> None:
    """Refuse, before anything runs, a data width the job's model cannot take (its ``check_width`` hook).

    Only jobs the ``[[exclude]]`` rules keep are asked (the image models are excluded from non-image
    data sets); each model, preprocessing and width once.  A data set at its natural width (no
    ``n_features``) is loaded once to learn it.
    """
    width = _width(job, checked)
    key = ("model", job.model, json.dumps(job.preprocess, sort_keys=True), width)
    if key in checked:
        return
    checked[key] = True
    from qbench.models.kinds import check_width

    pre = job.preprocess
    try:
        check_width(job.kind, width, params=job.model_params, grid=job.grid, n_qubits=pre["n_qubits"],
                    reduction=pre["reduction"], scaling=pre["scaling"], baseline=job.baseline)
    except QBenchError as exc:
        raise SuiteError(f"{suite.path}: model {job.model!r} on {job.dataset} with {width} features: {exc}") from None


def _width(job: Job, cache: dict) -> int:
    """The job's feature count: ``n_features``, or the loaded data set's when it has its natural width."""
    if job.n_features is not None:
        return int(job.n_features)
    key = ("width", job.dataset, job.n_samples, json.dumps(job.dataset_params, sort_keys=True, default=str))
    if key not in cache:
        from qbench.datasets import load_dataset

        X, _ = load_dataset(job.dataset, n_samples=job.n_samples, n_features=None, seed=job.data_seed or 0,
                            **job.dataset_params)
        cache[key] = int(X.shape[1])
    return cache[key]


def select(jobs: list[Job], patterns: list[str] | tuple[str, ...] | None) -> list[Job]:
    """Jobs whose label matches any pattern (a glob, or a substring when it has no wildcard)."""
    if not patterns:
        return list(jobs)

    def hit(label: str, p: str) -> bool:
        return fnmatch.fnmatchcase(label, p if any(c in p for c in "*?[") else f"*{p}*")

    return [j for j in jobs if any(hit(j.label, p) for p in patterns)]
