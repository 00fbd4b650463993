"""Circuit diagrams: qbench's own text diagram of a :class:`~qbench.circuits.ir.Circuit`, and the frameworks' drawers.

The text diagram needs nothing but the IR: one line per qubit (qubit 0 on top, qbench's
numbering), gates packed into columns, two-qubit gates joined by ``╭``/``╰``.  Angles
read ``x[i]`` (the i-th data angle the feature map computes from the features), ``w[k]``
(the k-th trainable weight) or a constant.  With a framework installed, the same
circuit is drawn by the framework itself (Qiskit's ``QuantumCircuit.draw``, PennyLane's
``qml.draw``/``qml.draw_mpl``, Cirq's text diagram and SVG), through each plugin's own
translation of the IR, so the picture shows what that framework actually runs; the plugins
register those drawers through the ``qbench_register_drawers`` hook.
"""

from __future__ import annotations

import html
import io
import math
from pathlib import Path

from qbench.circuits.ir import Angle, Circuit
from qbench.errors import QBenchError

FORMATS = ("text", "svg", "png")
#: Template kinds ``qbench draw`` and the dashboard draw (observables are not circuits).
DRAWABLE_KINDS = ("feature_map", "ansatz")


# ------------------------------------------------------------------ qbench's own text diagram
def _number(value: float) -> str:
    """A constant, as a multiple of pi when it is one (pi/2, -3pi/4), else 3 significant digits."""
    if value == 0:
        return "0"
    for den in (1, 2, 3, 4, 6, 8):
        num = value * den / math.pi
        if abs(num - round(num)) < 1e-9 and round(num) != 0:
            n = int(round(num))
            head = {1: "", -1: "-"}.get(n, str(n))
            return f"{head}π" + (f"/{den}" if den != 1 else "")
    return f"{value:.3g}"


def angle_label(angle: Angle) -> str:
    """``2*x[0]``, ``w[3]``, ``-x[1]+π/2``, ``π/4``: the angle as the IR defines it."""
    if angle.source == "const":
        return _number(angle.offset)
    symbol = f"{'x' if angle.source == 'data' else 'w'}[{angle.index}]"
    if angle.scale == 1:
        text = symbol
    elif angle.scale == -1:
        text = "-" + symbol
    else:
        text = f"{_number(angle.scale)}*{symbol}"
    if angle.offset:
        off = _number(angle.offset)
        text += off if off.startswith("-") else "+" + off
    return text


def _gate_cells(gate) -> dict[int, str]:
    """Per-wire label of one gate (two-qubit gates: ``╭`` on the upper wire, ``╰`` on the lower)."""
    name = "ZZ" if gate.name == "RZZ" else gate.name
    label = f"{name}({angle_label(gate.angle)})" if gate.angle is not None else name
    if len(gate.wires) == 1:
        return {gate.wires[0]: label}
    a, b = gate.wires
    if gate.name == "CNOT":
        sym = {a: "●", b: "X"}
    elif gate.name == "CZ":
        sym = {a: "●", b: "●"}
    else:
        sym = {a: label, b: label}
    top, bottom = min(a, b), max(a, b)
    cells = {top: "╭" + sym[top], bottom: "╰" + sym[bottom]}
    for w in range(top + 1, bottom):
        cells[w] = "│"
    return cells


def text_diagram(circuit: Circuit, wire_label: str = "q") -> str:
    """The circuit as a text diagram, one line per qubit, gates packed left into columns."""
    n = circuit.n_qubits
    columns: list[dict[int, str]] = []
    level = [0] * n
    for gate in circuit.gates:
        span = range(min(gate.wires), max(gate.wires) + 1)
        col = max(level[w] for w in span)
        for w in span:
            level[w] = col + 1
        if col == len(columns):
            columns.append({})
        columns[col].update(_gate_cells(gate))
    names = [f"{wire_label}{q}: " for q in range(n)]
    width = max((len(s) for s in names), default=0)
    lines = [s.rjust(width) + "─" for s in names]
    for cells in columns:
        w = max(len(c) for c in cells.values())
        for q in range(n):
            cell = cells.get(q, "")
            lines[q] += "─" + cell + "─" * (w - len(cell)) + "─"
    return "\n".join(line + "─" for line in lines)


