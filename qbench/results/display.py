"""The comparison as text for a terminal: the deciding columns in 120 characters, or every column with ``wide``.

Rows keep the table's data-set order with each data set's classical baselines first, so a
quantum row reads against the baselines just above it.  The narrow form keeps what decides
(accuracy, difference, verdict, quantum time, x numpy; the p-values are in ``wide``) and shortens long names with "…" until
the lines fit; ``wide`` adds the fit time and its ratios, the classical and harness seconds,
failures and notes.
"""

from __future__ import annotations

import math

import pandas as pd

WIDTH = 120
ELLIPSIS = "…"


def baselines_first(table: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by data-set configuration in order of first appearance, baselines first within each."""
    if table.empty:
        return table
    config = table["dataset"].astype(str) + "|" + table["n_samples"].astype(str) + "|" + table["n_features"].astype(str)
    order = {c: i for i, c in enumerate(dict.fromkeys(config))}
    keys = pd.DataFrame({"config": config.map(order), "quantum": (table["kind"] != "baseline").astype(int),
                         "pos": range(len(table))}, index=table.index)
    return table.loc[keys.sort_values(["config", "quantum", "pos"]).index]


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
    out = []
    for r in baselines_first(table).to_dict("records"):
        classical = r["kind"] == "baseline"
        size = ",".join(f"{k}={v}" for k, v in (("n", r["n_samples"]), ("d", r["n_features"])) if not _missing(v))
        mode = str(r["mode"]) + (f"@{r['shots']}" if not _missing(r["shots"]) else "")
        acc = "-" if not r["seeds"] else _fmt(r["accuracy"], ".3f", "-")
        if r["seeds"] and not _missing(r["ci95"]):
            acc += f" ± {r['ci95']:.3f}"
        p = r["p_adjusted"] if adjusted else r["p_value"]
        # --history: a superseded definition's group is marked where it cannot be missed
        model = str(r["model"]) + (" [superseded]" if r.get("superseded") is True else "")
        row = {"data set": str(r["dataset"]) + (f"[{size}]" if size else ""), "model": model,
               "backend": "(classical)" if classical else str(r["backend"])}
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


#: Columns the narrow form may shorten, in the order they give up characters, with the least each keeps.
SHRINKABLE = (("data set", 16), ("backend", 12), ("model", 8), ("verdict", 7))


def _render(rows: list[dict], widths: dict[str, int]) -> str:
    cols = list(rows[0])
    numeric = {"seeds", "Δ", "p", "p adj", "quantum s", "x numpy", "classical s", "overhead s", "fit s",
               "fit x baseline", "fit x numpy"}

    def cell(text: str, c: str) -> str:
        w = widths[c]
        if len(text) > w:
            name, bracket, size = text.partition("[")
            keep = len(size) + 1 if bracket and c == "data set" else 0  # the size says which row it is: keep it
            if keep and w - keep >= 4:
                text = name[:w - keep - 1] + ELLIPSIS + bracket + size
            else:
                text = text[:w - 1] + ELLIPSIS
        return text.rjust(w) if c in numeric else text.ljust(w)

    lines = [" ".join(cell(c, c) for c in cols)]
    lines += [" ".join(cell(r[c], c) for c in cols) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def text_table(table: pd.DataFrame, wide: bool = False, width: int = WIDTH) -> str:
    """The comparison as aligned text; without ``wide`` no line is longer than ``width`` characters."""
    if table.empty:
        return "(no results)"
    rows = _rows(table, wide)
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in cols}
    if wide:
        return _render(rows, widths)
    for c, least in SHRINKABLE:
        over = sum(widths.values()) + len(cols) - 1 - width
        if over <= 0:
            break
        widths[c] = max(least, widths[c] - over)
    return _render(rows, widths)
