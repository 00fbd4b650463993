"""The dashboard in a real browser: Debian's Chromium driven by Playwright, pages opened from file://."""

from __future__ import annotations

import pytest

from qbench.results import tables as results
from qbench.report.site import page_name
from report_helpers import EVIL_DATASET, EVIL_MODEL, EVIL_SUITE, PWNED, SUITE

pytestmark = pytest.mark.browser

#: Figures the dash suite (kernel + QNN on numpy, a baseline, 2 seeds) must draw with data.
EXPECTED_FIGURES = ["accuracy-time", "vs-baseline-0", "vs-baseline-1", "runtime-qubits-kernel",
                    "runtime-samples-kernel", "runtime-qubits-qnn", "runtime-samples-qnn", "kernel-heatmap-0",
                    "kernel-concentration", "qnn-loss", "qnn-gradient"]


def url(site, name: str) -> str:
    return (site.out / name).resolve().as_uri()


def assert_clean(v) -> None:
    assert v.errors == [], v.errors
    assert [m for m in v.console if m[0] in ("error", "warning")] == [], v.console
    foreign = [r for r in v.requests if not r.startswith("file://")]
    assert foreign == [], foreign
    assert any(r.endswith("/assets/qbench.js") for r in v.requests)


@pytest.mark.parametrize("page", ["index.html", page_name(SUITE), page_name(EVIL_SUITE)])
def test_pages_load_with_no_console_error_and_no_request_to_any_host(site, visit, page):
    v = visit(url(site, page))
    assert_clean(v)
    if page != "index.html":
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
    cells = v.page.evaluate("""() => Array.from(document.querySelectorAll('#table-comparison tbody tr'))
        .map(r => [r.cells[3].textContent, r.cells[5].textContent, r.cells[1].textContent])""")
    expected = [[r.model, "(classical)" if r.kind == "baseline" else r.backend, str(r.n_samples)]
                for r in table.itertuples()]
    assert sorted(cells) == sorted(expected)


def test_table_sorts_and_filters(site, visit, store_path):
    table = results.compare(results.load(store_path, suite=SUITE))
    v = visit(url(site, page_name(SUITE)))
    page = v.page
    acc_col = 8
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
