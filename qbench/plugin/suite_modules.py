"""Plugin modules a suite names (``[suite] plugins``): a dotted module or a ``.py`` file, registered once per process.

The runner's worker processes register the same modules before running a job, so a
backend defined in such a module works in every worker (local or on a Dask cluster).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path

from qbench.errors import QBenchError
from qbench.plugin.manager import host


def resolve_plugin_ref(ref: str, base: Path) -> str:
    """A ``.py`` path made absolute (relative to the suite file's folder), or a dotted module name as given."""
    if ref.endswith(".py") or "/" in ref:
        path = (base / ref).resolve()
        if not path.is_file():
            raise QBenchError(f"plugin file {ref!r} not found (looked for {path})")
        return str(path)
    if importlib.util.find_spec(ref.split(".")[0]) is None:
        raise QBenchError(f"plugin module {ref!r} cannot be imported")
    return ref


def _import(ref: str):
    if not ref.endswith(".py"):
        return importlib.import_module(ref)
    name = "qbench_suite_plugin_" + hashlib.sha1(ref.encode()).hexdigest()[:12]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ref)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise QBenchError(f"plugin file {ref!r} failed to import: {type(exc).__name__}: {exc}") from None
    return module


def register_plugin_modules(refs: list[str]) -> None:
    """Register each module as a plugin unless this process already has it."""
    host.load()
    for ref in refs:
        name = f"suite-plugin:{ref}"
        if host.pm.has_plugin(name):
            continue
        try:
            module = _import(ref)
        except ImportError as exc:
            raise QBenchError(f"plugin module {ref!r} failed to import: {exc}") from None
        host.register(module, name=name)
