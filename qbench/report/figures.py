"""Plotly figures as plain data: what every plot module returns, and the colours and symbols they share.

A figure is ``{"data": [...traces], "layout": {...}}``, exactly what ``Plotly.newPlot``
takes; the page embeds it as JSON and ``assets/qbench.js`` draws it.  No figure object
from the plotly Python package is needed, so building a page costs little more than
writing its JSON.  A plot with nothing to show is a :class:`Figure` with ``empty`` set:
the page says why instead of drawing an empty frame.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from qbench.report.page import esc, no_data

#: Framework -> colour (others get the next of :data:`PALETTE`).
FRAMEWORK_COLOURS = {"numpy": "#3b3b3b", "qiskit": "#6929c4", "pennylane": "#d4a017", "cirq": "#1192e8",
                     "scikit-learn": "#2a9d3f"}
PALETTE = ("#e8590c", "#c2255c", "#0b7285", "#5f3dc4", "#862e9c", "#364fc7", "#2b8a3e", "#a61e4d", "#495057")
#: Mode -> marker symbol (classical baselines are recorded with mode "classical").
MODE_SYMBOLS = {"exact": "circle", "shots": "square", "noisy": "diamond", "hardware": "star", "classical": "x"}
SYMBOLS = ("triangle-up", "triangle-down", "pentagon", "hexagon", "cross", "star-triangle-up")
REFERENCE_BACKEND = "numpy"


def colour_for(name: str) -> str:
    """A stable colour per framework: the known ones, else one picked from the palette by the name."""
    return FRAMEWORK_COLOURS.get(name) or PALETTE[sum(map(ord, str(name))) % len(PALETTE)]


def series_colours(names) -> dict[str, str]:
    """Distinct colours for a list of series names (backends, models) in this figure."""
    out = {}
    for i, n in enumerate(names):
        out[n] = FRAMEWORK_COLOURS.get(n) or PALETTE[i % len(PALETTE)]
    return out


def symbol_for(mode: str) -> str:
    if mode in MODE_SYMBOLS:
        return MODE_SYMBOLS[mode]
    return SYMBOLS[sum(map(ord, mode)) % len(SYMBOLS)]


def ptext(value) -> str:
    """User text inside a plotly string: plotly reads a few HTML tags there, so ``&``, ``<`` and ``>`` are escaped
    (it decodes those entities for display; it does not decode ``&quot;``, so quotes are left as they are)."""
    return html.escape("" if value is None else str(value), quote=False)


def finite(value) -> float | None:
    """A float, or ``None`` for missing / NaN / inf (plotly leaves a gap)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def layout(title: str, xtitle: str, ytitle: str, *, xlog: bool = False, ylog: bool = False, height: int = 420,
           **extra) -> dict:
    """A plotly layout; titles are escaped here (plotly reads a few HTML tags in its strings)."""
    base = {
        "title": {"text": ptext(title), "font": {"size": 15}},
        "xaxis": {"title": {"text": ptext(xtitle)}, "type": "log" if xlog else "-", "automargin": True},
        "yaxis": {"title": {"text": ptext(ytitle)}, "type": "log" if ylog else "-", "automargin": True},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "v"},
        "hovermode": "closest",
        "template": None,
        "paper_bgcolor": "white",
        "plot_bgcolor": "#fafafa",
    }
    base.update(extra)
    return base


@dataclass
class Figure:
    """One plot on a page: an id unique on the page, the plotly spec, and a caption; ``empty`` explains a blank."""

    id: str
    title: str
    data: list = field(default_factory=list)
    layout: dict = field(default_factory=dict)
    caption: str = ""
    empty: str = ""
    wide: bool = False

    def spec(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def html(self) -> str:
        cls = "figure wide" if self.wide else "figure"
        caption = f'<figcaption>{esc(self.caption)}</figcaption>' if self.caption else ""
        if self.empty or not self.data:
            return (f'<figure class="{cls}" id="fig-{esc(self.id)}"><h3>{esc(self.title)}</h3>'
                    f'{no_data(self.empty or "nothing to plot")}{caption}</figure>')
        return (f'<figure class="{cls}"><div class="plot" id="fig-{esc(self.id)}" data-fig="{esc(self.id)}" '
                f'role="img" aria-label="{esc(self.title)}"></div>{caption}</figure>')


def empty(id: str, title: str, why: str, caption: str = "") -> Figure:
    return Figure(id=id, title=title, empty=why, caption=caption)


def grid(figures: list[Figure]) -> str:
    """Figures laid out in a responsive grid."""
    return '<div class="figures">' + "".join(f.html() for f in figures) + "</div>"


def specs(figures: list[Figure]) -> dict[str, dict]:
    """id -> plotly spec, for the page's JSON block (empty figures have none)."""
    return {f.id: f.spec() for f in figures if f.data and not f.empty}