def text_svg(text: str, title: str = "") -> str:
    """A text diagram as a standalone SVG (monospace ``<text>`` lines; nothing external)."""
    lines = text.splitlines() or [""]
    char_w, line_h, pad = 8.4, 18, 10
    width = int(max(len(line) for line in lines) * char_w + 2 * pad)
    height = int(len(lines) * line_h + 2 * pad + (line_h if title else 0))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">',
           '<rect width="100%" height="100%" fill="white"/>']
    y = pad + 14
    if title:
        out.append(f'<text x="{pad}" y="{y}" font-weight="bold">{html.escape(title)}</text>')
        y += line_h
    for line in lines:
        out.append(f'<text x="{pad}" y="{y}" xml:space="preserve">{html.escape(line)}</text>')
        y += line_h
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _text_png(text: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    lines = text.splitlines() or [""]
    fig = plt.figure(figsize=(max(len(line) for line in lines) * 0.11 + 0.4, len(lines) * 0.26 + 0.4))
    fig.text(0.02, 0.5, text, family="DejaVu Sans Mono", fontsize=11, va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, facecolor="white")
    plt.close(fig)
    return buf.getvalue()


# ------------------------------------------------------------------ framework drawers
def figure_bytes(fig, fmt: str) -> bytes:
    """A matplotlib figure as SVG text or PNG bytes (for framework drawers)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def use_agg() -> None:
    """Select matplotlib's non-interactive backend before a framework draws."""
    import matplotlib

    matplotlib.use("Agg", force=False)


def draw_own(circuit: Circuit, fmt: str, title: str = "") -> str | bytes:
    text = text_diagram(circuit)
    if fmt == "text":
        return text
    if fmt == "svg":
        return text_svg(text, title)
    return _text_png(text)


def draw(circuit: Circuit, fmt: str = "text", backend: str | None = None, title: str = "") -> str | bytes:
    """The circuit as text, SVG (str) or PNG (bytes), by ``backend``'s framework if given, else qbench's diagram."""
    if fmt not in FORMATS:
        raise QBenchError(f"unknown drawing format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if backend is None:
        return draw_own(circuit, fmt, title)
    from qbench.plugin import manager as P
    spec = P.backend_spec(backend)
    if not spec.available:
        raise QBenchError(f"backend {backend!r} needs {', '.join(spec.missing)} to draw; run: {spec.install_hint}")
    drawer = P.drawer_for(spec.framework)
    if drawer is None:
        return draw_own(circuit, fmt, title)
    return drawer(circuit, fmt)


# ------------------------------------------------------------------ templates
def template_circuit(name: str, n_qubits: int, params: dict | None = None, kind: str | None = None) -> tuple[str, Circuit]:
    """``(kind, circuit)`` of a registered feature map or ansatz on ``n_qubits`` qubits.

    ``name`` may be prefixed with its kind (``ansatz:hea``) when a feature map and an
    ansatz share it; otherwise the kind is looked up.
    """
    from qbench.plugin import manager as P
    if kind is None and ":" in name:
        kind, _, name = name.partition(":")
    if kind is not None and kind not in DRAWABLE_KINDS:
        raise QBenchError(f"unknown template kind {kind!r}; expected one of {', '.join(DRAWABLE_KINDS)}")
    if not isinstance(n_qubits, int) or n_qubits < 1:
        raise QBenchError(f"--qubits must be a positive integer, got {n_qubits!r}")
    regs = P.host.registries()
    kinds = [kind] if kind else [k for k in DRAWABLE_KINDS if name in regs[k]]
    if not kinds:
        known = [f"{e.name} ({k.replace('_', ' ')})" for k in DRAWABLE_KINDS for e in regs[k].entries()]
        raise QBenchError(f"unknown template {name!r}; valid: {', '.join(known)}")
    if len(kinds) > 1:
        raise QBenchError(f"{name!r} is both a feature map and an ansatz; write feature_map:{name} or ansatz:{name}")
    try:
        template = P.make_template(kinds[0], name, **(params or {}))
        circuit = template.circuit(n_qubits)
    except QBenchError:
        raise
    except (TypeError, ValueError) as exc:
        raise QBenchError(f"template {name!r} with {params or {}} on {n_qubits} qubits: {exc}") from None
    return kinds[0], circuit


def write(result: str | bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(result, bytes):
        path.write_bytes(result)
    else:
        path.write_text(result if result.endswith("\n") else result + "\n", encoding="utf-8")


def format_for(path: Path) -> str:
    """The drawing format a file name asks for: .svg, .png, or text (.txt or no suffix)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return "svg"
    if suffix == ".png":
        return "png"
    if suffix in ("", ".txt"):
        return "text"
    raise QBenchError(f"cannot write a drawing to {path.name!r}: use a .svg, .png or .txt file")


__all__ = ["text_diagram", "angle_label", "text_svg", "draw", "template_circuit", "format_for",
           "write"]
