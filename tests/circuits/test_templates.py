import numpy as np
import pytest

from qbench.backends.statevector import simulate
from qbench.circuits import (AngleFeatureMap, HardwareEfficientAnsatz, IQPFeatureMap, StronglyEntanglingAnsatz,
                             ZZFeatureMap, mean_z_observable, parity_observable, z_observable)
from qbench.circuits.feature_maps import entangler_pairs
from qbench.errors import QBenchError


def test_entanglement_patterns():
    assert entangler_pairs(3, "full") == [(0, 1), (0, 2), (1, 2)]
    assert entangler_pairs(3, "linear") == [(0, 1), (1, 2)]
    assert entangler_pairs(3, "circular") == [(2, 0), (0, 1), (1, 2)]
    with pytest.raises(QBenchError, match="unknown entanglement"):
        ZZFeatureMap(entanglement="star")


def test_zz_map_matches_its_closed_form(rng):
    """Each ZZ repetition is H^n then exp(i sum phi_S prod Z-phases): check against the explicit matrices."""
    n = 3
    x = rng.uniform(0, np.pi, size=(1, n))
    fm = ZZFeatureMap(reps=2)
    idx = np.arange(2**n)
    bits = [(idx >> (n - 1 - q)) & 1 for q in range(n)]
    phase = sum(2 * x[0, q] * bits[q] for q in range(n))
    for i, j in entangler_pairs(n, "full"):
        phase = phase + 2 * (np.pi - x[0, i]) * (np.pi - x[0, j]) * (bits[i] ^ bits[j])
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    hn = h
    for _ in range(n - 1):
        hn = np.kron(hn, h)
    u = np.diag(np.exp(1j * phase)) @ hn
    expected = u @ u @ np.eye(2**n)[:, 0]
    got = simulate(fm.circuit(n), fm.angles(x), np.zeros(0))[0]
    assert np.allclose(got, expected)


def test_iqp_data_angles_are_features_and_products(rng):
    x = rng.uniform(size=(2, 3))
    a = IQPFeatureMap().angles(x)
    assert np.allclose(a[:, :3], x) and np.allclose(a[:, 3], x[:, 0] * x[:, 1]) and np.allclose(a[:, 5], x[:, 1] * x[:, 2])


def test_angle_map_encodes_each_feature_on_its_qubit():
    state = simulate(AngleFeatureMap("Y").circuit(2), np.array([[np.pi, 0.0]]), np.zeros(0))[0]
    assert np.allclose(np.abs(state), [0, 0, 1, 0])


def test_ansatz_weight_counts():
    assert HardwareEfficientAnsatz(layers=2).circuit(3).n_weights == 9
    assert StronglyEntanglingAnsatz(layers=2).circuit(3).n_weights == 18
    with pytest.raises(QBenchError):
        HardwareEfficientAnsatz(entangler="iswap")


def test_observables_diagonals():
    assert np.allclose(z_observable(2).diagonal(2), [1, 1, -1, -1])
    assert np.allclose(parity_observable(2).diagonal(2), [1, -1, -1, 1])
    assert np.allclose(mean_z_observable(2).diagonal(2), [1, 0, 0, -1])
    bits = np.array([[0, 1], [1, 1]])
    assert np.allclose(parity_observable(2).on_bits(bits), [-1, 1])
    assert np.allclose(parity_observable(2).on_bits(bits.astype(np.uint8)), [-1, 1])


@pytest.mark.parametrize("fm", [ZZFeatureMap(2, "full"), ZZFeatureMap(1, "circular"), IQPFeatureMap(2), AngleFeatureMap("X")])
@pytest.mark.parametrize("ansatz", [None, HardwareEfficientAnsatz(2, "cz"), StronglyEntanglingAnsatz(2)])
def test_fused_simulation_equals_gate_by_gate(fm, ansatz, rng):
    from qbench.backends.statevector import simulate_gate_by_gate

    for n in (1, 2, 4):
        c = fm.circuit(n) if ansatz is None else fm.circuit(n).then(ansatz.circuit(n))
        angles = fm.angles(rng.uniform(0, np.pi, size=(3, n)))
        w = rng.normal(size=c.n_weights)
        assert np.allclose(simulate(c, angles, w), simulate_gate_by_gate(c, angles, w), atol=1e-12)
