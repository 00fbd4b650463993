"""The package layout spells the data flow: no module imports from a stage after its own.

Stages, in order (a module may import from its own stage and the ones before it):
errors → secrets → settings → plugin → circuits → backends → datasets → models → builtins → testing → suite →
results → run → report → cli.  The top-level re-exports (the lazy façade ``qbench/__init__.py``,
``qbench.hookspecs``, ``qbench.plugins``) are for users and plugins; the package itself never
imports them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qbench"
STAGES = ("errors", "secrets", "settings", "plugin", "circuits", "backends", "datasets", "models", "builtins", "testing",
          "suite", "results", "run", "report", "cli")
#: Top-level modules, each with its reason to sit beside the stage packages.
TOP_LEVEL = {
    "__init__": "the lazy public façade",
    "__main__": "python -m qbench",
    "errors": "exception types every stage raises",
    "secrets": "the one credential word list and scrubbing every stage uses",
    "settings": "the QBENCH_* environment variables and byte sizes, each read and checked once",
    "hookspecs": "re-export: the stable path of hookimpl for plugins",
    "plugins": "re-export: the stable path of open_backend and registered",
}
REEXPORTS = {"qbench", "qbench.hookspecs", "qbench.plugins"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "qbench" or len(parts) < 2:
        return None
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every qbench module a file imports (absolute and relative, at any depth), with its line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base == "qbench":  # from qbench import x: x may be a submodule
                found += [(node.lineno, f"qbench.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, base))
    return [(line, m) for line, m in found if m == "qbench" or m.startswith("qbench.")]


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        own = _stage(module)
        if own is None or own in TOP_LEVEL and own not in ("errors", "secrets", "settings"):
            continue
        for line, target in imports_of(path):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if target in REEXPORTS or target == "qbench.__version__":
                if target != "qbench.__version__":
                    problems.append(f"{where} (a user-facing re-export; import where it lives)")
                continue
            stage = _stage(target)
            if stage not in STAGES:
                problems.append(f"{where} (not a stage)")
            elif STAGES.index(stage) > STAGES.index(own):
                problems.append(f"{where} (stage {stage!r} comes after {own!r})")
    return problems


def test_no_module_imports_a_later_stage():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    # The checker itself must be able to fail: a results module importing the runner is reported.
    fake = tmp_path / "qbench"
    (fake / "results").mkdir(parents=True)
    (fake / "results" / "bad.py").write_text("from qbench.run import runner\nfrom ..report import site\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    problems = upward_imports()
    assert len(problems) == 2 and "stage 'run' comes after 'results'" in problems[0]
    assert "qbench.report" in problems[1]


def test_top_level_holds_only_the_facade_and_reexports():
    names = {p.stem for p in PACKAGE.glob("*.py")}
    assert names == set(TOP_LEVEL), f"unexpected top-level modules: {sorted(names - set(TOP_LEVEL))}"
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(STAGES) - {"errors", "secrets", "settings"}


@pytest.mark.parametrize("stage", [s for s in STAGES if s not in ("errors", "secrets", "settings")])
def test_each_stage_says_what_it_owns_and_may_import(stage):
    import importlib

    doc = importlib.import_module(f"qbench.{stage}").__doc__ or ""
    assert "Owns:" in doc and "May import:" in doc, f"qbench/{stage}/__init__.py docstring"


def test_python_m_check():
    # The same check, as anyone can run it without pytest.
    out = subprocess.run([sys.executable, __file__], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


if __name__ == "__main__":
    found = upward_imports()
    print("\n".join(found) or "no upward imports")
    sys.exit(1 if found else 0)
