"""Quantum kitchen sinks and the separable kernel: same model on numpy and a framework, fit, bad input, shots."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from requires import needs

from qbench.circuits.zoo_kernel_maps import KitchenSinkCircuit, SeparableFeatureMap
from qbench.datasets.generators import linearly_separable
from qbench.errors import DataError
from qbench.models.kitchen_sinks import QuantumKitchenSinks, circuit_width
from qbench.models.separable_kernel import SeparableKernelClassifier, product_kernel
from qbench.plugins import open_backend
from qbench.suite.jobs import Job


@pytest.fixture(scope="module")
def data():
    X, y = linearly_separable(n_samples=40, n_features=2, seed=0)
    return X[:30], y[:30], X[30:], y[30:]


@needs("pennylane", "pennylane")
def test_kitchen_sinks_same_model_on_numpy_and_pennylane(data):
    X, y, Xt, _ = data
    a = QuantumKitchenSinks(n_episodes=8, backend="numpy", random_state=3).fit(X, y)
    b = QuantumKitchenSinks(n_episodes=8, backend="pennylane", random_state=3).fit(X, y)
    np.testing.assert_allclose(a.features(Xt), b.features(Xt), atol=1e-8)
    np.testing.assert_allclose(a.linear_.coef_, b.linear_.coef_, atol=1e-6)
    np.testing.assert_allclose(a.decision_function(Xt), b.decision_function(Xt), atol=1e-6)


@needs("pennylane", "pennylane")
def test_separable_kernel_same_model_on_numpy_and_pennylane(data):
    X, y, Xt, _ = data
    a = SeparableKernelClassifier(encoding_layers=3, backend="numpy", random_state=0).fit(X, y)
    b = SeparableKernelClassifier(encoding_layers=3, backend="pennylane", random_state=0).fit(X, y)
    np.testing.assert_allclose(a.train_kernel_, b.train_kernel_, atol=1e-8)
    np.testing.assert_allclose(a.svc_.dual_coef_, b.svc_.dual_coef_, atol=1e-6)
    np.testing.assert_allclose(a.decision_function(Xt), b.decision_function(Xt), atol=1e-6)


@pytest.mark.parametrize("model", [QuantumKitchenSinks(n_episodes=20, random_state=0),
                                   SeparableKernelClassifier(encoding_layers=1, C=10.0, random_state=0)],
                         ids=["kitchen_sinks", "separable_kernel"])
def test_fits_a_separable_problem(model):
    """Two well-separated blobs (a trivially separable problem): test accuracy well above chance."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=40, centers=[[-1.0, -1.0], [1.0, 1.0]], cluster_std=0.3, random_state=0)
    assert model.fit(X[:30], y[:30]).score(X[30:], y[30:]) >= 0.9


def test_separable_kernel_is_the_product_states_fidelity():
    """The product of one-qubit kernels equals the fidelity kernel of the whole (product-state) circuit."""
    backend, fm = open_backend("numpy"), SeparableFeatureMap(layers=2)
    angles = np.random.default_rng(1).uniform(-1.5, 1.5, size=(6, 3))
    np.testing.assert_allclose(product_kernel(backend, fm, angles, None),
                               backend.kernel(fm.circuit(3), angles, None), atol=1e-12)


def test_kitchen_sink_features_are_bit_probabilities():
    """The exact features are P(bit q = 1) of the circuit's state; RX(pi) on both qubits then CNOT(0, 1) reads 10."""
    from qbench.models.kitchen_sinks import one_probabilities

    backend = open_backend("numpy")
    circuit = KitchenSinkCircuit().circuit(2)
    np.testing.assert_allclose(one_probabilities(backend, circuit, np.array([[np.pi, np.pi], [0.0, 0.0]])),
                               [[1.0, 0.0], [0.0, 0.0]], atol=1e-12)
    theta = 0.7  # RX(theta) on qubit 0 only: P(1) = sin^2(theta/2) on qubit 0, copied onto qubit 1 by the CNOT
    p = np.sin(theta / 2) ** 2
    np.testing.assert_allclose(one_probabilities(backend, circuit, np.array([[theta, 0.0]])), [[p, p]], atol=1e-12)


