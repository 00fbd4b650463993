"""What ``qbench models`` and the generated docs/models.md list: every registered model and where it runs.

Reads the registries and the backends' declared capabilities only, so no framework, scikit-learn or estimator
module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from qbench.plugin.manager import host


@dataclass(frozen=True)
class ModelRow:
    """One registered model: its kind, task, family, paper, description and the backends (with modes) for its task."""

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


def model_rows(baselines: bool = True) -> list[ModelRow]:
    """Every registered quantum model (sorted), then every classical baseline (task ``baseline``)."""
    regs = host.registries()
    rows = [ModelRow(e.name, e.meta.get("task", ""), e.meta.get("family", ""), e.meta.get("paper", ""),
                     e.description, task_backends(e.meta.get("task", ""))) for e in regs["model"].entries()]
    if baselines:
        rows += [ModelRow(e.name, "baseline", "classical", e.meta.get("paper", ""), e.description, ())
                 for e in regs["baseline"].entries()]
    return rows
