"""Circuit diagrams: qbench's text diagram, the framework drawers, and ``qbench draw``."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from requires import needs

from qbench.plugin import manager as P
from qbench.circuits.ir import Circuit, Gate, const, data, weight
from qbench.circuits.drawing import angle_label, draw, template_circuit, text_diagram


def assert_one_line_error(code, err, fragment):
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], err


def test_text_diagram_places_gates_on_their_wires_in_columns():
    c = Circuit(3, (Gate("H", (0,)), Gate("H", (1,)), Gate("CNOT", (0, 2)), Gate("RX", (1,), data(0, 2.0)),
                    Gate("CZ", (2, 1)), Gate("RZZ", (0, 1), weight(1))), n_data=1, n_weights=2)
    lines = text_diagram(c).splitlines()
    assert [line.split(":")[0].strip() for line in lines] == ["q0", "q1", "q2"]
    assert len({len(line) for line in lines}) == 1  # every wire as long as the others
    q0, q1, q2 = lines
    # H on q0 and q1 share the first column
    assert q0.index("H") == q1.index("H")
    # CNOT(0, 2): control on q0, target on q2, the line crosses q1 in the same column
    col = q0.index("╭●")
    assert q2[col:col + 2] == "╰X" and q1[col] == "│"
    # RX(2*x[0]) on q1 cannot share the CNOT's column (the CNOT's line crosses q1)
    assert q1.index("RX(2*x[0])") > col
    # CZ(2, 1): drawn from the upper wire (q1) to the lower (q2), after the RX
    assert q1.index("╭●", col + 1) > q1.index("RX(2*x[0])") and q2[q1.index("╭●", col + 1)] == "╰"
    assert "╭ZZ(w[1])" in q0 and "╰ZZ(w[1])" in q1 and "ZZ" not in q2


@pytest.mark.parametrize("angle, label", [
    (data(0), "x[0]"), (data(3, 2.0), "2*x[3]"), (weight(1, -1.0), "-w[1]"), (const(math.pi / 2), "π/2"),
    (const(-3 * math.pi / 4), "-3π/4"), (const(0.123456), "0.123"), (const(0.0), "0"),
])
def test_angle_labels(angle, label):
    assert angle_label(angle) == label


def test_template_kinds_and_bad_templates():
    assert template_circuit("zz", 2)[0] == "feature_map"
    kind, circuit = template_circuit("ansatz:hea", 3, {"layers": 1})
    assert kind == "ansatz" and circuit.n_qubits == 3 and circuit.n_weights > 0
    from qbench.errors import QBenchError

    with pytest.raises(QBenchError, match=r"unknown template 'nope'; valid: (\w+ \([a-z ]+\), )*angle \(feature map\)"):
        template_circuit("nope", 2)
    with pytest.raises(QBenchError, match="unknown template kind 'observable'"):
        template_circuit("observable:z", 2)


def test_draw_command_prints_qbench_text_diagram(cli):
    code, out, err = cli("draw", "zz", "--qubits", "3", "--param", "reps=1", "--param", "entanglement=linear")
    assert code == 0, err
    expected = text_diagram(P.make_template("feature_map", "zz", reps=1, entanglement="linear").circuit(3))
    assert out.rstrip("\n") == expected
    assert out.count("\n") == 3 and "P(x[0])" in out and "╭●" in out


def test_draw_command_writes_svg_and_png(cli, tmp_path):
    code, _, err = cli("draw", "hea", "--qubits", "2", "--out", tmp_path / "hea.svg")
    assert code == 0, err
    root = ET.parse(tmp_path / "hea.svg").getroot()
    texts = "\n".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert text_diagram(template_circuit("hea", 2)[1]) in texts
    code, _, err = cli("draw", "hea", "--qubits", "2", "--out", tmp_path / "hea.png")
    assert code == 0, err
    assert (tmp_path / "hea.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, fragment", [
    (["draw", "nope", "--qubits", "2"], "unknown template 'nope'"),
    (["draw", "zz", "--qubits", "0"], "--qubits must be a positive integer"),
    (["draw", "zz", "--qubits", "2", "--param", "reps"], "--param expects key=value"),
    (["draw", "zz", "--qubits", "2", "--param", "bogus=1"], "bad parameters"),
    (["draw", "zz", "--qubits", "2", "--backend", "nope"], "unknown backend 'nope'"),
    (["draw", "zz", "--qubits", "2", "--out", "x.pdf"], "use a .svg, .png or .txt file"),
])
def test_draw_bad_input(cli, args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(*args)
    assert_one_line_error(code, err, fragment)
    assert list(tmp_path.iterdir()) == []


@needs("qiskit", "qiskit")
def test_qiskit_drawer_keeps_qbench_wire_numbers(cli, tmp_path):
    from qbench_qiskit.drawing import qiskit_circuit

    _, circuit = template_circuit("hea", 2, {"layers": 1})
    qc = qiskit_circuit(circuit)
    cnot = next(i for i in qc.data if i.operation.name == "cx")
    ir = next(g for g in circuit.gates if g.name == "CNOT")
    assert [qc.find_bit(q).index for q in cnot.qubits] == list(ir.wires)
    code, out, err = cli("draw", "hea", "--qubits", "2", "--param", "layers=1", "--backend", "qiskit")
    assert code == 0, err
    assert out.splitlines()[1].startswith("q_0:") and "w[0]" in out and "■" in out
    code, _, err = cli("draw", "zz", "--qubits", "2", "--backend", "qiskit", "--out", tmp_path / "zz.svg")
    assert code == 0, err
    assert ET.parse(tmp_path / "zz.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"


@needs("cirq", "cirq")
def test_cirq_drawer(cli, tmp_path):
    code, out, err = cli("draw", "hea", "--qubits", "2", "--param", "layers=1", "--backend", "cirq")
    assert code == 0, err
    assert out.startswith("0: ") and "@" in out and "Y^t0" in out
    assert "<svg" in draw(template_circuit("hea", 2)[1], "svg", backend="cirq")
    code, _, err = cli("draw", "hea", "--qubits", "2", "--backend", "cirq", "--out", tmp_path / "c.png")
    assert_one_line_error(code, err, "the cirq drawer writes text or SVG")


@needs("pennylane", "pennylane")
def test_pennylane_drawer(cli):
    code, out, err = cli("draw", "iqp", "--qubits", "2", "--backend", "pennylane")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("0:") and lines[1].startswith("1:") and "IsingZZ" in out and "RZ" in out
