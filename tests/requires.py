"""Skips for missing parts of the environment that name what to install, and fail instead under CI.

CI (``CI`` set, as ``.ci/run`` and CI services do) installs every extra, so there a missing one is a failure.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

import pytest


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` on a developer's machine; fail under CI, where nothing may be missing."""
    if in_ci():
        pytest.fail(f"{reason} (CI installs everything, so a missing part fails)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def install_hint(extra: str) -> str:
    return f'pip install -e ".[{extra}]"'


def has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, extra: str):
    """Import ``module`` of the ``extra`` extra, or skip the calling test module naming the extra (fail under CI)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        skip_or_fail(f"needs {module} ({install_hint(extra)}): {exc}")


def needs(module: str, extra: str):
    """Mark one test that needs ``module``: tests/conftest.py skips it naming the extra, or fails it under CI."""
    return pytest.mark.requires(module, extra)


def check_requires(item) -> None:
    """The ``requires`` marks of a test item, applied before it runs (called from tests/conftest.py)."""
    for mark in item.iter_markers("requires"):
        module, extra = mark.args
        if not has(module):
            skip_or_fail(f"needs {module} ({install_hint(extra)})")
