"""HTML tables: the comparison of ``qbench results`` (sortable, filterable), and the failed and skipped jobs.

Tables are written as plain escaped HTML, so they read without JavaScript; ``assets/qbench.js``
adds sorting (click a header; ``data-v`` holds the raw number) and a text filter.
"""

from __future__ import annotations

import math

import pandas as pd

from qbench.report.page import esc
from qbench.report.suite_data import SuiteData, artifact
from qbench.results.stats import MIN_SEEDS

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


def _filterable(table_id: str, rows: int, head: str, body: str, placeholder: str, toggle: str = "") -> str:
    cls = "sortable collapsible" if toggle else "sortable"
    tools = (f' <label class="column-toggle"><input type="checkbox" class="show-columns" data-table="{table_id}"> '
             f'{esc(toggle)}</label>') if toggle else ""
    return (f'<div class="table-tools"><input type="search" class="table-filter" data-table="{table_id}" '
            f'placeholder="{esc(placeholder)}" aria-label="filter table"> '
            f'<span class="table-count" data-table="{table_id}">{rows} rows</span>{tools}</div>'
            f'<div class="table-wrap"><table class="{cls}" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


#: (header, sort type, decisive): decisive columns come first and always show; the others fold away.
COMPARISON_HEADERS = [
    ("data set", "text", True), ("model", "text", True), ("backend", "text", True), ("mode", "text", True),
    ("seeds", "num", True), ("accuracy ± 95% CI", "num", True), ("Δ vs baseline", "num", True),
    ("verdict", "text", True), ("quantum time (s)", "num", True), ("× numpy", "num", True),
    ("n", "num", False), ("d", "num", False), ("kind", "text", False), ("best baseline", "text", False),
    ("p", "num", False), ("p adjusted", "num", False), ("Holm-level interval", "num", False),
    ("fit time (s)", "num", False),
    ("fit × baseline", "num", False), ("fit × numpy", "num", False), ("classical time (s)", "num", False),
    ("overhead (s)", "num", False), ("failed", "num", False), ("skipped", "num", False), ("note", "text", False),
]
DECISIVE = [h for h, _, d in COMPARISON_HEADERS if d]


def _dataset_text(r) -> str:
    size = ", ".join(f"{k}={int(v)}" for k, v in (("n", r["n_samples"]), ("d", r["n_features"])) if _num(v) is not None)
    return f"{r['dataset']}" + (f" [{size}]" if size else "")


def comparison_table(suite: SuiteData) -> str:
    """One row per result group of :func:`qbench.results.tables.compare`, baselines first within a data set.

    The deciding columns (accuracy, difference, verdict, quantum time, x numpy) come first; the rest are
    folded away behind "all columns".  ``p adjusted`` shows when the table carries it.
    """
    table = suite.table
    adjusted = "p_adjusted" in table.columns
    headers = [h for h in COMPARISON_HEADERS if adjusted or h[0] not in ("p adjusted", "Holm-level interval")]
    extra_cls = ' class="extra"'
    head = "".join(f'<th data-type="{t}" tabindex="0"{"" if d else extra_cls}>{esc(h)}</th>' for h, t, d in headers)
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
        q = _num(r.get("quantum_time"))
        decisive = [
            _cell(_dataset_text(r)), _cell(r["model"]), _cell("(classical)" if baseline else r["backend"]),
            _cell(mode), _cell(r["seeds"], _num(r["seeds"])), _cell(acc_text, acc),
            _cell(_fmt(r["diff"], "+.3f"), _num(r["diff"])), _cell(verdict, cls=f"verdict {vcls}".strip()),
            _cell("" if baseline or q is None else f"{q:.3g}", None if baseline else q),
            _cell(_fmt(r.get("quantum_vs_numpy"), ".3g"), _num(r.get("quantum_vs_numpy"))),
        ]
        extra = [
            (_fmt(r["n_samples"], ".0f"), _num(r["n_samples"])), (_fmt(r["n_features"], ".0f"), _num(r["n_features"])),
            (r["kind"], None), ("" if baseline or _isna(r["baseline"]) else r["baseline"], None),
            (_fmt(r["p_value"], ".2g"), _num(r["p_value"])),
        ]
        if adjusted:
            extra.append((_fmt(r["p_adjusted"], ".2g"), _num(r["p_adjusted"])))
        half, level = _num(r.get("diff_ci_adjusted")), _num(r.get("ci_level"))
        extra.append(("" if half is None or level is None else f"± {half:.3f} ({level:.1%})", half))
        extra += [
            (_fmt(r["fit_time"], ".3g"), _num(r["fit_time"])),
            (_fmt(r["fit_vs_baseline"], ".3g"), _num(r["fit_vs_baseline"])),
            (_fmt(r["fit_vs_numpy"], ".3g"), _num(r["fit_vs_numpy"])),
            (_fmt(r.get("classical_time"), ".3g"), _num(r.get("classical_time"))),
            (_fmt(r.get("overhead_time"), ".3g"), _num(r.get("overhead_time"))),
            (r["failed"] or "", _num(r["failed"])), (r["skipped"] or "", _num(r["skipped"])),
        ]
        cells = decisive + [_cell(t, v, cls="extra") for t, v in extra]
        cells.append(_cell(note[:300] + ("…" if len(note) > 300 else ""), cls="extra msg"))
        rows.append(f'<tr class="{"baseline" if baseline else "quantum"}">' + "".join(cells) + "</tr>")
    return _filterable("table-comparison", len(rows), head, "".join(rows), "filter rows, e.g. qiskit exact",
                       toggle="all columns")


#: The comparison columns a suite page embeds as JSON (``qbench-comparison``): the numbers `qbench results` prints.
EMBEDDED_COLUMNS = ("suite", "config_id", "dataset", "n_samples", "n_features", "model", "kind", "backend", "mode",
                    "shots", "seeds", "pairs", "accuracy", "ci95", "baseline", "diff", "diff_ci95", "test", "p_value",
                    "p_adjusted", "family_size", "ci_level", "diff_ci_adjusted", "verdict", "effect_size",
                    "effect_size_low", "effect_size_high", "effect_size_interval", "quantum_vs_numpy",
                    "fit_vs_numpy", "fit_vs_baseline")


def comparison_data(suite: SuiteData) -> list[dict]:
    """The comparison table as records of :data:`EMBEDDED_COLUMNS` (missing numbers as null)."""
    cols = [c for c in EMBEDDED_COLUMNS if c in suite.table.columns]
    return [{c: (None if _isna(r[c]) else r[c]) for c in cols} for r in suite.table[cols].to_dict("records")]


def holm_note(suite: SuiteData) -> str:
    """The sentence that states the suite's Holm family."""
    table = suite.table
    current = table[table["superseded"] != True] if "superseded" in table else table  # noqa: E712
    m = int(pd.to_numeric(current.get("family_size", pd.Series(dtype=float)), errors="coerce").fillna(0).max()
            if len(current) else 0)
    return (f"p-values are Holm-adjusted over this suite's {m} comparison{'s' if m != 1 else ''} with at least "
            f"{MIN_SEEDS} paired seeds (the same family as qbench results --suite {suite.name}); a comparison with "
            f"fewer seeds has no verdict and is not in the family")


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
