"""The site's static files: plotly.js copied from the installed plotly package, and qbench's CSS and JS.

They are kept as Python strings (no package data to declare) and written once per site
under ``assets/``; every page links them relatively, so the site works from ``file://``
and from any static host, and never loads anything from another host.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from qbench.errors import QBenchError
from qbench.report.page import ASSETS, PLOTLY_JS, SITE_CSS, SITE_JS


def plotly_js_path() -> Path:
    """``plotly.min.js`` shipped inside the installed plotly Python package."""
    try:
        import plotly
    except ImportError:
        raise QBenchError('the dashboard needs plotly (it bundles plotly.js); run: pip install "qbench[dashboard]"') from None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise QBenchError(f"plotly {getattr(plotly, '__version__', '?')} has no package_data/plotly.min.js; "
                          "reinstall plotly (pip install --force-reinstall plotly)")
    return path


def write_assets(out: Path) -> None:
    (out / ASSETS).mkdir(parents=True, exist_ok=True)
    src = plotly_js_path()
    dest = out / PLOTLY_JS
    if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, dest)
    (out / SITE_CSS).write_text(CSS, encoding="utf-8")
    (out / SITE_JS).write_text(JS, encoding="utf-8")


JS = r"""/* qbench dashboard: draws the page's plotly figures, makes tables sortable and filterable.  No network. */
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function renderPlots() {
    var block = document.getElementById("qbench-figures");
    var done = function () { window.qbenchReady = true; document.body.setAttribute("data-ready", "1"); };
    if (!block || typeof Plotly === "undefined") { done(); return; }
    var specs = JSON.parse(block.textContent);
    var pending = [];
    each(document.querySelectorAll("div.plot[data-fig]"), function (div) {
      var spec = specs[div.getAttribute("data-fig")];
      if (spec) {
        pending.push(Plotly.newPlot(div, spec.data, spec.layout,
                                    {responsive: true, displaylogo: false, showLink: false}));
      }
    });
    Promise.all(pending).then(done);
  }

  function cellValue(td, type) {
    if (!td) { return null; }
    if (type === "num") {
      var v = td.getAttribute("data-v");
      if (v === null || v === "" || v === "None") { return null; }
      var n = parseFloat(v);
      return isNaN(n) ? null : n;
    }
    var t = td.textContent.trim().toLowerCase();
    return t === "" ? null : t;
  }

  function makeSortable(table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, col) {
      var sort = function () {
        var type = th.getAttribute("data-type") || "text";
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        each(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[col], type), y = cellValue(b.cells[col], type);
          if (x === y) { return 0; }
          if (x === null) { return 1; }   /* missing values last in either direction */
          if (y === null) { return -1; }
          return (x < y ? -1 : 1) * dir;
        });
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  function makeFilterable(input) {
    var id = input.getAttribute("data-table");
    var table = document.getElementById(id);
    if (!table) { return; }
    var count = null;
    each(document.querySelectorAll(".table-count"), function (c) {
      if (c.getAttribute("data-table") === id) { count = c; }
    });
    var rows = table.tBodies[0].rows;
    input.addEventListener("input", function () {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      each(rows, function (r) {
        var text = r.textContent.toLowerCase();
        var ok = terms.every(function (t) { return text.indexOf(t) !== -1; });
        r.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + rows.length + " rows"; }
    });
  }

  function makeToggle(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) { return; }
    box.addEventListener("change", function () { table.classList.toggle("show-all", box.checked); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    each(document.querySelectorAll("table.sortable"), makeSortable);
    each(document.querySelectorAll("input.show-columns"), makeToggle);
    each(document.querySelectorAll("input.table-filter"), makeFilterable);
    renderPlots();
  });
}());
"""

CSS = """/* qbench dashboard */
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #dde1e6; --accent: #3b5bdb; --good: #2b8a3e; --bad: #c92a2a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       background: #f6f7f9; }
header { background: #1f2633; padding: 0.6rem 1.5rem; position: sticky; top: 0; z-index: 10; }
header nav a { color: #dfe6f0; text-decoration: none; margin-right: 1.2rem; font-weight: 500; }
header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #8fb1ff; }
main { max-width: 1500px; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.6rem 0; }
h2 { font-size: 1.2rem; margin: 0 0 0.5rem; }
h3 { font-size: 0.95rem; margin: 0.2rem 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 1rem 0; }
.lead { font-size: 1.05rem; }
.note, figcaption { color: var(--muted); font-size: 12.5px; margin: 0.2rem 0 0.6rem; }
.nodata { color: var(--muted); font-style: italic; padding: 0.8rem; background: #f8f9fa; border-radius: 6px; }
.good { color: var(--good); } .bad { color: var(--bad); }
.toc a { margin-right: 0.9rem; color: var(--accent); text-decoration: none; }
.table-tools { margin-bottom: 0.4rem; }
.table-filter { padding: 0.3rem 0.5rem; width: 22rem; max-width: 100%; border: 1px solid var(--line); border-radius: 5px; }
.table-count { color: var(--muted); margin-left: 0.5rem; }
.table-wrap { overflow: auto; max-height: 38rem; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #eef1f5; white-space: nowrap; }
table.sortable thead th { cursor: pointer; user-select: none; }
table.sortable thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 10px; }
table.sortable thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 10px; }
tbody tr:hover { background: #f5f8ff; }
td.msg { min-width: 22rem; max-width: 40rem; overflow-wrap: anywhere; }
table.geometry td.reading { min-width: 16rem; max-width: 26rem; }
td.failed { color: var(--bad); } td.skipped { color: var(--muted); }
table.env { width: auto; margin-bottom: 1rem; }
table.env th { background: none; position: static; width: 9rem; color: var(--muted); font-weight: 500; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1rem; }
.figure { margin: 0; min-width: 0; }
.figure.wide { grid-column: 1 / -1; }
.plot { width: 100%; min-height: 320px; }
pre { background: #f8f9fa; border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem; overflow: auto;
      font: 12px/1.25 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.circuit-block { margin-bottom: 1rem; }
code { background: #eef1f5; padding: 0 0.25rem; border-radius: 3px; }
a.suite-link { color: var(--accent); font-weight: 600; }
table.collapsible .extra { display: none; }
table.collapsible.show-all .extra { display: table-cell; }
.column-toggle { margin-left: 1rem; color: var(--muted); }
tr.baseline td { background: #f3faf6; }
td.verdict.good, td.verdict.bad { font-weight: 600; }
.verdicts td.better { background: #e3f4e8; color: #1e6b31; font-weight: 600; }
.verdicts td.worse { background: #fbe6e6; color: #a61e1e; font-weight: 600; }
.verdicts td.indistinguishable { background: #eef1f5; color: #44505c; }
.answer { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 0.8rem; margin: 0.6rem 0 1rem; }
.answer .card { border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 0.8rem; background: #fafbfc; }
.answer .card b { font-size: 1.4rem; display: block; }
.answer .card.better b { color: var(--good); } .answer .card.worse b { color: var(--bad); }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.35rem;
          vertical-align: -1px; }
"""
