"""Building the static site: ``index.html``, one ``suite-*.html`` per suite, and ``assets/``.

The output folder is marked with :data:`MARKER`; a folder that holds other files and no
marker is refused, so ``--out`` never overwrites something that is not a qbench site.
Rebuilding a site removes the pages of suites that are no longer in it.
"""

from __future__ import annotations

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


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise QBenchError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise QBenchError(f"--out {out} is not empty and not a qbench site; choose an empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by qbench report; the folder may be replaced on the next build\n",
                              encoding="utf-8")
    for old in out.glob("suite-*.html"):
        old.unlink()


def _nav(suites: list[SuiteData], pages: dict[str, str], current: str | None) -> list[tuple[str, str, bool]]:
    nav = [(INDEX, "qbench dashboard", current is None)]
    if len(suites) <= 12:
        nav += [(pages[s.name], s.name, s.name == current) for s in suites]
    elif current is not None:
        nav.append((pages[current], current, True))
    return nav


def build_site(db: str | Path, out: str | Path, suite: str | None = None) -> Site:
    """Read the store (every suite, or just ``suite``) and write the site to ``out``."""
    t0 = time.perf_counter()
    db, out = Path(db), Path(out)
    timings: dict = {}
    suites = load_suites(db, suite, timings)
    t_pages = time.perf_counter()
    _prepare(out)
    write_assets(out)
    pages = {s.name: page_name(s.name) for s in suites}
    written = []
    index = out / INDEX
    body, data = overview_body(suites, pages, db.name)
    index.write_text(shell("qbench results", body, _nav(suites, pages, None), data=data, plots=True), encoding="utf-8")
    written.append(index)
    for s in suites:
        body, data = suite_body(s)
        path = out / pages[s.name]
        path.write_text(shell(f"qbench: {s.name}", body, _nav(suites, pages, s.name), data=data, plots=True),
                        encoding="utf-8")
        written.append(path)
    timings["pages"] = time.perf_counter() - t_pages
    return Site(out, written, [s.name for s in suites], time.perf_counter() - t0, timings)
