"""The dashboard in a real browser: Debian's Chromium driven by Playwright, pages opened from file://."""

from __future__ import annotations

import re

import pytest

from qbench.results import tables as results
from qbench.report.site import page_name
from qbench.report.tables import DECISIVE
from report_helpers import (DISTINCT_BACKEND, EVIL_DATASET, EVIL_MODEL, EVIL_SUITE, PALETTE_BACKENDS, PALETTE_SUITE,
                            PWNED, SUITE, WIDE_QUBITS, WIDE_SUITE)

pytestmark = pytest.mark.browser

#: Figures the dash suite (kernel + QNN on numpy, a baseline, 2 seeds) must draw with data.
EXPECTED_FIGURES = ["accuracy-time", "vs-baseline-0", "vs-baseline-1", "runtime-qubits-kernel",
                    "runtime-samples-kernel", "runtime-qubits-qnn", "runtime-samples-qnn", "kernel-heatmap-0",
                    "kernel-concentration", "qnn-loss", "qnn-gradient"]


def url(site, name: str) -> str:
    return (site.out / name).resolve().as_uri()


def column(page, header: str) -> int:
    """Index of the comparison table's column with this header."""
    heads = page.evaluate("() => Array.from(document.querySelectorAll('#table-comparison thead th'))"
                          ".map(th => th.textContent)")
    return heads.index(header)


def assert_clean(v) -> None:
    assert v.errors == [], v.errors
    assert [m for m in v.console if m[0] in ("error", "warning")] == [], v.console
    foreign = [r for r in v.requests if not r.startswith("file://")]
    assert foreign == [], foreign
    assert any(r.endswith("/assets/qbench.js") for r in v.requests)


@pytest.mark.parametrize("page", ["index.html", page_name(SUITE), page_name(EVIL_SUITE), page_name(PALETTE_SUITE),
                                  page_name(WIDE_SUITE)])
def test_pages_load_with_no_console_error_and_no_request_to_any_host(site, visit, page):
    v = visit(url(site, page))
    assert_clean(v)
    assert any(r.endswith("/assets/plotly.min.js") for r in v.requests)


def test_every_plot_has_data_traces(site, visit):
    v = visit(url(site, page_name(SUITE)))
    plots = v.page.evaluate("""() => Array.from(document.querySelectorAll('div.plot')).map(d => ({
        id: d.getAttribute('data-fig'),
        traces: (d.data || []).length,
        points: (d.data || []).reduce((n, t) => n + ((t.x || t.z || []).length), 0),
        drawn: d.querySelectorAll('.main-svg').length}))""")
    ids = [p["id"] for p in plots]
    assert set(EXPECTED_FIGURES) <= set(ids), ids
    for p in plots:
        assert p["traces"] > 0 and p["points"] > 0 and p["drawn"] > 0, p
    # nothing on this page fell back to "no data", and the circuits and failures are there
    assert v.page.locator(".nodata").count() == 0
    assert v.page.locator("pre.circuit").count() >= 3  # zz and angle feature maps, hardware-efficient ansatz
    assert v.page.locator("#table-failures tbody tr").count() == 4  # 2 sizes x 2 seeds of qsvm on 'failing'


def test_heatmap_shows_the_stored_kernel_sample(site, visit, store_path):
    v = visit(url(site, page_name(SUITE)))
    z = v.page.evaluate("() => document.querySelector('div.plot[data-fig=\"kernel-heatmap-0\"]').data[0].z")
    assert len(z) == len(z[0]) >= 8
    assert all(abs(z[i][i] - 1.0) < 1e-6 for i in range(len(z)))  # a fidelity kernel's diagonal is 1


def test_table_has_one_row_per_result_group(site, visit, store_path):
    table = results.compare(results.load(store_path, suite=SUITE))
    v = visit(url(site, page_name(SUITE)))
    rows = v.page.locator("#table-comparison tbody tr")
    assert rows.count() == len(table)
    cols = [column(v.page, h) for h in ("model", "backend", "n")]
    cells = v.page.evaluate(f"""() => Array.from(document.querySelectorAll('#table-comparison tbody tr'))
        .map(r => [r.cells[{cols[0]}].textContent, r.cells[{cols[1]}].textContent, r.cells[{cols[2]}].textContent])""")
    expected = [[r.model, "(classical)" if r.kind == "baseline" else r.backend, str(r.n_samples)]
                for r in table.itertuples()]
    assert sorted(cells) == sorted(expected)


