"""Building the static site: ``index.html``, one ``suite-*.html`` per suite, and ``assets/``.

The output folder is marked with :data:`MARKER`; a folder that holds other files and no
marker is refused, so ``--out`` never overwrites something that is not a qbench site.
The site is built in a temporary folder beside ``--out`` and renamed into place when it is
complete, so a failure (a full disk) leaves the previous site, or nothing, never a partial
one; rebuilding a site so also removes the pages of suites that are no longer in it.
"""

from __future__ import annotations

import errno
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from qbench.errors import QBenchError
from qbench.report.assets import write_assets
from qbench.report.overview import overview_body
from qbench.report.page import shell
from qbench.report.suite_data import SuiteData, load_suites
from qbench.report.suite_page import suite_body

MARKER = ".qbench-site"
INDEX = "index.html"


@dataclass
class Site:
    """What :func:`build_site` wrote."""

    out: Path
    pages: list[Path]
    suites: list[str]
    seconds: float
    #: Seconds per phase: reading the store, the comparison tables, writing the pages.
    timings: dict = field(default_factory=dict)

    @property
    def index(self) -> Path:
        return self.out / INDEX

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.out.rglob("*") if p.is_file())


def page_name(suite: str) -> str:
    """A safe file name for a suite's page: the name when it is plain, else a cleaned name and a hash."""
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "_", suite).strip("._")[:60]
    if clean == suite and clean:
        return f"suite-{clean}.html"
    return f"suite-{clean or 'suite'}-{hashlib.sha1(suite.encode()).hexdigest()[:8]}.html"


def _check_target(out: Path) -> None:
    """Refuse an ``--out`` that is a file, or a folder with other files and no qbench marker."""
    if out.exists() and not out.is_dir():
        raise QBenchError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise QBenchError(f"--out {out} is not empty and not a qbench site; choose an empty or new folder")


def _staging(out: Path) -> Path:
    """A new, empty folder beside ``out`` to build the site in (its parents created as needed)."""
    import os

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{os.getpid()}-{os.urandom(4).hex()}"
    staging.mkdir()
    (staging / MARKER).write_text("written by qbench report; the folder may be replaced on the next build\n",
                                  encoding="utf-8")
    return staging


def _swap_in(staging: Path, out: Path) -> None:
    """Put the finished site in place of ``out`` by renaming (the old site, if any, is removed after)."""
    import shutil

    old = None
    if out.is_dir() and any(out.iterdir()):
        old = out.with_name(f"{staging.name}.old")
        out.rename(old)
    elif out.is_dir():
        out.rmdir()
    try:
        staging.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _nav(suites: list[SuiteData], pages: dict[str, str], current: str | None) -> list[tuple[str, str, bool]]:
    nav = [(INDEX, "qbench dashboard", current is None)]
    if len(suites) <= 12:
        nav += [(pages[s.name], s.name, s.name == current) for s in suites]
    elif current is not None:
        nav.append((pages[current], current, True))
    return nav


def _write_pages(folder: Path, suites: list[SuiteData], db_name: str) -> list[str]:
    """Write the assets, the index and one page per suite into ``folder``; the page names, index first."""
    write_assets(folder)
    pages = {s.name: page_name(s.name) for s in suites}
    body, data = overview_body(suites, pages, db_name)
    (folder / INDEX).write_text(shell("qbench results", body, _nav(suites, pages, None), data=data, plots=True),
                                encoding="utf-8")
    for s in suites:
        body, data = suite_body(s)
        (folder / pages[s.name]).write_text(shell(f"qbench: {s.name}", body, _nav(suites, pages, s.name), data=data,
                                                  plots=True), encoding="utf-8")
    return [INDEX] + [pages[s.name] for s in suites]


def build_site(db: str | Path, out: str | Path, suite: str | None = None) -> Site:
    """Read the store (every suite, or just ``suite``) and write the site to ``out``."""
    t0 = time.perf_counter()
    db, out = Path(db), Path(out)
    timings: dict = {}
    suites = load_suites(db, suite, timings)
    t_pages = time.perf_counter()
    _check_target(out)
    staging = None
    try:
        staging = _staging(out)
        names = _write_pages(staging, suites, db.name)
        _swap_in(staging, out)
    except OSError as exc:  # a full disk, a folder that cannot be written: nothing half-built is left behind
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise QBenchError(f"cannot write the site to {out}: {reason}; nothing was written there") from None
    written = [out / name for name in names]
    timings["pages"] = time.perf_counter() - t_pages
    return Site(out, written, [s.name for s in suites], time.perf_counter() - t0, timings)
