"""Projected quantum kernel: Bloch vectors from basis-changed expectation values, the kernel, the estimator option."""

import numpy as np
import pytest

from qbench.circuits.feature_maps import IQPFeatureMap, ZZFeatureMap
from qbench.errors import QBenchError
from qbench.models.kernel import QuantumKernelClassifier
from qbench.models.projected import bloch_features, projected_kernel
from qbench.plugin.manager import open_backend
from qbench.testing import backend_checks

PAULI = {"X": np.array([[0, 1], [1, 0]], complex), "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1.0, -1.0]).astype(complex)}


def reduced_states(states: np.ndarray, n: int) -> np.ndarray:
    """One-qubit reduced density matrices by partial trace of numpy state vectors (qubit 0 most significant)."""
    out = np.empty((len(states), n, 2, 2), complex)
    for s, psi in enumerate(states):
        t = psi.reshape([2] * n)
        for q in range(n):
            m = np.moveaxis(t, q, 0).reshape(2, -1)
            out[s, q] = m @ m.conj().T
    return out


def direct_projected(states_a, states_b, n, gamma):
    ra, rb = reduced_states(states_a, n), reduced_states(states_b, n)
    k = np.empty((len(ra), len(rb)))
    for i in range(len(ra)):
        for j in range(len(rb)):
            k[i, j] = np.exp(-gamma * sum(np.linalg.norm(ra[i, q] - rb[j, q], "fro") ** 2 for q in range(n)))
    return k


@pytest.fixture
def case():
    rng = np.random.default_rng(0)
    fm = ZZFeatureMap(reps=2, entanglement="linear")
    return fm.circuit(3), fm.angles(rng.uniform(0, np.pi, (5, 3))), fm.angles(rng.uniform(0, np.pi, (4, 3)))


def test_bloch_vectors_equal_partial_traces(case):
    circuit, a, _ = case
    ref = open_backend("numpy")
    rho = reduced_states(ref.states(circuit, a), 3)
    want = np.stack([np.einsum("sqij,ji->sq", rho, PAULI[p]).real for p in "XYZ"], axis=-1)
    np.testing.assert_allclose(bloch_features(ref, circuit, a), want, atol=1e-10)


def test_projected_kernel_is_huang_formula(case):
    circuit, a, b = case
    ref = open_backend("numpy")
    np.testing.assert_allclose(projected_kernel(ref, circuit, a, b, gamma=0.8),
                               direct_projected(ref.states(circuit, a), ref.states(circuit, b), 3, 0.8), atol=1e-10)
    np.testing.assert_allclose(projected_kernel(ref, circuit, a, gamma=0.8),
                               direct_projected(ref.states(circuit, a), ref.states(circuit, a), 3, 0.8), atol=1e-10)


def test_shot_projected_kernel_is_close_and_has_unit_diagonal(case):
    circuit, a, _ = case
    exact = projected_kernel(open_backend("numpy"), circuit, a, gamma=0.5)
    shots = projected_kernel(open_backend("numpy", mode="shots", shots=20000, seed=1), circuit, a, gamma=0.5)
    np.testing.assert_allclose(np.diag(shots), 1.0)
    assert np.max(np.abs(shots - exact)) < 0.05


@pytest.mark.parametrize("gamma", [0, -1.0, "wide", float("nan")])
def test_bad_gamma_is_one_line(gamma, case):
    circuit, a, _ = case
    with pytest.raises(QBenchError, match="gamma"):
        projected_kernel(open_backend("numpy"), circuit, a, gamma=gamma)
    X = np.random.default_rng(0).normal(size=(12, 2))
    with pytest.raises(QBenchError, match="gamma"):
        QuantumKernelClassifier(kernel="projected", gamma=gamma).fit(X, np.arange(12) % 2)


def test_estimator_projected_kernel():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(24, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = QuantumKernelClassifier(feature_map="iqp", kernel="projected", gamma=0.5, cache=False).fit(X, y)
    fm = IQPFeatureMap()
    Z = model.preprocessor_.transform(X)
    want = projected_kernel(open_backend("numpy"), fm.circuit(3), fm.angles(Z), gamma=0.5)
    np.testing.assert_allclose(model.train_kernel_, want, atol=1e-10)
    fidelity = QuantumKernelClassifier(feature_map="iqp", cache=False).fit(X, y)
    assert not np.allclose(model.train_kernel_, fidelity.train_kernel_)
    assert model.predict(X[:5]).shape == (5,)
    with pytest.raises(QBenchError, match="kernel must be one of"):
        QuantumKernelClassifier(kernel="gaussian").fit(X, y)


def test_conformance_kit_has_projected_checks():
    names = {c.name for c in backend_checks("numpy", ["exact"])}
    assert {"projected_kernel_matches_reference", "projected_kernel_symmetric_psd_unit_diagonal"} <= names


def test_templates_lists_the_projected_kernel(cli):
    code, out, _ = cli("templates")
    assert code == 0 and "projected" in out and "Huang et al. 2021" in out
