"""The environment a job ran in: Python, qbench and framework versions, CPU model, host and git commit.

Captured once per worker process (where the job actually runs, which on a Dask cluster
is not the machine that started the suite), sent to the runner when the worker starts, and
turned into columns in one place, :func:`qbench.run.runner.row_for`, for every row: done,
failed, crashed or skipped.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import os
import platform
import subprocess
import sys
from pathlib import Path

#: Distributions whose versions are recorded (missing ones are simply absent).
PACKAGES = ("numpy", "scipy", "scikit-learn", "pandas", "qiskit", "qiskit-aer", "qiskit-machine-learning",
            "qiskit-ibm-runtime", "pennylane", "pennylane-lightning", "cirq-core", "qsimcirq", "dask", "distributed")
#: Framework name (as backends declare it) -> the distribution whose version identifies it.
FRAMEWORK_DISTRIBUTIONS = {"numpy": "numpy", "qiskit": "qiskit", "pennylane": "pennylane", "cirq": "cirq-core",
                           "scikit-learn": "scikit-learn"}


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str | None:
    """The commit of the qbench source tree (``+dirty`` when it has uncommitted changes), if it is a checkout."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+dirty" if dirty else "")) or None


@functools.lru_cache(maxsize=1)
def capture() -> dict:
    """This process's environment (cached: it does not change while the process lives)."""
    from qbench import __version__
    from qbench.plugin.manager import host

    host.load()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "hostname": platform.node(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "qbench": __version__,
        "git_commit": git_commit(),
        "packages": {p: v for p in PACKAGES if (v := _version(p))},
        "plugins": dict(sorted(host.versions.items())),
        "threads": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
                    if k in os.environ},
    }


def framework_version(framework: str, env: dict | None = None) -> str | None:
    env = env or capture()
    dist = FRAMEWORK_DISTRIBUTIONS.get(framework, framework)
    return env["packages"].get(dist) or _version(dist)


def row_fields(framework: str | None = None, env: dict | None = None) -> dict:
    """The store columns that describe an environment: ``env`` (a worker's :func:`capture`), else this process's."""
    env = env or capture()
    return {"environment": env, "python_version": env["python"], "qbench_version": env["qbench"],
            "git_commit": env["git_commit"], "cpu_model": env["cpu_model"], "hostname": env["hostname"],
            "framework_version": framework_version(framework, env) if framework else None}
