"""Circuit diagrams of every feature map and ansatz a suite's quantum models use.

The templates are read from what each stored row carries: the fitted model's templates in its
artifacts (defaults filled in), else its model parameters and grid-search winners.  Each
distinct template and parameter set is drawn once, on the smallest qubit count the suite used
it with: by Qiskit's text drawer when Qiskit (and qbench's Qiskit plugin) is installed, else by
qbench's own text diagram.  A wide or deep circuit is cut to its first :data:`MAX_QUBITS` qubits
and :data:`MAX_LAYERS` layers (with a note), so a page stays small and quick at any width.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from qbench.circuits.drawing import template_circuit, text_diagram
from qbench.circuits.ir import Circuit
from qbench.plugin.manager import drawer_for
from qbench.report.page import esc, no_data
from qbench.report.suite_data import SuiteData

MAX_DIAGRAMS = 20
#: A drawn circuit keeps at most this many qubits (the first) and layers (the first).
MAX_QUBITS = 8
MAX_LAYERS = 16
#: Estimator parameter naming each drawable template, and the parameter holding its options.
TEMPLATE_PARAMS = {"feature_map": "feature_map_params", "ansatz": "ansatz_params"}


@dataclass
class TemplateUse:
    kind: str
    name: str
    params: dict
    qubits: set


def truncated(circuit: Circuit, max_qubits: int = MAX_QUBITS, max_layers: int = MAX_LAYERS) -> tuple[Circuit, str]:
    """The circuit's first qubits and layers, and a note saying what was left out ("" when nothing was)."""
    if circuit.n_qubits <= max_qubits and circuit.depth <= max_layers:
        return circuit, ""
    keep_q = min(circuit.n_qubits, max_qubits)
    level = [0] * circuit.n_qubits
    kept = []
    for g in circuit.gates:
        d = max(level[w] for w in g.wires) + 1
        for w in g.wires:
            level[w] = d
        if d <= max_layers and all(w < keep_q for w in g.wires):
            kept.append(g)
    cut = Circuit(keep_q, tuple(kept), circuit.n_data, circuit.n_weights, circuit.name)
    note = (f"truncated: the first {keep_q} of {circuit.n_qubits} qubits and {min(circuit.depth, max_layers)} of "
            f"{circuit.depth} layers; gates that reach the hidden qubits are left out")
    return cut, note


def _templates(row) -> dict:
    """Template name and options per template kind, as the row stores them."""
    artifacts = row["artifacts"] if isinstance(row["artifacts"], dict) else {}
    values = {**(row["model_params"] if isinstance(row["model_params"], dict) else {}),
              **(row["best_params"] if isinstance(row["best_params"], dict) else {})}
    out = {}
    for tkind, pkey in TEMPLATE_PARAMS.items():
        stored = artifacts.get(tkind)
        if isinstance(stored, dict) and isinstance(stored.get("name"), str):
            out[tkind] = (stored["name"], stored.get("params") or {})
        elif isinstance(values.get(tkind), str):
            out[tkind] = (values[tkind], values.get(pkey) or {})
    return out


def templates_used(suite: SuiteData) -> list[TemplateUse]:
    """Distinct (kind, name, parameters) of the feature maps and ansaetze in the suite, with the qubit counts used."""
    uses: dict[str, TemplateUse] = {}
    quantum = suite.rows[suite.rows["task"] != "baseline"]
    cols = ["task", "model_params", "best_params", "n_qubits", "preprocess", "n_features", "artifacts"]
    seen: set[str] = set()
    for row in quantum[cols].to_dict("records"):
        fingerprint = json.dumps(row, sort_keys=True, default=str)
        if fingerprint in seen:  # thousands of jobs share a handful of configurations
            continue
        seen.add(fingerprint)
        kind = str(row["task"])
        templates = _templates(row)
        qubits = row["n_qubits"]
        if qubits is None or pd.isna(qubits):
            pre = row["preprocess"] if isinstance(row["preprocess"], dict) else {}
            qubits = pre.get("n_qubits") or row["n_features"]
        if qubits is None or pd.isna(qubits):
            continue
        for tkind, (name, params) in templates.items():
            if tkind == "ansatz" and kind != "qnn":
                continue
            if not isinstance(params, dict):
                continue
            key = json.dumps([tkind, name, params], sort_keys=True, default=str)
            uses.setdefault(key, TemplateUse(tkind, name, params, set())).qubits.add(int(qubits))
    return list(uses.values())


#: The issue asks for Qiskit's drawer when it is installed; any framework with a registered drawer would do.
PREFERRED_DRAWER = "qiskit"


def diagram(use: TemplateUse, n_qubits: int, drawer) -> tuple[str, str, str]:
    """``(text, drawer name, truncation note)`` for one template on ``n_qubits`` qubits."""
    _, circuit = template_circuit(use.name, n_qubits, use.params, kind=use.kind)
    circuit, cut = truncated(circuit)
    if drawer is not None:
        try:
            return drawer(circuit, "text"), f"{PREFERRED_DRAWER.capitalize()} text drawer", cut
        except Exception:  # the plugin cannot translate it: fall back rather than lose the diagram
            pass
    return text_diagram(circuit), "qbench text diagram", cut


def circuits_html(suite: SuiteData) -> tuple[str, str]:
    """The diagrams section's HTML and a note."""
    uses = templates_used(suite)
    if not uses:
        return no_data("no quantum model in this suite"), ""
    drawer = drawer_for(PREFERRED_DRAWER)
    blocks = []
    for use in uses[:MAX_DIAGRAMS]:
        n = min(use.qubits)
        label = use.kind.replace("_", " ")
        params = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in sorted(use.params.items())) or "defaults"
        used = ", ".join(str(q) for q in sorted(use.qubits))
        try:
            text, drawn_by, cut = diagram(use, n, drawer)
            body = (f'<p class="note truncated">{esc(cut)}</p>' if cut else "") + f'<pre class="circuit">{esc(text)}</pre>'
        except Exception as exc:  # an unknown template (plugin not installed here) must not sink the page
            drawn_by = "not drawn"
            body = no_data(f"cannot build {use.name!r} here: {type(exc).__name__}: {exc}")
        blocks.append(f'<div class="circuit-block"><h3>{esc(label)}: {esc(use.name)}</h3>'
                      f'<p class="note">parameters: {esc(params)}; drawn on {n} qubits ({esc(drawn_by)}); '
                      f'qubits used in this suite: {esc(used)}</p>{body}</div>')
    note = "x[i]: the i-th data angle the feature map computes from the features; w[k]: the k-th trainable weight."
    if len(uses) > MAX_DIAGRAMS:
        note += f" Showing {MAX_DIAGRAMS} of {len(uses)} templates."
    return "".join(blocks), note
