import numpy as np
import pytest

from qbench.backends.statevector import simulate
from qbench.circuits import Circuit, Gate, data, weight
from qbench.circuits.ir import resolve_angles


def test_qubit_zero_is_most_significant_bit():
    state = simulate(Circuit(3, (Gate("X", (0,)),)), np.zeros((1, 0)), np.zeros(0))
    assert np.argmax(np.abs(state[0])) == 0b100


def test_gate_validation_rejects_bad_gates():
    with pytest.raises(ValueError, match="unknown gate"):
        Gate("TOFFOLI", (0, 1, 2))
    with pytest.raises(ValueError, match="takes 2 wires"):
        Gate("CNOT", (0,))
    with pytest.raises(ValueError, match="needs angle"):
        Gate("RX", (0,))
    with pytest.raises(ValueError, match="outside"):
        Circuit(1, (Gate("H", (1,)),))
    with pytest.raises(ValueError, match="beyond"):
        Circuit(1, (Gate("RX", (0,), data(0)),), n_data=0)


def test_inverse_undoes_the_circuit(rng):
    c = Circuit(2, (Gate("H", (0,)), Gate("RY", (1,), weight(0)), Gate("CNOT", (0, 1)), Gate("RZZ", (0, 1), data(0))),
                n_data=1, n_weights=1)
    angles, w = rng.uniform(size=(3, 1)), rng.uniform(size=1)
    state = simulate(Circuit(2, c.gates + c.inverse().gates, 1, 1), angles, w)
    assert np.allclose(np.abs(state[:, 0]), 1.0)


def test_then_shifts_weights_and_shares_data_on_request():
    a = Circuit(1, (Gate("RX", (0,), data(0)), Gate("RY", (0,), weight(0))), n_data=1, n_weights=1)
    shifted = a.then(a)
    assert (shifted.n_data, shifted.n_weights) == (2, 2)
    shared = a.then(a, share_data=True)
    assert (shared.n_data, shared.n_weights) == (1, 2)
    assert shared.gates[2].angle.index == 0 and shared.gates[3].angle.index == 1


def test_resolve_angles_applies_scale_and_offset():
    c = Circuit(1, (Gate("RX", (0,), data(0, scale=2.0)), Gate("RY", (0,), weight(1, scale=-1.0))), n_data=1, n_weights=2)
    out = resolve_angles(c, np.array([[0.5], [1.0]]), np.array([0.0, 3.0]))
    assert np.allclose(out, [[1.0, -3.0], [2.0, -3.0]])


def test_depth_and_two_qubit_count():
    c = Circuit(3, (Gate("H", (0,)), Gate("CNOT", (0, 1)), Gate("CNOT", (1, 2)), Gate("H", (0,))))
    assert c.depth == 3 and c.two_qubit_gates == 2 and c.count_ops() == {"H": 2, "CNOT": 2}
