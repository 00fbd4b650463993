"""What ``qbench models`` and the generated docs/models.md list: every registered model and where it runs.

Reads the registries and the backends' declared capabilities only, so no framework, scikit-learn or estimator
module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from qbench.plugin.manager import host
from qbench.plugin.registry import Entry


@dataclass(frozen=True)
class ModelRow:
    """One registered model: its kind, task, family, paper, description and the backends (with modes) that run it."""

    name: str
    task: str
    family: str
    paper: str
    description: str
    backends: tuple[tuple[str, tuple[str, ...]], ...]


def task_backends(task: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(backend, declared modes) of every registered backend that declares ``task`` (installed or not)."""
    out = []
    for entry in host.registries()["backend"].entries():
        caps = entry.obj.declared()
        if caps is not None and task in caps.tasks:
            out.append((entry.name, tuple(caps.modes)))
    return tuple(out)


def model_support(entry: Entry) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The only backends and modes a model runs on (``None``: no limit): from its registration, else from its
    estimator class's ``supported_backends`` / ``supported_modes`` when the class is already imported."""
    backends, modes = entry.meta.get("supported_backends"), entry.meta.get("supported_modes")
    if not isinstance(entry.obj, str):
        backends = getattr(entry.obj, "supported_backends", None) if backends is None else backends
        modes = getattr(entry.obj, "supported_modes", None) if modes is None else modes
    return backends, modes


def runs_on(entry: Entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(backend, modes) that run a registered model: its task's backends, narrowed by :func:`model_support`
    (the runner skips the rest, e.g. the Boltzmann machines off ``numpy`` exact)."""
    backends, modes = model_support(entry)
    return tuple((b, tuple(m for m in ms if modes is None or m in modes))
                 for b, ms in task_backends(entry.meta.get("task", "")) if backends is None or b in backends)


def model_rows(baselines: bool = True) -> list[ModelRow]:
    """Every registered quantum model (sorted) with the backends that run it, then every classical baseline."""
    regs = host.registries()
    rows = [ModelRow(e.name, e.meta.get("task", ""), e.meta.get("family", ""), e.meta.get("paper", ""),
                     e.description, runs_on(e)) for e in regs["model"].entries()]
    if baselines:
        rows += [ModelRow(e.name, "baseline", "classical", e.meta.get("paper", ""), e.description, ())
                 for e in regs["baseline"].entries()]
    return rows
