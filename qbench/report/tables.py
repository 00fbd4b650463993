"""HTML tables: the comparison of ``qbench results`` (sortable, filterable), and the failed and skipped jobs.

Tables are written as plain escaped HTML, so they read without JavaScript; ``assets/qbench.js``
adds sorting (click a header; ``data-v`` holds the raw number) and a text filter.
"""

from __future__ import annotations

import math

import pandas as pd

from qbench.report.page import esc
from qbench.report.suite_data import SuiteData, artifact

MAX_FAILURE_ROWS = 1000
MAX_TRACEBACKS = 50
MESSAGE_CHARS = 1000


def _num(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _cell(text, sort=None, cls: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    if sort is not None:
        attrs += f' data-v="{sort!r}"'
    return f"<td{attrs}>{esc(text)}</td>"


def _fmt(value, spec: str, empty: str = "") -> str:
    v = _num(value)
    return empty if v is None else format(v, spec)


def _filterable(table_id: str, rows: int, head: str, body: str, placeholder: str) -> str:
    return (f'<div class="table-tools"><input type="search" class="table-filter" data-table="{table_id}" '
            f'placeholder="{esc(placeholder)}" aria-label="filter table"> '
            f'<span class="table-count" data-table="{table_id}">{rows} rows</span></div>'
            f'<div class="table-wrap"><table class="sortable" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


COMPARISON_HEADERS = [
    ("data set", "text"), ("n", "num"), ("d", "num"), ("model", "text"), ("kind", "text"), ("backend", "text"),
    ("mode", "text"), ("seeds", "num"), ("accuracy ± 95% CI", "num"), ("best baseline", "text"),
    ("Δ vs baseline", "num"), ("p", "num"), ("verdict", "text"), ("fit time (s)", "num"), ("× baseline", "num"),
    ("× numpy", "num"), ("failed", "num"), ("skipped", "num"), ("note", "text"),
]


def comparison_table(suite: SuiteData) -> str:
    """One row per result group of :func:`qbench.results.tables.compare`."""
    table = suite.table
    head = "".join(f'<th data-type="{t}" tabindex="0">{esc(h)}</th>' for h, t in COMPARISON_HEADERS)
    rows = []
    for r in table.to_dict("records"):
        baseline = r["kind"] == "baseline"
        mode = "" if baseline else str(r["mode"]) + (f"@{int(r['shots'])}" if _num(r["shots"]) is not None else "")
        acc = _num(r["accuracy"])
        ci = _num(r["ci95"])
        acc_text = "" if acc is None or not r["seeds"] else f"{acc:.3f}" + (f" ± {ci:.3f}" if ci is not None else "")
        verdict = r["verdict"] or ""
        vcls = {"better": "good", "worse": "bad"}.get(verdict, "")
        note = str(r["note"] or "")
        rows.append("<tr>" + "".join([
            _cell(r["dataset"]), _cell(_fmt(r["n_samples"], ".0f"), _num(r["n_samples"])),
            _cell(_fmt(r["n_features"], ".0f"), _num(r["n_features"])), _cell(r["model"]), _cell(r["kind"]),
            _cell("(classical)" if baseline else r["backend"]), _cell(mode), _cell(r["seeds"], _num(r["seeds"])),
            _cell(acc_text, acc), _cell("" if baseline or _isna(r["baseline"]) else r["baseline"]),
            _cell(_fmt(r["diff"], "+.3f"), _num(r["diff"])), _cell(_fmt(r["p_value"], ".2g"), _num(r["p_value"])),
            _cell(verdict, cls=vcls), _cell(_fmt(r["fit_time"], ".3g"), _num(r["fit_time"])),
            _cell(_fmt(r["fit_vs_baseline"], ".3g"), _num(r["fit_vs_baseline"])),
            _cell(_fmt(r["fit_vs_numpy"], ".3g"), _num(r["fit_vs_numpy"])),
            _cell(r["failed"] or "", _num(r["failed"])), _cell(r["skipped"] or "", _num(r["skipped"])),
            _cell(note[:300] + ("…" if len(note) > 300 else ""), cls="msg"),
        ]) + "</tr>")
    return _filterable("table-comparison", len(rows), head, "".join(rows), "filter rows, e.g. qiskit exact")


def _isna(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def failures_table(suite: SuiteData) -> tuple[str, str]:
    """Failed and skipped jobs with error type and message (tracebacks folded, for the first few)."""
    bad = suite.jobs[suite.jobs["status"] != "done"]
    if bad.empty:
        return "", "No job failed or was skipped."
    bad = bad.sort_values(["status", "label"], kind="stable")
    head = "".join(f'<th data-type="{t}" tabindex="0">{h}</th>' for h, t in
                   (("job", "text"), ("status", "text"), ("backend", "text"), ("error type", "text"),
                    ("message", "text")))
    rows = []
    for i, r in enumerate(bad.head(MAX_FAILURE_ROWS).to_dict("records")):
        message = str(r["error_message"] or "")
        if len(message) > MESSAGE_CHARS:
            message = message[:MESSAGE_CHARS] + "…"
        error = artifact(r["artifacts"], "error", {})
        tb = error.get("traceback") if isinstance(error, dict) and i < MAX_TRACEBACKS else None
        detail = f"<details><summary>traceback</summary><pre>{esc(tb)}</pre></details>" if tb else ""
        rows.append("<tr>" + _cell(r["label"]) + _cell(r["status"], cls=r["status"]) + _cell(r["backend"])
                    + _cell(r["error_type"]) + f'<td class="msg">{esc(message)}{detail}</td></tr>')
    note = f"{len(bad)} jobs did not finish: {int((bad['status'] == 'failed').sum())} failed, " \
           f"{int((bad['status'] == 'skipped').sum())} skipped."
    if len(bad) > MAX_FAILURE_ROWS:
        note += f" Showing the first {MAX_FAILURE_ROWS}; all are in qbench results --jobs --status failed."
    return _filterable("table-failures", len(rows), head, "".join(rows), "filter failures"), note
