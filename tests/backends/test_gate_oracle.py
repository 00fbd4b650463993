"""The numpy simulators against an independent dense oracle (qbench.testing.oracle): every gate, every template."""

from __future__ import annotations

import numpy as np
import pytest

from qbench.backends import density, statevector
from qbench.backends.noise import NoiseModel
from qbench.circuits.ir import FIXED_GATES, GATE_SET, ROTATION_GATES, Angle, Circuit, Gate
from qbench.plugin.manager import open_backend
from qbench.testing import cases as C
from qbench.testing.oracle import dense_noisy_probabilities, dense_states

QUBITS = (1, 2, 3, 4)


def _gate_circuits():
    """Every gate of the IR on every wire (pair) of 1-4 qubits, after a layer that makes the state generic."""
    out = []
    for n in QUBITS:
        prep = [Gate("RY", (w,), Angle("const", offset=0.3 + 0.7 * w)) for w in range(n)]
        prep += [Gate("RZ", (w,), Angle("const", offset=0.5 - 0.4 * w)) for w in range(n)]
        for name, arity in GATE_SET.items():
            pairs = [(w,) for w in range(n)] if arity == 1 else [(a, b) for a in range(n) for b in range(n) if a != b]
            for wires in pairs:
                angle = Angle("data", 0, 1.0, 0.1) if name in ROTATION_GATES else None
                out.append(pytest.param(Circuit(n, tuple(prep) + (Gate(name, wires, angle),), 1),
                                        id=f"{name}{wires}@{n}q"))
    return out


def _template_cases():
    return [pytest.param(c, id=c.label) for c in C.feature_map_cases(QUBITS, n_samples=2) + C.model_cases(QUBITS, n_samples=2)]


def assert_numpy_matches_oracle(circuit: Circuit, angles: np.ndarray, weights: np.ndarray) -> None:
    """The numpy backend (fused path), the gate-by-gate path and adjoint gradients against the dense oracle."""
    want = dense_states(circuit, angles, weights)
    got = open_backend("numpy").states(circuit, angles, weights)
    assert np.max(np.abs(got - want)) <= 1e-12, "fused numpy states differ from the dense oracle"
    slow = statevector.simulate_gate_by_gate(circuit, angles, weights)
    assert np.max(np.abs(slow - want)) <= 1e-12, "gate-by-gate numpy states differ from the dense oracle"


@pytest.mark.parametrize("circuit", _gate_circuits())
def test_every_gate_matches_the_dense_oracle(circuit):
    angles = np.array([[0.77], [-2.1]])
    assert_numpy_matches_oracle(circuit, angles, np.zeros(0))


@pytest.mark.parametrize("case", _template_cases())
def test_every_template_matches_the_dense_oracle(case):
    assert_numpy_matches_oracle(case.circuit, case.angles, case.weights)


def _wrong_rx(gate, theta):
    a, b, c, d = _ORIGINAL(gate, theta)
    return (a, -b, -c, d) if gate.name == "RX" else (a, b, c, d)  # RX(-theta): a sign error


_ORIGINAL = statevector.single_qubit_matrix


@pytest.mark.parametrize("mutation", ["rx_sign", "rz_angle", "cnot_target"])
def test_a_wrong_gate_in_the_simulator_fails_the_oracle_check(monkeypatch, mutation):
    """The oracle check can fail: one wrong gate in the numpy simulator's gate table is caught."""
    if mutation == "rx_sign":
        monkeypatch.setattr(statevector, "single_qubit_matrix", _wrong_rx)
        circuit = Circuit(2, (Gate("H", (0,)), Gate("RX", (1,), Angle("data", 0))), 1)
    elif mutation == "rz_angle":
        original = statevector.phase_pattern

        def wrong(gate, index, n):
            pattern, fixed = original(gate, index, n)
            return (2 * pattern, fixed) if gate.name == "RZ" else (pattern, fixed)

        monkeypatch.setattr(statevector, "phase_pattern", wrong)
        circuit = Circuit(2, (Gate("H", (0,)), Gate("RZ", (0,), Angle("data", 0)), Gate("H", (0,))), 1)
    else:
        monkeypatch.setattr(statevector, "_bit", lambda index, wire, n: (index >> wire) & 1)
        circuit = Circuit(3, (Gate("H", (0,)), Gate("CNOT", (0, 2))), 1)
    statevector.compile_circuit.cache_clear()
    try:
        with pytest.raises(AssertionError, match="differ from the dense oracle"):
            assert_numpy_matches_oracle(circuit, np.array([[0.4], [1.3]]), np.zeros(0))
    finally:
        statevector.compile_circuit.cache_clear()


