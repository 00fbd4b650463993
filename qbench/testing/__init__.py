"""The conformance kit: the checks every backend plugin must pass.

Owns: the meaning of conformance.  May import: errors, plugin, circuits, backends.

From pytest::

    from qbench.testing import parametrize_backend_checks

    @parametrize_backend_checks("mybackend", modes=["exact", "shots"],
                                expected_failures={"shots::reproducible_with_seed": "reason"})
    def test_conformance(check):
        check()

From the command line: ``qbench check mybackend [--mode exact]``.
"""

from __future__ import annotations

from qbench.testing.checks import CHECKS_BY_MODE, KIT_MODES, Check, backend_checks


def parametrize_backend_checks(backend: str, modes=None, options: dict | None = None,
                               expected_failures: dict[str, str] | None = None):
    """A ``pytest.mark.parametrize`` over every check; ``expected_failures`` maps ``mode::name`` to a reason (strict xfail)."""
    import pytest

    expected_failures = expected_failures or {}
    params = []
    for check in backend_checks(backend, modes, options):
        key = f"{check.mode}::{check.name}"
        marks = [pytest.mark.xfail(strict=True, reason=expected_failures[key])] if key in expected_failures else []
        params.append(pytest.param(check, id=check.id, marks=marks))
    return pytest.mark.parametrize("check", params)


def run_checks(checks: list[Check], expected_failures: dict[str, str] | None = None):
    """Run checks; yields (check, status, message) with status 'pass', 'fail', 'xfail' or 'xpass'."""
    expected_failures = expected_failures or {}
    for check in checks:
        expected = f"{check.mode}::{check.name}" in expected_failures
        try:
            check()
        except AssertionError as exc:
            yield check, ("xfail" if expected else "fail"), str(exc)
        except Exception as exc:  # an error in the backend is a failed check, reported in one line
            yield check, ("xfail" if expected else "fail"), f"{type(exc).__name__}: {exc}"
        else:
            yield check, ("xpass" if expected else "pass"), ""


__all__ = ["Check", "backend_checks", "parametrize_backend_checks", "run_checks", "CHECKS_BY_MODE", "KIT_MODES"]