def test_table_sorts_and_filters(site, visit, store_path):
    table = results.compare(results.load(store_path, suite=SUITE))
    v = visit(url(site, page_name(SUITE)))
    page = v.page
    acc_col = column(page, "accuracy ± 95% CI")
    page.locator("#table-comparison thead th").nth(acc_col).click()
    values = page.evaluate(f"""() => Array.from(document.querySelectorAll('#table-comparison tbody tr'))
        .map(r => r.cells[{acc_col}].getAttribute('data-v'))""")
    numbers = [float(x) for x in values if x is not None]
    assert numbers == sorted(numbers) and len(numbers) == int((table["seeds"] > 0).sum())
    assert all(x is None for x in values[len(numbers):])  # groups with no finished seed sort last
    page.locator("#table-comparison thead th").nth(acc_col).click()
    values = page.evaluate(f"""() => Array.from(document.querySelectorAll('#table-comparison tbody tr'))
        .map(r => r.cells[{acc_col}].getAttribute('data-v')).filter(x => x !== null).map(Number)""")
    assert values == sorted(values, reverse=True)

    page.locator('input.table-filter[data-table="table-comparison"]').fill("qnn numpy")
    visible = page.locator("#table-comparison tbody tr:not([hidden])")
    assert visible.count() == int((table["model"] == "qnn").sum()) > 0
    assert page.locator('.table-count[data-table="table-comparison"]').inner_text() == \
        f"{visible.count()} of {len(table)} rows"


def test_user_strings_are_shown_as_text_and_never_run(site, visit):
    for page in ("index.html", page_name(EVIL_SUITE)):
        v = visit(url(site, page))
        assert_clean(v)
        flags = v.page.evaluate(f"() => {PWNED!r}.filter(k => window[k] !== undefined)")
        assert flags == [], flags
        assert v.page.locator("script:not([src]):not([type='application/json'])").count() == 0
        assert EVIL_SUITE in v.page.locator("body").inner_text()
    index = visit(url(site, "index.html")).page
    assert EVIL_SUITE in index.locator("a.suite-link").all_inner_texts()

    page = visit(url(site, page_name(EVIL_SUITE))).page
    assert page.locator("h1 .suite-name").inner_text() == EVIL_SUITE
    failures = page.locator("#table-failures").inner_text()
    assert "</script><script>window.__pwned3=1</script><!--" in failures
    table = page.locator("#table-comparison").inner_text()
    assert EVIL_MODEL in table and EVIL_DATASET in table
    # plotly draws the hostile data set name as text in a figure title, not as markup
    titles = page.evaluate("() => Array.from(document.querySelectorAll('.gtitle')).map(t => t.textContent)")
    assert any(EVIL_DATASET in t for t in titles), titles
    assert page.locator("svg[onload], img[onerror]").count() == 0