NOISE = NoiseModel(p1=0.03, p2=0.08, p_meas=0.05)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.label) for c in C.model_cases((1, 2, 3), n_samples=2)[::2]])
def test_density_simulator_matches_kraus_oracle(case):
    got = density.probabilities(case.circuit, case.angles, case.weights, NOISE)
    want = dense_noisy_probabilities(case.circuit, case.angles, case.weights, NOISE)
    assert np.max(np.abs(got - want)) <= 1e-12


def test_density_simulator_without_noise_is_the_pure_state():
    case = C.model_cases((3,), n_samples=3)[1]
    got = density.probabilities(case.circuit, case.angles, case.weights, NoiseModel())
    assert np.allclose(got, np.abs(dense_states(case.circuit, case.angles, case.weights)) ** 2, atol=1e-12)


def test_a_wrong_depolarizing_channel_fails_the_kraus_check(monkeypatch):
    """Mutation: two-qubit depolarizing with the one-qubit rescaling is caught."""
    case = C.model_cases((2,), n_samples=2)[0]
    monkeypatch.setattr(density, "depolarize", lambda rho, n, wires, p: (1 - 4 * p / 3) * rho + 4 * p / 3 * rho
                        if len(wires) == 2 else _DEPOLARIZE(rho, n, wires, p))
    got = density.probabilities(case.circuit, case.angles, case.weights, NOISE)
    want = dense_noisy_probabilities(case.circuit, case.angles, case.weights, NOISE)
    assert np.max(np.abs(got - want)) > 1e-6


_DEPOLARIZE = density.depolarize


def _product_opening(n: int) -> Circuit:
    """Data-driven single-qubit gates first (two on qubit 0, none on the last qubit), then CNOTs, then more gates."""
    gates = [Gate("RX", (0,), Angle("data", 0, 1.3, 0.2)), Gate("RY", (0,), Angle("data", 1)), Gate("H", (1,))]
    gates += [Gate("RY", (w,), Angle("data", w % 2, -0.7)) for w in range(1, n - 1)]
    gates += [Gate("CNOT", (w, w + 1)) for w in range(n - 1)] + [Gate("CNOT", (0, n - 1))] * (n > 2)
    gates += [Gate("RX", (n - 1,), Angle("data", 1)), Gate("RZ", (0,), Angle("data", 0))]
    return Circuit(n, tuple(gates), 2)


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_a_product_opening_is_built_per_qubit_and_matches_the_oracle(n):
    """An angle-embedding opening is compiled to one ProductPrefix (the CNOT run folded in as its permutation)."""
    circuit = _product_opening(n)
    steps = statevector.compile_circuit(circuit)
    assert isinstance(steps[0], statevector.ProductPrefix) and steps[0].inverse_perm is not None
    angles = np.random.default_rng(n).uniform(-np.pi, np.pi, (5, 2))
    if n <= 4:
        assert_numpy_matches_oracle(circuit, angles, np.zeros(0))
    else:  # past the oracle's sizes: against the gate-by-gate path
        got = statevector.simulate(circuit, angles, np.zeros(0))
        assert np.max(np.abs(got - statevector.simulate_gate_by_gate(circuit, angles, np.zeros(0)))) <= 1e-12


def test_an_opening_without_data_stays_on_the_shared_path():
    """A constant opening (the IQP map's H layer) is simulated once for all samples, as before: no ProductPrefix."""
    case = [c for c in C.feature_map_cases((3,), n_samples=2) if "iqp" in c.label.lower()][0]
    assert not any(isinstance(s, statevector.ProductPrefix) for s in statevector.compile_circuit(case.circuit))


@pytest.mark.parametrize("name", ["RX", "RY"])
@pytest.mark.parametrize("source", ["data", "weight"])
def test_rx_ry_as_permutations_equal_the_two_by_two_update_bit_for_bit(name, source):
    """apply_gate's RX/RY (a psi + b P psi) forms the same products and sums as the generic 2x2 update."""
    rng = np.random.default_rng(3)
    state = rng.normal(size=(6, 8)) + 1j * rng.normal(size=(6, 8))
    angles, weights = rng.uniform(-3, 3, (6, 1)), rng.uniform(-3, 3, 1)
    for wire in range(3):
        gate = Gate(name, (wire,), Angle(source, 0, 0.7, 0.1))
        for inverse in (False, True):
            theta = statevector.gate_angles(gate, angles, weights)
            m = statevector.single_qubit_matrix(gate, -theta if inverse else theta)
            want = statevector.apply_single(state, 3, wire, m)
            got = statevector.apply_gate(state, 3, gate, angles, weights, inverse=inverse)
            assert np.array_equal(got, want)
