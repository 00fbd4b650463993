"""The dashboard's diagnostics section: geometric difference, kernel alignment and spectrum, separable ablations.

Tables come from :mod:`qbench.results.diagnostics` (what ``qbench results --diagnostics`` prints), so the
dashboard and the command line agree; two plots show alignment and effective dimension against qubits.
"""

from __future__ import annotations

import math

import pandas as pd

from qbench.errors import QBenchError
from qbench.report.figures import (CLASSICAL, Figure, backend_colour, backend_meta, empty, finite, layout,
                                   model_symbol, ptext)
from qbench.report.page import esc, no_data, section
from qbench.results import diagnostics as D

NOTE = ("g(K_C‖K_Q) compares each quantum kernel with the best classical kernel baseline on the same training data "
        "(small g: a classical kernel can match it; large g: an advantage is possible, not certain). "
        "Alignment and effective dimension explain a kernel's result; entangled minus separable is paired over seeds. "
        "Formulas and papers: docs/diagnostics.md.")


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.3g}"
    return "" if v is None or v is pd.NA else str(v)


#: The geometry table's columns on the page, in order, with short headers (and their meaning as a tooltip), so
#: it fits a 1280-pixel window with its reading in view; the reading column wraps.
GEOMETRY_COLUMNS = (("dataset", "data set", ""), ("model", "model", ""), ("backend", "backend", ""),
                    ("mode", "mode", ""), ("qubits", "qubits", ""), ("seeds", "seeds", ""),
                    ("g", "g", "geometric difference g(K_C‖K_Q), mean over seeds"),
                    ("g_over_sqrt_n", "g/√N", "g over the square root of the training-set size"),
                    ("reading", "reading", ""),
                    ("classical_kernel", "classical kernel", "the best classical kernel baseline (by CV score)"),
                    ("bandwidth", "bandwidth", ""), ("s_quantum", "s_Q", "model complexity of the quantum kernel"),
                    ("s_classical", "s_C", "model complexity of the classical kernel"),
                    ("classical_training_error", "train. error C", "training error of the classical kernel"))


def _geometry_table(df: pd.DataFrame) -> str:
    # a column that says nothing on this page (no bandwidth anywhere, one mode) is left out
    cols = [c for c in GEOMETRY_COLUMNS if c[0] in df.columns
            and not (c[0] in ("bandwidth", "mode") and df[c[0]].astype(str).isin(["-", "exact"]).all())]
    head = "".join(f'<th title="{esc(tip)}">{esc(h)}</th>' if tip else f"<th>{esc(h)}</th>" for _, h, tip in cols)
    body = "".join("<tr>" + "".join(f'<td class="reading">{esc(_cell(r[c]))}</td>' if c == "reading"
                                    else f"<td>{esc(_cell(r[c]))}</td>" for c, _, _ in cols) + "</tr>"
                   for r in df.to_dict("records"))
    return (f'<div class="table-wrap"><table class="sortable geometry" id="diag-geometry"><thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table></div>")


def _table(table_id: str, df: pd.DataFrame) -> str:
    head = "".join(f"<th>{esc(c.replace('_', ' '))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return (f'<div class="table-wrap"><table class="sortable" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _against_qubits(kern: pd.DataFrame, column: str, fig_id: str, title: str, ylabel: str) -> Figure:
    kern = kern[kern[column].notna() & kern["qubits"].notna()]
    if kern.empty:
        return empty(fig_id, title, "no kernel diagnostics stored for this suite")
    # colour: the backend (the site's one colour per backend), symbol: the model
    backends = [CLASSICAL if kind == "baseline" or not isinstance(b, str) else b
                for kind, b in zip(kern["kind"], kern["backend"])]
    labels = [f"{m} · {b}" + (f" ({bw})" if bw != "-" else "")
              for m, b, bw in zip(kern["model"], backends, kern["bandwidth"])]
    kern = kern.assign(_series=labels, _backend=backends)
    traces = []
    for name, sub in kern.groupby("_series", sort=False):
        sub = sub.sort_values("qubits")
        backend, model = sub["_backend"].iloc[0], sub["model"].iloc[0]
        traces.append({"type": "scatter", "mode": "markers", "name": ptext(name),
                       "x": [finite(v) for v in sub["qubits"]], "y": [finite(v) for v in sub[column]],
                       "text": [ptext(v) for v in sub["dataset"]], "meta": backend_meta([backend]),
                       "hovertemplate": f"%{{text}}<br>qubits %{{x}}<br>{ptext(ylabel)} %{{y:.3g}}<extra></extra>",
                       "marker": {"color": backend_colour(backend), "symbol": model_symbol(model), "size": 8,
                                  "opacity": 0.75}})
    return Figure(fig_id, title, traces, layout(title, "qubits (features for classical kernels)", ylabel),
                  caption="One point per data set, model and backend (mean over seeds); colour: backend, symbol: model; the bandwidth is in the legend.")


def render(suite, add) -> str:
    """The section's HTML; ``add`` registers its figures with the page."""
    parts = []
    # Parts a suite did not ask for are left out; "not applicable" is a finding, said as a note.
    try:
        geo = D.geometry(suite.jobs)
        if not geo.empty:
            parts.append("<h3>Geometric difference to the best classical kernel</h3>" + _geometry_table(geo))
    except QBenchError as exc:
        parts.append("<h3>Geometric difference to the best classical kernel</h3>"
                     f'<p class="note">Not applicable: {esc(str(exc))}</p>')
    kern = D.kernels(suite.jobs)
    if not kern.empty:
        parts.append(add([_against_qubits(kern, "alignment", "diag-alignment", "Kernel-target alignment against qubits",
                                          "alignment"),
                          _against_qubits(kern, "effective_dimension", "diag-effdim",
                                          "Effective dimension of the Gram matrix against qubits",
                                          "effective dimension")]))
        parts.append("<h3>Kernel diagnostics</h3>" + _table("diag-kernels", kern))
    abl = D.ablations(suite.jobs)
    if not abl.empty:
        parts.append("<h3>Separable ablations: entangled minus separable</h3>" + _table("diag-ablation", abl))
    if not parts:
        return ""
    return section("diagnostics", "Diagnostics: can a quantum model be better here at all?", "".join(parts), NOTE)
