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
import re
from dataclasses import asdict, dataclass, field

from qbench.suite.parse import Suite

#: Backend, framework and mode recorded for classical baselines.
CLASSICAL = ("classical", "scikit-learn", "classical")
#: Option keys whose values never leave the process that runs the job (not hashed, not stored).
SECRET_KEY = re.compile(r"token|api[_-]?key|apikey|password|passwd|secret|credential|auth", re.IGNORECASE)
SCRUBBED = "***"


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


def scrub(value):
    """A copy with every credential-like key's value replaced (nested tables and lists included)."""
    if isinstance(value, dict):
        return {k: (SCRUBBED if isinstance(k, str) and SECRET_KEY.search(k) else scrub(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def secret_values(value) -> list[str]:
    """The credential strings inside ``value`` (to blank them out of error messages and tracebacks)."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and SECRET_KEY.search(k) and isinstance(v, (str, int)) and len(str(v)) >= 4:
                out.append(str(v))
            else:
                out += secret_values(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            out += secret_values(v)
    return out


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
    jobs: list[Job] = []
    seen: set[str] = set()
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
                            seen.add(job.key)
                            jobs.append(job)
    return jobs


def select(jobs: list[Job], patterns: list[str] | tuple[str, ...] | None) -> list[Job]:
    """Jobs whose label matches any pattern (a glob, or a substring when it has no wildcard)."""
    if not patterns:
        return list(jobs)

    def hit(label: str, p: str) -> bool:
        return fnmatch.fnmatchcase(label, p if any(c in p for c in "*?[") else f"*{p}*")

    return [j for j in jobs if any(hit(j.label, p) for p in patterns)]
