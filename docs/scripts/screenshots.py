"""Redraw the docs' dashboard screenshots from a run of the shipped quickstart suite: the README's landing page
(docs/img/landing.png) and docs/dashboard.md's suite page (docs/img/dashboard.png).

    python docs/scripts/screenshots.py [--store QUICKSTART.db]

Without ``--store`` it runs ``suites/quickstart.toml`` into a temporary store first (a minute or two).  Needs
Chromium at /usr/bin/chromium and Playwright (the dashboard tests' tools); the landing page is drawn at
1400 x 1480 px, the suite page at 1400 x 1300 px.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the quickstart suite's run")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "landing.png")
    parser.add_argument("--suite-out", type=Path, default=ROOT / "docs" / "img" / "dashboard.png")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from qbench.report import build_site
    from qbench.run.runner import run_suite

    work = Path(tempfile.mkdtemp(prefix="qbench-shots-"))
    store = args.store
    if store is None:
        store = work / "q.db"
        run_suite(ROOT / "suites" / "quickstart.toml", db=store, jobs=2, progress=False)
    site = build_site(store, work / "site", suite="quickstart")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        for url, out, height in ((site.index, args.out, 1480),
                                 (site.index.with_name("suite-quickstart.html"), args.suite_out, 1300)):
            page = browser.new_page(viewport={"width": 1400, "height": height})
            page.goto(url.resolve().as_uri())
            page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
            page.screenshot(path=str(out))
            print(f"wrote {out}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
