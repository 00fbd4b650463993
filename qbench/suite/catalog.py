"""The suites shipped with qbench (the top-level ``suites/`` folder) and finding a suite by name or path."""

from __future__ import annotations

from pathlib import Path

from qbench.suite.schema import SuiteError


def suite_dirs() -> list[Path]:
    """Folders searched for shipped suites: ``./suites`` and the one next to the qbench package (a checkout)."""
    dirs = [Path.cwd() / "suites", Path(__file__).resolve().parent.parent / "suites"]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def shipped_suites() -> list[Path]:
    """Shipped suite files, by name (the first folder wins when two hold the same name)."""
    seen: dict[str, Path] = {}
    for d in suite_dirs():
        for f in sorted(d.glob("*.toml")):
            seen.setdefault(f.stem, f)
    return [seen[k] for k in sorted(seen)]


def find_suite(ref: str | Path) -> Path:
    """A suite file: ``ref`` itself when it exists, else a shipped suite of that name."""
    path = Path(ref)
    if path.is_file():
        return path
    if path.suffix == "" and len(path.parts) == 1:
        for f in shipped_suites():
            if f.stem == path.name:
                return f
        names = ", ".join(f.stem for f in shipped_suites()) or "(none found)"
        raise SuiteError(f"no suite file {str(ref)!r} and no shipped suite of that name; shipped suites: {names}")
    raise SuiteError(f"{ref}: no such suite file")
