"""The comparison as text for a terminal: the deciding columns in 120 characters, or every column with ``wide``.

Rows keep the one order of :func:`qbench.results.selection.display_order` (per data set, baselines first, then
quantum models by name and backends in a fixed order), so a quantum row reads against the baselines just above
it.  The narrow form keeps what decides (accuracy, difference, verdict, quantum time, x numpy; the p-values are
in ``wide``); when the lines do not fit, each data set becomes a heading line over its rows (a data set's name is
never cut), then model and backend names are shortened with "…" if they still do not fit.  A footer states the Holm
family and what "x numpy" is.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from qbench.results.selection import display_order
from qbench.results.stats import ALPHA, MIN_SEEDS

WIDTH = 120
ELLIPSIS = "…"


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _fmt(v, spec: str, empty: str = "") -> str:
    return empty if _missing(v) else format(v, spec)


def _seconds(v) -> str:
    return "" if _missing(v) else f"{v:.3g}"


def _ratio(v) -> str:
    if _missing(v):
        return ""
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _rows(table: pd.DataFrame, wide: bool) -> list[dict]:
    adjusted = "p_adjusted" in table.columns
    several_modes = table.loc[table["kind"] != "baseline", "mode"].astype(str).nunique() > 1
    several_suites = "suite" in table.columns and table["suite"].astype(str).nunique() > 1
    out = []
    for r in display_order(table).to_dict("records"):
        classical = r["kind"] == "baseline"
        size = ",".join(f"{k}={v}" for k, v in (("n", r["n_samples"]), ("d", r["n_features"])) if not _missing(v))
        mode = str(r["mode"]) + (f"@{r['shots']}" if not _missing(r["shots"]) else "")
        acc = "-" if not r["seeds"] else _fmt(r["accuracy"], ".3f", "-")
        if r["seeds"] and not _missing(r["ci95"]):
            acc += f" ± {r['ci95']:.3f}"
        p = r["p_adjusted"] if adjusted else r["p_value"]
        # --history: a superseded definition's group is marked where it cannot be missed
        model = str(r["model"]) + (" [superseded]" if r.get("superseded") is True else "")
        row = {"suite": str(r["suite"])} if several_suites else {}
        row.update({"data set": str(r["dataset"]) + (f"[{size}]" if size else ""), "model": model,
                    "backend": "(classical)" if classical else str(r["backend"])})
        if wide or several_modes:
            row["mode"] = "" if classical else mode
        row.update({
            "seeds": str(r["seeds"]), "accuracy ± 95%": acc,
            "Δ": "" if classical else _fmt(r["diff"], "+.3f"),
            "verdict": "" if classical else str(r["verdict"] or ""),
            "quantum s": "" if classical else _seconds(r.get("quantum_time")),
            "x numpy": _ratio(r.get("quantum_vs_numpy")),
        })
        if wide:
            row["p"] = "" if classical else _fmt(r["p_value"], ".2g")
            if adjusted:
                row["p adj"] = "" if classical else _fmt(p, ".2g")
            row.update({
                "baseline": "" if classical or _missing(r["baseline"]) else str(r["baseline"]),
                "classical s": _seconds(r.get("classical_time")), "overhead s": _seconds(r.get("overhead_time")),
                "fit s": _seconds(r["fit_time"]), "fit x baseline": _fmt(r["fit_vs_baseline"], ".3g"),
                "fit x numpy": _fmt(r["fit_vs_numpy"], ".3g"),
                "failed/skipped": f"{r['failed']}/{r['skipped']}" if (r["failed"] or r["skipped"]) else "",
                "note": str(r["note"] or ""),
                "config": str(r.get("config_id") or "")[:10],
            })
        elif r["failed"] or r["skipped"]:
            row["x numpy"] = (row["x numpy"] + f" ({r['failed']}f/{r['skipped']}s)").strip()
        out.append(row)
    return out


#: Columns the narrow form may shorten, in the order they give up characters, with the least each keeps
#: (data-set names are never cut: they become codes with a legend first).
SHRINKABLE = (("suite", 10), ("backend", 12), ("model", 8))


def _render(rows: list[dict], widths: dict[str, int]) -> str:
    cols = list(rows[0])
    numeric = {"seeds", "Δ", "p", "p adj", "quantum s", "x numpy", "classical s", "overhead s", "fit s",
               "fit x baseline", "fit x numpy"}

    def cell(text: str, c: str) -> str:
        w = widths[c]
        if len(text) > w:
            text = text[:w - 1] + ELLIPSIS
        return text.rjust(w) if c in numeric else text.ljust(w)

    lines = [" ".join(cell(c, c) for c in cols)]
    lines += [" ".join(cell(r[c], c) for c in cols) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _widths(rows: list[dict]) -> dict[str, int]:
    return {c: max(len(c), *(len(r[c]) for r in rows)) for c in rows[0]}


def footer(table: pd.DataFrame) -> list[str]:
    """The lines under the table: the Holm family of each suite, the seed minimum, what "x numpy" is."""
    if "family_size" not in table.columns:
        return []
    current = table[table["superseded"] != True] if "superseded" in table.columns else table  # noqa: E712
    sizes = {}
    for suite, sub in current.groupby(current["suite"].astype(str) if "suite" in current else [""] * len(current),
                                      sort=True):
        sizes[suite] = int(pd.to_numeric(sub["family_size"], errors="coerce").fillna(0).max())
    families = ", ".join(f"{s}: {m}" for s, m in sizes.items())
    return [f"verdict: paired test over seeds at the {ALPHA:.0%} level, Holm-adjusted within each suite over its "
            f"comparisons with at least {MIN_SEEDS} paired seeds ({families}); fewer seeds get no verdict.",
            "x numpy: geometric mean over seeds of quantum time / numpy's on the same configuration and seed."]


def text_table(table: pd.DataFrame, wide: bool = False, width: int = WIDTH) -> str:
    """The comparison as aligned text with its footer; without ``wide`` no table line is longer than ``width``."""
    if table.empty:
        return "(no results)"
    rows = _rows(table, wide)
    cols = list(rows[0])
    widths = _widths(rows)
    notes = [line for note in footer(table) for line in textwrap.wrap(note, width, subsequent_indent="  ")]
    notes = "\n\n" + "\n".join(notes) if notes else ""
    if wide or sum(widths.values()) + len(cols) - 1 <= width:
        return _render(rows, widths) + notes
    # too wide: each data set (and suite) becomes a heading line over its rows, never a cut name
    groups = [" ".join(r.pop(c) for c in ("suite", "data set") if c in r) for r in rows]
    cols = list(rows[0])
    widths = {c: w for c, w in widths.items() if c in cols}
    for c, least in SHRINKABLE:
        over = sum(widths.values()) + len(cols) + 1 - width  # rows are indented by two
        if over <= 0 or c not in widths:
            continue
        widths[c] = max(least, widths[c] - over)
    lines = _render(rows, widths).splitlines()
    out = ["  " + lines[0]]
    for group, previous, line in zip(groups, [None] + groups, lines[1:]):
        if group != previous:
            out.append(group)
        out.append("  " + line)
    return "\n".join(out) + notes


#: Columns that go on an indented line under their row instead of in it: per-seed lists and sentences, and
#: any text column with a value longer than LONG_TEXT.
BELOW = ("classical_kernel", "reading", "note")
LONG_TEXT = 40


def diagnostics_text(table: pd.DataFrame, width: int = WIDTH) -> str:
    """A diagnostics view as text: each data set a heading line over its rows, numbers in the row, and a column
    whose values are long text (the best classical kernel per seed, the reading) on an indented line below it,
    wrapped to ``width``; the numbers are those of the CSV/JSON export, printed to 3 significant digits."""
    if table.empty:
        return "(no results)"
    long = [c for c in table.columns if c in BELOW or (c != "dataset" and table[c].map(
        lambda v: isinstance(v, str) and len(v) > LONG_TEXT).any())]
    short = [c for c in table.columns if c not in long and c != "dataset"]
    body = table[short].to_string(index=False, float_format=lambda v: f"{v:.3g}").splitlines()
    out = ["  " + body[0]]
    previous = None
    for (_, row), line in zip(table.iterrows(), body[1:]):
        group = row.get("dataset")
        if group is not None and group != previous:
            out.append(str(group))
            previous = group
        out.append("  " + line)
        for c in long:
            value = row[c]
            if isinstance(value, str) and value:
                out += textwrap.wrap(f"{c}: {value}", width, initial_indent="      ", subsequent_indent="        ")
    return "\n".join(out)
