"""docs/plugins.md says what the kit and the core do: its settings, checks, signatures, fields and noise algebra."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from qbench.backends.base import Backend, Capabilities
from qbench.backends.noise import DEFAULT_NOISE
from qbench.testing import checks, spread
from qbench.testing.oracle import _pauli_kraus

DOC = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text()
KIT = DOC[DOC.index("## The conformance kit"):DOC.index("## What the core gives a backend")]


def _noise(n) -> str:
    return f"p1={n.p1:g}, p2={n.p2:g}, p_meas={n.p_meas:g}"


def test_the_kit_settings_in_the_docs_are_the_code_s():
    for text in (f"`SHOTS = {checks.SHOTS}`", f"`SEED = {checks.SEED}`", f"`KIT_NOISE`: `{_noise(checks.KIT_NOISE)}`",
                 f"run default (`{_noise(DEFAULT_NOISE)}`)",
                 f"`SEEDS`: {len(spread.SEEDS)} runs, seeds {spread.SEEDS[0]}-{spread.SEEDS[-1]}",
                 f"R = {len(spread.SEEDS)} seeds", f"`FALSE_ALARM = {spread.FALSE_ALARM:g}`",
                 f"`MIN_DOF = {spread.MIN_DOF}`", f"`MIN_SHOT_VARIANCE = {spread.MIN_SHOT_VARIANCE:g}`"):
        assert text in KIT, text
    lo, hi = spread.spread_bounds(500)
    assert f"about {lo:.2f}-{hi:.2f} at 500 degrees of freedom" in KIT
    assert tuple(spread.SEEDS) == tuple(range(spread.SEEDS[0], spread.SEEDS[-1] + 1))


def test_every_check_is_described_in_the_docs():
    documented = set(re.findall(r"`(\w+)`", KIT))
    for mode, fns in checks.CHECKS_BY_MODE.items():
        for fn in fns:
            name = fn.__name__.removeprefix("check_")
            assert name in documented or (name.startswith("projected_kernel_") and "`projected_kernel_*`" in KIT), name


def test_override_signatures_in_the_docs_match_the_backend():
    seen = set()
    for name, params in re.findall(r"^\| `(_[a-z_]+)\(([^)`]*)\)", DOC, re.M):  # the override tables
        if not hasattr(Backend, name):
            continue
        want = [p for p in inspect.signature(getattr(Backend, name)).parameters if p != "self"]
        assert [p.strip() for p in params.split(",")] == want, name
        seen.add(name)
    assert {"_states", "_kernel", "_expval", "_vjp", "_probabilities", "_counts"} <= seen


def test_the_capabilities_fields_in_the_docs_exist():
    para = DOC[DOC.index("**Capabilities** (a frozen dataclass"):]
    para = para[:para.index("\n\n")]
    named = {t for t in re.findall(r"`([a-z_]+)`", para)}
    assert named == {f.name for f in dataclasses.fields(Capabilities)}


@pytest.mark.parametrize("m", [1, 2])
def test_the_documented_depolarizing_conversion(m):
    """Strength p (a Pauli error with probability p) is (1 - lam) rho + lam I/2^m with lam = p 4^m / (4^m - 1)."""
    assert "lambda = p 4^m / (4^m - 1)" in DOC
    rng = np.random.default_rng(m)
    a = rng.normal(size=(2**m, 2**m)) + 1j * rng.normal(size=(2**m, 2**m))
    rho = a @ a.conj().T
    rho /= np.trace(rho)
    p = 0.07
    pauli = sum(k @ rho @ k.conj().T for k in _pauli_kraus(m, tuple(range(m)), p))
    lam = p * 4**m / (4**m - 1)
    assert np.allclose(pauli, (1 - lam) * rho + lam * np.eye(2**m) / 2**m)