def test_kitchen_sinks_shots_mode_features_are_frequencies(data):
    X, y, Xt, _ = data
    model = QuantumKitchenSinks(n_episodes=4, mode="shots", shots=8, random_state=0).fit(X, y)
    features = model.features(Xt)
    np.testing.assert_allclose(features * 8, np.round(features * 8), atol=1e-12)
    exact = QuantumKitchenSinks(n_episodes=4, random_state=0).fit(X, y).features(Xt)
    assert not np.allclose(features, exact) and np.abs(features - exact).mean() < 0.3


def test_separable_kernel_shots_mode_is_sampled_and_psd(data):
    X, y, _, _ = data
    model = SeparableKernelClassifier(mode="shots", shots=50, random_state=0).fit(X, y)
    exact = SeparableKernelClassifier(random_state=0).fit(X, y)
    assert not np.allclose(model.train_kernel_, exact.train_kernel_)
    assert np.linalg.eigvalsh(model.train_kernel_).min() > -1e-9


@pytest.mark.parametrize("n_qfeatures,width", [("full", 5), ("half", 3), (2, 2)])
def test_circuit_width(n_qfeatures, width):
    assert circuit_width(n_qfeatures, 5) == width


@pytest.mark.parametrize("model,message", [
    (QuantumKitchenSinks(n_qfeatures="quarter"), "n_qfeatures must be"),
    (QuantumKitchenSinks(n_episodes=0), "n_episodes must be"),
    (QuantumKitchenSinks(var=-1.0), "var must be"),
    (SeparableKernelClassifier(encoding_layers=0), "'encoding_layers' parameter of SeparableKernelClassifier must be"),
])
def test_bad_parameters_are_one_line_errors(data, model, message):
    X, y, _, _ = data
    with pytest.raises(DataError, match=message) as info:
        model.fit(X, y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("model,param", [("quantum_kitchen_sinks", "n_qfeatures=quarter"),
                                         ("separable_kernel", "encoding_layers=0")])
def test_bad_parameters_exit_2_from_evaluate(model, param):
    out = subprocess.run([sys.executable, "-m", "qbench", "evaluate", "--dataset", "linearly_separable", "--samples",
                          "30", "--features", "2", "--model", model, "--param", param], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("Error:") and "Traceback" not in out.stderr


@pytest.mark.parametrize("grid, needed", [({}, 200), ({"n_qfeatures": [2, 30]}, 30), ({"n_qfeatures": ["half", 3]}, 3)])
def test_the_runner_skips_kitchen_sinks_wider_than_the_backend_by_their_circuit_not_their_input(grid, needed):
    """Their circuits are n_qfeatures wide, not as wide as the data: the capability check asks the model (the widest
    grid point), so a too-wide job is skipped with the reason, never run into a failure."""
    from qbench.run.evaluate import evaluate

    job = Job(suite="s", dataset="linearly_separable", n_samples=40, n_features=2, test_size=0.25, data_seed=None,
              dataset_params={}, preprocess={"n_qubits": None, "reduction": None, "scaling": "minmax"}, model="qks",
              kind="quantum_kitchen_sinks", baseline=None,
              model_params={"n_episodes": 2, **({} if grid else {"n_qfeatures": 200})}, grid=grid, cv=2,
              backend="numpy", framework="numpy", mode="exact", shots=None, seed=0)
    result = evaluate(job)
    if needed > 20:
        assert result["status"] == "skipped" and result["error_type"] == "Unsupported"
        assert result["error_message"] == f"backend 'numpy' supports at most 20 qubits; the job needs {needed}"
    else:
        assert result["status"] == "done", result.get("error_message")
