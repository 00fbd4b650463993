"""Circuit diagrams of every feature map and ansatz a suite's quantum models use.

The templates are read from each job's model parameters (and grid-search winners),
falling back to the estimator's defaults for those not set.  Each distinct template and
parameter set is drawn once, on the smallest qubit count the suite used it with: by
Qiskit's text drawer when Qiskit (and qbench's Qiskit plugin) is installed, else by
qbench's own text diagram.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

import pandas as pd

from qbench.circuits.drawing import template_circuit, text_diagram
from qbench.plugin.manager import drawer_for
from qbench.report.page import esc, no_data
from qbench.report.suite_data import SuiteData

MAX_DIAGRAMS = 20
#: Estimator parameter naming each drawable template, and the parameter holding its options.
TEMPLATE_PARAMS = {"feature_map": "feature_map_params", "ansatz": "ansatz_params"}


@dataclass
class TemplateUse:
    kind: str
    name: str
    params: dict
    qubits: set


def _estimator_defaults(kind: str) -> dict:
    from qbench.models import QNNClassifier, QuantumKernelClassifier

    cls = {"kernel": QuantumKernelClassifier, "qnn": QNNClassifier}.get(kind)
    if cls is None:
        return {}
    return {n: p.default for n, p in inspect.signature(cls).parameters.items() if p.default is not inspect.Parameter.empty}


def templates_used(suite: SuiteData) -> list[TemplateUse]:
    """Distinct (kind, name, parameters) of the feature maps and ansaetze in the suite, with the qubit counts used."""
    uses: dict[str, TemplateUse] = {}
    defaults: dict[str, dict] = {}
    quantum = suite.jobs[suite.jobs["kind"].isin(["kernel", "qnn"])]
    cols = ["kind", "model_params", "best_params", "n_qubits", "preprocess", "n_features"]
    seen: set[str] = set()
    for row in quantum[cols].to_dict("records"):
        fingerprint = json.dumps(row, sort_keys=True, default=str)
        if fingerprint in seen:  # thousands of jobs share a handful of configurations
            continue
        seen.add(fingerprint)
        kind = str(row["kind"])
        if kind not in defaults:
            defaults[kind] = _estimator_defaults(kind)
        values = {**defaults[kind], **(row["model_params"] if isinstance(row["model_params"], dict) else {}),
                  **(row["best_params"] if isinstance(row["best_params"], dict) else {})}
        qubits = row["n_qubits"]
        if qubits is None or pd.isna(qubits):
            pre = row["preprocess"] if isinstance(row["preprocess"], dict) else {}
            qubits = pre.get("n_qubits") or row["n_features"]
        if qubits is None or pd.isna(qubits):
            continue
        for tkind, pkey in TEMPLATE_PARAMS.items():
            name = values.get(tkind)
            if not isinstance(name, str) or (tkind == "ansatz" and kind != "qnn"):
                continue
            params = values.get(pkey) or {}
            if not isinstance(params, dict):
                continue
            key = json.dumps([tkind, name, params], sort_keys=True, default=str)
            uses.setdefault(key, TemplateUse(tkind, name, params, set())).qubits.add(int(qubits))
    return list(uses.values())


#: The issue asks for Qiskit's drawer when it is installed; any framework with a registered drawer would do.
PREFERRED_DRAWER = "qiskit"


def diagram(use: TemplateUse, n_qubits: int, drawer) -> tuple[str, str]:
    """``(text, drawer name)`` for one template on ``n_qubits`` qubits."""
    _, circuit = template_circuit(use.name, n_qubits, use.params, kind=use.kind)
    if drawer is not None:
        try:
            return drawer(circuit, "text"), f"{PREFERRED_DRAWER.capitalize()} text drawer"
        except Exception:  # the plugin cannot translate it: fall back rather than lose the diagram
            pass
    return text_diagram(circuit), "qbench text diagram"


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
            text, drawn_by = diagram(use, n, drawer)
            body = f'<pre class="circuit">{esc(text)}</pre>'
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