def plot_traces(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('div.plot')).map(d => ({
        id: d.getAttribute('data-fig'), drawn: d.querySelectorAll('.main-svg').length,
        traces: (d.data || []).map(t => ({name: t.name, meta: t.meta || null, n: (t.x || t.z || []).length,
            marker: t.marker && typeof t.marker.color === 'string' ? t.marker.color : null,
            line: t.line && typeof t.line.color === 'string' ? t.line.color : null}))}))""")


def test_index_answers_with_verdicts_and_plots(site, visit):
    page = visit(url(site, "index.html")).page
    rows = page.locator("#verdict table#verdicts tbody tr")
    # dash (two sizes of moons) and palette each have a quantum model against a baseline per data set
    assert rows.count() >= 4
    verdicts = page.locator("#verdicts tbody td:last-child").all_inner_texts()
    assert all(v in ("better", "worse", "indistinguishable") or re.fullmatch(r"too few seeds \(n=[12]\)", v)
               for v in verdicts), verdicts
    for cell in page.locator("#verdicts tbody td:last-child").all():
        text = cell.inner_text()
        if text in ("better", "worse", "indistinguishable"):
            assert cell.get_attribute("class") == text  # colour-coded by its class
    assert page.locator("#verdict a.suite-link").count() == rows.count()
    plots = [p for p in plot_traces(page) if p["traces"]]
    assert plots and all(p["drawn"] for p in plots)
    assert {"answer-difference", "answer-speed"} <= {p["id"] for p in plots}
    # the palette suite's backends are ranked against numpy; numpy itself is 1 on every width
    speed = page.locator("table.speed[data-kind='kernel'] tbody tr").all_inner_texts()
    assert any(r.startswith("numpy") and r.count("× 1") >= 2 for r in speed), speed
    assert {r.split()[0] for r in speed} >= set(PALETTE_BACKENDS)


def test_every_backend_has_one_colour_across_the_site(site, visit):
    colours: dict[str, set] = {}
    shared: set = set()
    qnn_loss = None
    for name in ["index.html"] + [p.name for p in site.pages if p.name != "index.html"]:
        page = visit(url(site, name)).page
        for plot in plot_traces(page):
            if plot["id"] == "qnn-loss" and name == page_name(PALETTE_SUITE):
                qnn_loss = plot["traces"]
            for t in plot["traces"]:
                colour = t["marker"] or t["line"]
                if not t["meta"] or colour is None:
                    continue
                backends = t["meta"]["backends"]
                if len(backends) == 1:
                    colours.setdefault(backends[0], set()).add(colour.lower())
                else:
                    shared.add(colour.lower())
    assert set(PALETTE_BACKENDS) <= set(colours), colours
    for backend, seen in colours.items():
        assert len(seen) == 1, (backend, seen)
    single = [next(iter(c)) for c in colours.values()]
    assert len(set(single)) == len(single), colours  # no two backends share a colour
    assert not shared & set(single)  # a curve that stands for several backends wears none of their colours
    # identical loss curves are drawn once per seed and named with each backend; the distinct one stands alone
    assert qnn_loss is not None
    runs = 2 * 2  # 2 seeds x 2 data-set sizes: 6 backends each, 24 jobs
    assert len(qnn_loss) == 2 * runs, [t["name"] for t in qnn_loss]
    together = [t for t in qnn_loss if len(t["meta"]["backends"]) > 1]
    assert len(together) == runs
    for t in together:
        assert set(t["meta"]["backends"]) == set(PALETTE_BACKENDS) - {DISTINCT_BACKEND}
        assert all(b in t["name"] for b in t["meta"]["backends"])


def test_decisive_columns_fit_at_1400_px_and_the_rest_fold(site, visit):
    v = visit(url(site, page_name(PALETTE_SUITE)))
    page = v.page
    assert page.viewport_size["width"] == 1400
    heads = page.locator("#table-comparison thead th")
    boxes = {}
    for i in range(heads.count()):
        th = heads.nth(i)
        boxes[th.inner_text().strip()] = th.bounding_box() if th.is_visible() else None
    for header in DECISIVE:
        box = boxes[header]
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1400, (header, box)
    hidden = [h for h, b in boxes.items() if b is None]
    assert "note" in hidden and "fit time (s)" in hidden
    page.locator('input.show-columns[data-table="table-comparison"]').check()
    assert page.locator("#table-comparison thead th", has_text="fit time (s)").is_visible()
    # baselines come first within each data set
    kinds = page.evaluate("() => Array.from(document.querySelectorAll('#table-comparison tbody tr'))"
                          ".map(r => [r.cells[0].textContent, r.className])")
    for dataset in {d for d, _ in kinds}:
        order = [c for d, c in kinds if d == dataset]
        assert order == sorted(order), order  # "baseline" < "quantum"


def test_a_60_qubit_suite_page_stays_small(site, visit):
    path = site.out / page_name(WIDE_SUITE)
    assert path.stat().st_size < 1_000_000
    v = visit(url(site, page_name(WIDE_SUITE)))
    assert_clean(v)
    note = v.page.locator("#circuits .truncated").first.inner_text()
    assert f"of {WIDE_QUBITS} qubits" in note
    lines = v.page.locator("#circuits pre.circuit").first.inner_text().splitlines()
    assert 0 < len(lines) < 40
