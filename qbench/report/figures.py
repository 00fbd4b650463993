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

#: Okabe-Ito colour-blind-safe hues, one per framework; a framework's backends are shades of its hue.
FRAMEWORK_HUES = {"numpy": "#4d4d4d", "qiskit": "#cc79a7", "pennylane": "#e69f00", "cirq": "#0072b2",
                  "scikit-learn": "#009e73"}
#: Hues for frameworks not listed above, picked by name.
SPARE_HUES = ("#d55e00", "#56b4e9", "#8c6bb1", "#b8a200")
#: Shade factors for a framework's variants: < 1 darkens towards black, > 1 lightens towards white.
SHADES = (0.62, 1.45, 0.8, 1.25, 0.5, 1.6)
#: Known variants keep their shade whichever backends a page shows.
VARIANT_SHADE = {"lightning": 0, "qsim": 0, "aer": 0, "native": 1}
CLASSICAL = "(classical)"
#: Model name -> marker symbol (the models of the bundled suites; others get one by name).
MODEL_SYMBOLS = {"qsvm": "circle", "qnn": "diamond", "svc_rbf": "x", "svc_linear": "cross",
                 "logreg": "triangle-down"}
SYMBOLS = ("square", "triangle-up", "pentagon", "hexagon", "star", "star-triangle-up", "hourglass", "bowtie")
REFERENCE_BACKEND = "numpy"


def _stable(name: str) -> int:
    return sum((i + 1) * ord(ch) for i, ch in enumerate(str(name)))


def _shade(hex_colour: str, factor: float) -> str:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    if factor <= 1:
        rgb = [round(c * factor) for c in rgb]
    else:
        rgb = [round(c + (255 - c) * (factor - 1)) for c in rgb]
    return "#" + "".join(f"{min(255, max(0, c)):02x}" for c in rgb)


def backend_colour(backend: str) -> str:
    """The one colour of a backend on every plot: its framework's hue, shaded for a variant (``cirq.qsim``).

    Classical baselines (``(classical)``, ``scikit-learn``) share the classical green.
    """
    name = str(backend)
    if name in (CLASSICAL, "classical", "baseline"):
        name = "scikit-learn"
    framework, _, variant = name.partition(".")
    hue = FRAMEWORK_HUES.get(framework) or SPARE_HUES[_stable(framework) % len(SPARE_HUES)]
    if not variant:
        return hue
    index = VARIANT_SHADE.get(variant, _stable(variant) % len(SHADES))
    return _shade(hue, SHADES[index])


def colour_for(name: str) -> str:
    """Kept for callers that colour by framework or backend name: the same as :func:`backend_colour`."""
    return backend_colour(name)


def model_symbol(model: str) -> str:
    """The one marker symbol of a model on every plot."""
    return MODEL_SYMBOLS.get(str(model)) or SYMBOLS[_stable(model) % len(SYMBOLS)]


def shared_colour() -> str:
    """The colour of a trace that stands for several backends at once (no backend's own colour)."""
    return "#000000"


def backend_meta(backends) -> dict:
    """A trace's ``meta``: the backends it stands for, read by the site's tests (one colour per backend)."""
    return {"backends": [str(b) for b in backends]}


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
