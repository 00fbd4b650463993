"""One answer everywhere: `qbench results`, its diagnostics and the dashboard give the same numbers from one store.

The store holds three suites run for real: ``edit`` (3 seeds, run, edited, run again: 3 superseded rows per
edited model), ``five`` (5 seeds, numpy and pennylane) and ``two`` (2 seeds: no verdict).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import textwrap

import pytest

pytestmark = pytest.mark.slow  # three tiny suites through the real runner (~40 s)


def suite_text(name: str, seeds, reps: int = 1, backends=("numpy",)) -> str:
    return textwrap.dedent(f"""
        [suite]
        name = "{name}"
        backends = {list(backends)!r}
        seeds = {list(seeds)!r}
        cv = 2
        [[datasets]]
        name = "linearly_separable"
        n_samples = 24
        [[models]]
        name = "qsvm"
        kind = "kernel"
        params = {{ feature_map = "zz", feature_map_params = {{ reps = {reps} }} }}
        [[models]]
        name = "iqp"
        kind = "kernel"
        params = {{ feature_map = "iqp" }}
        [[models]]
        name = "svc_linear"
        kind = "baseline"
        grid = {{ C = [0.1, 1.0] }}
    """).replace("'", '"')


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from qbench.run.runner import run_suite

    work = tmp_path_factory.mktemp("one")
    db = work / "results.db"
    runs = [("edit", [0, 1, 2], 1, ("numpy",)), ("edit", [0, 1, 2], 2, ("numpy",)),
            ("five", [0, 1, 2, 3, 4], 1, ("numpy", "pennylane")), ("two", [0, 1], 1, ("numpy",))]
    for name, seeds, reps, backends in runs:
        path = work / f"{name}.toml"
        path.write_text(suite_text(name, seeds, reps, backends), encoding="utf-8")
        run_suite(path, db=db, progress=False)
    return db


@pytest.fixture(scope="module")
def site(store, tmp_path_factory):
    from qbench.report import build_site

    return build_site(store, tmp_path_factory.mktemp("site") / "site")


def json_block(page: str, element_id: str):
    m = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert m, element_id
    return json.loads(m.group(1))


def cli_csv(cli, *args) -> list[dict]:
    code, out, err = cli("results", *args, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def num(v) -> float:
    return math.nan if v in (None, "") else float(v)


def same(a, b) -> bool:
    a, b = num(a), num(b)
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-15)


COMPARED = ("seeds", "pairs", "accuracy", "diff", "p_value", "p_adjusted", "family_size", "diff_ci_adjusted",
            "quantum_vs_numpy", "fit_vs_numpy", "fit_vs_baseline")


def test_the_cli_csv_and_the_dashboard_embed_the_same_comparison(store, site, cli):
    rows = cli_csv(cli, "--db", store)
    embedded = {}
    for name in ("edit", "five", "two"):
        page = (site.out / f"suite-{name}.html").read_text(encoding="utf-8")
        for r in json_block(page, "qbench-comparison"):
            embedded[(r["suite"], r["config_id"])] = r
    assert len(rows) == len(embedded) == 3 + 5 + 3  # numpy qsvm, iqp, baseline; five adds pennylane's two
    for r in rows:
        e = embedded[(r["suite"], r["config_id"])]
        assert r["verdict"] == (e["verdict"] or ""), (r, e)
        for c in COMPARED:
            assert same(r[c], e[c]), (c, r[c], e[c])
    # a suite's adjusted p-values do not depend on what else the store holds
    for name in ("edit", "five", "two"):
        alone = {r["config_id"]: r for r in cli_csv(cli, "--db", store, "--suite", name)}
        for r in (r for r in rows if r["suite"] == name):
            assert same(r["p_adjusted"], alone[r["config_id"]]["p_adjusted"]) and r["verdict"] == \
                alone[r["config_id"]]["verdict"]
    # x numpy is the geometric mean of seed-paired ratios, and numpy's own rows read 1
    five = [r for r in rows if r["suite"] == "five" and r["kind"] != "baseline"]
    assert {num(r["quantum_vs_numpy"]) for r in five if r["backend"] == "numpy"} == {1.0}
    assert all(num(r["quantum_vs_numpy"]) > 0 for r in five)


def test_two_seeds_get_no_verdict_and_are_not_in_the_family(store, site, cli):
    rows = cli_csv(cli, "--db", store)
    two = [r for r in rows if r["suite"] == "two" and r["kind"] != "baseline"]
    assert two and all(r["verdict"] == "too few seeds (n=2)" for r in two)
    assert all(math.isnan(num(r["p_adjusted"])) and num(r["family_size"]) == 0 for r in two)
    assert all(math.isnan(num(r["ci95"])) for r in rows if r["suite"] == "two")
    five = [r for r in rows if r["suite"] == "five" and r["kind"] != "baseline"]
    assert {num(r["family_size"]) for r in five} == {4.0} and all(r["pairs"] == "5" for r in five)
    code, out, _ = cli("results", "--db", store)
    assert "too few seeds (n=2)" in out and "edit: 2" in out and "five: 4" in out and "two: 0" in out
    page = (site.out / "suite-two.html").read_text(encoding="utf-8")
    assert "too few seeds (n=2)" in page and "Holm-adjusted over this suite&#x27;s 0 comparisons" in page
    figures = json_block((site.out / "index.html").read_text(encoding="utf-8"), "qbench-figures")
    traces = figures["answer-difference"]["data"]
    unverdicted = [t for t in traces if t["meta"]["verdict"].startswith("too few")]
    assert unverdicted and all(not t["error_x"]["visible"] and t["marker"]["symbol"].endswith("-open")
                               for t in unverdicted)


def test_the_landing_plot_caption_rule_holds_for_every_row(site):
    figures = json_block((site.out / "index.html").read_text(encoding="utf-8"), "qbench-figures")
    fig = figures["answer-difference"]
    assert "a bar that crosses the line reads indistinguishable" in \
        (site.out / "index.html").read_text(encoding="utf-8")
    bars = [t for t in fig["data"] if t["error_x"]["visible"]]
    assert bars
    for t in fig["data"]:
        decided = t["meta"]["verdict"] in ("better", "worse")
        if t["error_x"]["visible"]:
            x, half = t["x"][0], t["error_x"]["array"][0]
            assert (abs(x) > half) == decided, t
        else:
            assert not t["meta"]["bar"]


def test_an_edited_rerun_shows_three_seeds_everywhere(store, site, cli):
    rows = [r for r in cli_csv(cli, "--db", store, "--suite", "edit") if r["model"] == "qsvm"]
    assert [r["seeds"] for r in rows] == ["3"]
    geo = [r for r in cli_csv(cli, "--db", store, "--suite", "edit", "--diagnostics", "geometry")
           if r["model"] == "qsvm"]
    assert [r["seeds"] for r in geo] == ["3"]
    kern = [r for r in cli_csv(cli, "--db", store, "--suite", "edit", "--diagnostics", "kernels")
            if r["model"] == "qsvm"]
    assert [r["seeds"] for r in kern] == ["3"]
    history = [r for r in cli_csv(cli, "--db", store, "--suite", "edit", "--history") if r["model"] == "qsvm"]
    assert sorted(r["seeds"] for r in history) == ["3", "3"]

    page = (site.out / "suite-edit.html").read_text(encoding="utf-8")
    embedded = [r for r in json_block(page, "qbench-comparison") if r["model"] == "qsvm"]
    assert [r["seeds"] for r in embedded] == [3]
    table = re.search(r'<table class="sortable geometry" id="diag-geometry">(.*?)</table>', page, re.S).group(1)
    head = [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    cells = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
             for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])]
    qsvm = [c for c in cells if c[head.index("model")] == "qsvm"]
    assert [c[head.index("seeds")] for c in qsvm] == ["3"]


def test_rows_keep_one_order_and_full_data_set_names(store, cli):
    rows = cli_csv(cli, "--db", store, "--suite", "five")
    assert [(r["model"], r["backend"]) for r in rows] == [
        ("svc_linear", "classical"), ("iqp", "numpy"), ("iqp", "pennylane"), ("qsvm", "numpy"),
        ("qsvm", "pennylane")]
    code, out, _ = cli("results", "--db", store)
    assert code == 0 and "linearly_separable[n=24" in out and "…" not in out.split("\n\n")[0].split("\n")[0]
    assert max(len(line) for line in out.split("\n\n")[0].splitlines()) <= 120


@pytest.mark.browser
def test_the_geometry_table_fits_its_box_at_1280_px_with_its_reading_in_view(site, visit):
    v = visit((site.out / "suite-five.html").resolve().as_uri())
    page = v.page
    page.set_viewport_size({"width": 1280, "height": 900})
    box = page.evaluate("""() => { const t = document.getElementById('diag-geometry'); const w = t.closest('.table-wrap');
        const r = [...t.querySelectorAll('th')].find(h => h.textContent === 'reading').getBoundingClientRect();
        return {scroll: w.scrollWidth, client: w.clientWidth, right: w.getBoundingClientRect().right,
                reading: r.right}; }""")
    assert box["scroll"] <= box["client"] and box["reading"] <= box["right"], box
