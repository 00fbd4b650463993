"""The typed ``register`` callbacks the registry hooks hand to a plugin, one Protocol per hook.

A plugin annotates its implementation with these (``def qbench_register_backends(register:
RegisterBackend)``) and a type checker checks its calls; the core builds the callbacks in
:mod:`qbench.plugin.manager`.  Capabilities are typed structurally here (the dataclass lives
in :mod:`qbench.backends.base`, a later stage).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence, runtime_checkable


@runtime_checkable
class DeclaredCapabilities(Protocol):
    """What the core reads from a backend's declaration before any framework is imported."""

    modes: tuple[str, ...]
    gradient_methods: tuple[str, ...]
    max_qubits: int
    tasks: tuple[str, ...]

    def qubit_limit(self, mode: str) -> int: ...


class RegisterBackend(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_backends`."""

    def __call__(self, name: str, loader: str | type, *, framework: str, capabilities: DeclaredCapabilities | None = None,
                 requires: Sequence[str] = (), install: str | None = None, extra: str | None = None,
                 description: str = "", aliases: Sequence[str] = ()) -> None: ...


class RegisterDataset(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_datasets`."""

    def __call__(self, name: str, loader: Callable[..., tuple[Any, Any]], *, description: str = "",
                 aliases: Sequence[str] = (), source: str = "generated", defaults: dict | None = None,
                 angle_units: bool = False) -> None: ...


class RegisterBaseline(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_baselines`."""

    def __call__(self, name: str, factory: Callable[..., Any], *, description: str = "",
                 aliases: Sequence[str] = ()) -> None: ...


class RegisterTemplate(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_templates`."""

    def __call__(self, name: str, kind: str, factory: Callable[..., Any], *, description: str = "",
                 aliases: Sequence[str] = ()) -> None: ...


class RegisterDrawer(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_drawers`."""

    def __call__(self, framework: str, drawer: str | Callable[..., str | bytes], *, requires: Sequence[str] = (),
                 description: str = "") -> None: ...


__all__ = ["DeclaredCapabilities", "RegisterBackend", "RegisterDataset", "RegisterBaseline", "RegisterTemplate",
           "RegisterDrawer"]


class RegisterModel(Protocol):
    """``register`` of :func:`~qbench.plugin.hookspecs.qbench_register_models`."""

    def __call__(self, name: str, estimator: str | type, *, task: str, family: str = "", paper: str = "",
                 description: str = "", aliases: Sequence[str] = (), supported_backends: Sequence[str] | None = None,
                 supported_modes: Sequence[str] | None = None) -> None: ...
