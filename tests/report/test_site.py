"""The site builder without a browser: files, escaping, the output-folder guard, bad input, --serve."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from qbench.results import tables as results
from qbench.report.page import json_script
from qbench.report.site import MARKER, page_name
from qbench.results.store import Store
from report_helpers import EVIL_SUITE, PALETTE_SUITE, SUITE, WIDE_SUITE


def assert_one_line_error(code, err, fragment):
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], err


def test_site_files_and_one_shared_plotly(site):
    import plotly

    names = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file())
    assert names == sorted([MARKER, "assets/plotly.min.js", "assets/qbench.css", "assets/qbench.js", "index.html",
                            page_name(SUITE), page_name(EVIL_SUITE), page_name(PALETTE_SUITE),
                            page_name(WIDE_SUITE)])
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (site.out / "assets/plotly.min.js").read_bytes() == bundled.read_bytes()
    for page in site.pages:
        text = page.read_text(encoding="utf-8")
        assert len(text) < 1_000_000  # plotly.js is linked, never inlined
        # no absolute URL to any host is loaded (links to the SVG namespace aside)
        assert not re.search(r'(src|href)="(https?:)?//', text), page
        assert '<script src="assets/plotly.min.js"></script>' in text


def test_hostile_strings_are_escaped_in_markup_and_json(site):
    html = (site.out / page_name(EVIL_SUITE)).read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<svg onload" not in html and "<img src=x" not in html
    # the JSON block of figures: nothing in it can close the script element or open a comment
    block = re.search(r'<script type="application/json" id="qbench-figures">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert "svg onload" in json.dumps(json.loads(block))


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "<!-- x", "a\u2028b", "&amp; <b>", "</SCRIPT>"])
def test_json_script_cannot_be_broken_out_of(value):
    block = json_script({"k": [value, float("nan")]}, "d")
    inner = block[len('<script type="application/json" id="d">'):-len("</script>")]
    assert "<" not in inner and ">" not in inner and "\u2028" not in inner
    assert json.loads(inner) == {"k": [value, None]}


def test_page_names_are_safe_and_distinct():
    names = [EVIL_SUITE, "a/b", "a_b", "..", "x" * 200, "quickstart", "ünï"]
    files = [page_name(n) for n in names]
    assert len(set(files)) == len(files)
    assert page_name("quickstart") == "suite-quickstart.html"
    for f in files:
        assert re.fullmatch(r"suite-[A-Za-z0-9_.-]+\.html", f) and len(f) < 90, f


def test_suite_option_builds_one_suite_and_removes_stale_pages(store_path, tmp_path, cli):
    out = tmp_path / "site"
    code, _, err = cli("report", "--db", store_path, "--out", out)
    assert code == 0, err
    assert (out / page_name(EVIL_SUITE)).exists()
    code, _, err = cli("report", "--db", store_path, "--out", out, "--suite", SUITE)
    assert code == 0 and "wrote 2 pages (1 suites" in err, err
    assert sorted(p.name for p in out.glob("suite-*.html")) == [page_name(SUITE)]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert page_name(SUITE) in index and "__pwned" not in index


def test_empty_store_gives_an_overview_with_no_suites(tmp_path, cli):
    db = tmp_path / "empty.db"
    Store(db).close()
    code, _, err = cli("report", "--db", db, "--out", tmp_path / "site")
    assert code == 0, err
    assert "no results yet" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_bad_input_is_one_line_and_exit_2(store_path, tmp_path, cli):
    code, _, err = cli("report", "--db", tmp_path / "missing.db", "--out", tmp_path / "a")
    assert_one_line_error(code, err, "no results store at")
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not sqlite")
    code, _, err = cli("report", "--db", foreign, "--out", tmp_path / "b")
    assert_one_line_error(code, err, "is not a qbench results store")
    code, _, err = cli("report", "--db", store_path, "--suite", "nope", "--out", tmp_path / "c")
    assert_one_line_error(code, err, "no results for suite 'nope'")
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("do not overwrite")
    code, _, err = cli("report", "--db", store_path, "--out", precious)
    assert_one_line_error(code, err, "is not empty and not a qbench site")
    assert [p.name for p in precious.iterdir()] == ["thesis.tex"]


def test_site_table_matches_compare(site, store_path):
    table = results.compare(results.load(store_path, suite=SUITE))
    html = (site.out / page_name(SUITE)).read_text(encoding="utf-8")
    body = re.search(r'<table class="sortable collapsible" id="table-comparison">.*?<tbody>(.*?)</tbody>', html,
                     re.S).group(1)
    assert body.count("<tr ") == len(table) > 0


def test_serve_binds_localhost_and_stops_on_ctrl_c(store_path, tmp_path):
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "qbench", "report", "--db", str(store_path), "--out", str(out),
                             "--suite", SUITE, "--serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        base = m.group(0)
        with urllib.request.urlopen(base + "index.html", timeout=10) as r:
            assert r.status == 200 and b"qbench results" in r.read()
        with urllib.request.urlopen(base + "assets/plotly.min.js", timeout=10) as r:
            assert r.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
