"""The zoo-more models: CNN, quanvolutional network, WeiNet, quantum metric learner, quantum Boltzmann machines.

Per model: gradients against finite differences where the core writes them, numpy and PennyLane
train the same model for one seed, an easy problem is fitted, and bad input is one line (exit 2
from a suite).  Tiny sizes: 4x4 images, 2-3 features, a few dozen samples.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from qbench.circuits.diagonal import diagonal_observable, projector
from qbench.circuits import embeddings
from qbench.circuits.variational import amplitude_angles, amplitude_circuit, normalised
from qbench.datasets.generators import linearly_separable
from qbench.errors import CapabilityError, DataError, QBenchError
from qbench.models.boltzmann import (QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine, gibbs_expectation,
                                     hamiltonian_terms)
from qbench.models.cnn import ConvNet, ConvolutionalNeuralNetwork
from qbench.models.metric_learning import QuantumMetricLearner
from qbench.models.quanvolution import QuanvolutionalNeuralNetwork
from qbench.models.weinet import SHIFTS, WeiNet
from qbench.plugin.manager import model_entry, open_backend
from tests.requires import needs

requires_pennylane = needs("pennylane", "pennylane")
SMALL_CNN = {"output_channels": (3, 4), "kernel_shape": 2}


def top_or_bottom(n: int = 40, side: int = 4, seed: int = 0):
    """Trivially separable k x k images: class 1 bright in the top half, class 0 in the bottom half."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = 0.1 * rng.random((n, side, side))
    half = side // 2
    X[y == 1, :half, :] += 1.0
    X[y == 0, half:, :] += 1.0
    return X.reshape(n, -1), y


def split(X, y, n_train):
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def finite_difference(fn, params, eps=1e-6):
    eye = np.eye(len(params))
    return np.array([(fn(params + eps * e) - fn(params - eps * e)) / (2 * eps) for e in eye])


# ----------------------------------------------------------------- registration
@pytest.mark.parametrize("kind, cls", [("quanvolutional", "QuanvolutionalNeuralNetwork"), ("weinet", "WeiNet"),
                                       ("metric_learner", "QuantumMetricLearner"),
                                       ("boltzmann", "QuantumBoltzmannMachine"),
                                       ("boltzmann_separable", "QuantumBoltzmannMachineSeparable")])
def test_registered_with_the_paper_class(kind, cls):
    entry = model_entry(kind)
    assert f"Bowles et al. 2024: {cls}" in entry.meta["paper"]


# ----------------------------------------------------------------- CNN
@pytest.mark.parametrize("side, k", [(4, 3), (5, 2), (3, 5)])
def test_cnn_gradient_matches_finite_differences(side, k):
    rng = np.random.default_rng(side)
    net = ConvNet(side, 2, k, (3, 4))
    params = net.init(rng)
    x, y = rng.normal(size=(5, side, side, 2)), (rng.random(5) > 0.5).astype(float)
    _, grad = net.loss_and_grad(params, x, y)
    pick = rng.choice(len(params), 25, replace=False)
    fd = [(net.loss_and_grad(params + 1e-6 * e, x, y)[0] - net.loss_and_grad(params - 1e-6 * e, x, y)[0]) / 2e-6
          for e in np.eye(len(params))[pick]]
    np.testing.assert_allclose(grad[pick], fd, atol=1e-7)


@pytest.mark.parametrize("side, k", [(4, 2), (5, 3), (8, 5)])
def test_cnn_dense_convolutions_equal_the_im2col_path(monkeypatch, side, k):
    """Small images run each convolution as one dense matrix; the im2col path (wide images) gives the same net."""
    from qbench.models import cnn

    rng = np.random.default_rng(side)
    x, y = rng.normal(size=(6, side, side, 1)), (rng.random(6) > 0.5).astype(float)
    dense = ConvNet(side, 1, k, (3, 4))
    assert dense.conv1.dense and dense.conv2.dense
    params = dense.init(rng)
    monkeypatch.setattr(cnn, "DENSE_CONV_ENTRIES", 0)
    wide = ConvNet(side, 1, k, (3, 4))
    assert not wide.conv1.dense and not wide.conv2.dense
    (la, ga), (lb, gb) = dense.loss_and_grad(params, x, y), wide.loss_and_grad(params, x, y)
    assert la == pytest.approx(lb, abs=1e-12)
    np.testing.assert_allclose(ga, gb, atol=1e-12)


def test_cnn_pooling_sends_a_tied_window_gradient_to_its_first_maximum():
    """Ties (frequent on binary images) go to the first maximum in row-major window order, as an argmax does."""
    from qbench.models.cnn import _pool, _pool_back

    x = np.array([[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 5.0, 1.0], [0.0, 3.0, 5.0, 5.0]])
    out, arg = _pool(x.reshape(1, 4, 4, 1))
    np.testing.assert_array_equal(out[0, :, :, 0], [[1.0, 2.0], [3.0, 5.0]])
    dx = _pool_back(np.ones((1, 2, 2, 1)), arg, (1, 4, 4, 1))[0, :, :, 0]
    want = np.zeros((4, 4))
    want[0, 0] = want[0, 3] = want[3, 1] = want[2, 2] = 1.0
    np.testing.assert_array_equal(dx, want)


def test_cnn_fits_separable_images():
    Xt, yt, Xs, ys = split(*top_or_bottom(48), 32)
    model = ConvolutionalNeuralNetwork(**SMALL_CNN, learning_rate=0.02, max_iter=30, random_state=0).fit(Xt, yt)
    assert model.score(Xs, ys) >= 0.9
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_cnn_baseline_registered_and_searches_its_grid():
    from qbench.models.baselines import make_baseline

    X, y = top_or_bottom(24)
    model = make_baseline("cnn", random_state=0, cv=2, learning_rate=[0.01, 0.02], max_iter=2, **SMALL_CNN).fit(X, y)
    assert model.named_steps["model"].best_params_["learning_rate"] in (0.01, 0.02)


# ----------------------------------------------------------------- quanvolutional network
QUANV = {**SMALL_CNN, "n_qchannels": 2, "rand_depth": 2, "rand_rot": 4, "learning_rate": 0.02, "max_iter": 20}


def test_quanvolutional_fits_separable_images():
    Xt, yt, Xs, ys = split(*top_or_bottom(48), 32)
    model = QuanvolutionalNeuralNetwork(**QUANV, random_state=0).fit(Xt, yt)
    assert model.score(Xs, ys) >= 0.9


def test_quanvolution_filter_output_is_the_weight_of_the_most_likely_outcome():
    X, y = top_or_bottom(8)
    model = QuanvolutionalNeuralNetwork(**{**QUANV, "max_iter": 1}, random_state=1).fit(X, y)
    patterns = np.array([[0, 1, 1, 0], [1, 1, 1, 1]], dtype=float)
    states = open_backend("numpy").states(model.filters_[1], patterns)
    expected = [bin(int(np.argmax(np.abs(s) ** 2))).count("1") for s in states]
    np.testing.assert_array_equal(model._filter_outputs(patterns)[:, 1], expected)


def test_quanvolution_shots_estimate_the_same_filter_outputs():
    X, y = top_or_bottom(8)
    exact = QuanvolutionalNeuralNetwork(**{**QUANV, "max_iter": 1}, random_state=1).fit(X, y)
    shots = QuanvolutionalNeuralNetwork(**{**QUANV, "max_iter": 1}, random_state=1, mode="shots", shots=20000).fit(X, y)
    patterns = np.array([[a, b, c, d] for a in (0, 1) for b in (0, 1) for c in (0, 1) for d in (0, 1)], dtype=float)
    agree = (exact._filter_outputs(patterns) == shots._filter_outputs(patterns)).mean()
    assert agree >= 0.9  # near-ties between outcomes may flip under sampling


@requires_pennylane
def test_quanvolutional_numpy_and_pennylane_train_the_same_model():
    X, y = top_or_bottom(24)
    a = QuanvolutionalNeuralNetwork(**{**QUANV, "max_iter": 3}, random_state=0).fit(X, y)
    b = QuanvolutionalNeuralNetwork(**{**QUANV, "max_iter": 3}, random_state=0, backend="pennylane").fit(X, y)
    np.testing.assert_allclose(a.params_, b.params_, atol=1e-6)


# ----------------------------------------------------------------- WeiNet
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_weinet_images_go_through_the_one_amplitude_encoding(n):
    """Unnormalised rows encode their normalised vector, an all-zero row |0...0>: the variational zoo's encoding."""
    V = np.random.default_rng(n).normal(size=(3, 2**n))
    V[1] = 0.0
    states = open_backend("numpy").states(amplitude_circuit(n), amplitude_angles(normalised(V)))
    expected = V / np.where(np.linalg.norm(V, axis=1, keepdims=True) > 0, np.linalg.norm(V, axis=1, keepdims=True), 1)
    expected[1, 0] = 1.0
    np.testing.assert_allclose(states, expected, atol=1e-12)
    assert not [name for name in vars(embeddings) if "amplitude" in name]  # one implementation, in variational.py


def test_weinet_shifted_observables_measure_the_shifted_image():
    X, y = top_or_bottom(8)
    model = WeiNet(max_iter=1, random_state=0).fit(X, y)
    image = model.preprocessor_.transform(X[:1]).reshape(4, 4)
    F = model._images(X[:1])[0]
    for q, (a, b) in enumerate(SHIFTS):
        probs = (np.roll(image, (a, b), axis=(0, 1)) ** 2).ravel() / np.sum(image**2)  # qubits 0, 2: row / column MSB
        z0 = probs @ np.repeat([1.0, -1.0], 8)
        np.testing.assert_allclose(F[q, 0], z0, atol=1e-12)


def test_weinet_gradient_matches_finite_differences():
    X, y = top_or_bottom(8)
    model = WeiNet(max_iter=1, random_state=0).fit(X, y)
    F, t = model._images(X), (y == 1).astype(float)
    params = np.random.default_rng(0).normal(size=model.params_.shape)
    _, grad = model._loss_and_grad(params, F, t)
    np.testing.assert_allclose(grad, finite_difference(lambda p: model._loss_and_grad(p, F, t)[0], params), atol=1e-7)


def test_weinet_fits_separable_images():
    Xt, yt, Xs, ys = split(*top_or_bottom(48), 32)
    model = WeiNet(learning_rate=0.1, max_iter=40, batch_size=8, random_state=0).fit(Xt, yt)
    assert model.score(Xs, ys) >= 0.9


@requires_pennylane
def test_weinet_numpy_and_pennylane_train_the_same_model():
    X, y = top_or_bottom(16)
    a = WeiNet(max_iter=3, random_state=0).fit(X, y)
    b = WeiNet(max_iter=3, random_state=0, backend="pennylane").fit(X, y)
    np.testing.assert_allclose(a.params_, b.params_, atol=1e-6)


# ----------------------------------------------------------------- metric learner
def test_metric_learner_gradient_matches_finite_differences():
    X, y = linearly_separable(12, 2, seed=0)
    model = QuantumMetricLearner(n_layers=2, max_iter=1, batch_size=3, random_state=0).fit(X, y)
    Z = model.preprocessor_.transform(X)
    a, b = Z[y == 0][:3], Z[y == 1][:3]
    w = np.random.default_rng(1).normal(size=model.weights_.shape)
    for all_pairs in (False, True):
        _, grad = model._loss_and_grad(w, a, b, all_pairs)
        fd = finite_difference(lambda v: model._loss_and_grad(v, a, b, all_pairs)[0], w)
        np.testing.assert_allclose(grad, fd, atol=1e-6)


def test_metric_learner_loss_is_one_minus_the_hilbert_schmidt_distance():
    X, y = linearly_separable(12, 2, seed=0)
    model = QuantumMetricLearner(n_layers=1, max_iter=1, batch_size=3, random_state=0).fit(X, y)
    Z = model.preprocessor_.transform(X)
    a, b = Z[y == 0][:3], Z[y == 1][:3]
    states = open_backend("numpy").states(model.embedding_, np.vstack([a, b]), model.weights_)
    rho_a = sum(np.outer(s, s.conj()) for s in states[:3]) / 3
    rho_b = sum(np.outer(s, s.conj()) for s in states[3:]) / 3
    d_hs = 0.5 * (np.trace(rho_a @ rho_a) + np.trace(rho_b @ rho_b)).real - np.trace(rho_a @ rho_b).real
    assert model._loss_and_grad(model.weights_, a, b, all_pairs=True)[0] == pytest.approx(1 - d_hs, abs=1e-12)
    # the training estimate averages to the same loss over the batch's orderings of distinct pairs
    orders = [np.roll(np.arange(3), r) for r in range(3)] + [np.array([0, 2, 1]), np.array([2, 1, 0]), np.array([1, 0, 2])]
    cross = np.mean([model._loss_and_grad(model.weights_, a[o], b[p], False)[0] for o in orders for p in orders])
    assert cross == pytest.approx(1 - d_hs, abs=1e-12)


def test_metric_learner_fits_separable_data():
    X, y = linearly_separable(60, 2, seed=1)
    Xt, yt, Xs, ys = split(X, y, 40)
    model = QuantumMetricLearner(n_layers=2, max_iter=30, learning_rate=0.1, batch_size=8, random_state=0).fit(Xt, yt)
    assert model.score(Xs, ys) >= 0.9
    assert model.loss_curve_[-1] < model.loss_curve_[0]


@requires_pennylane
def test_metric_learner_numpy_and_pennylane_train_the_same_model():
    X, y = linearly_separable(16, 2, seed=1)
    kw = {"n_layers": 1, "max_iter": 3, "batch_size": 3, "learning_rate": 0.1, "n_examples_predict": 4, "random_state": 0}
    a = QuantumMetricLearner(**kw).fit(X, y)
    b = QuantumMetricLearner(**kw, backend="pennylane").fit(X, y)
    np.testing.assert_allclose(a.weights_, b.weights_, atol=1e-6)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-6)


# ----------------------------------------------------------------- Boltzmann machines
def test_gibbs_expectation_and_gradient_are_exact():
    rng = np.random.default_rng(0)
    terms = hamiltonian_terms(3)
    obs = np.diag(np.kron(np.diag([1.0, -1.0]), np.eye(4)))
    coeffs = rng.normal(size=(70, len(terms)))  # more than one chunk of 64
    f, grad = gibbs_expectation(coeffs, terms, obs, 0.7)
    dense = terms.dense()
    assert np.allclose(dense[1], np.kron(np.array([[0, 1], [1, 0]]), np.eye(4)))  # X on qubit 0
    for c, value in zip(coeffs, f):
        rho = expm(-np.einsum("k,kij->ij", c, dense) / 0.7)
        assert value == pytest.approx(np.trace(np.diag(obs) @ rho) / np.trace(rho), abs=1e-12)
    fd = finite_difference(lambda c: gibbs_expectation(c[None], terms, obs, 0.7)[0][0], coeffs[0])
    np.testing.assert_allclose(grad[0], fd, atol=1e-8)


@pytest.mark.parametrize("temperature", [0.05, 1.0, 100.0])
def test_the_one_qubit_closed_form_is_the_gibbs_state(temperature):
    """The separable machine's closed form against a 40-digit matrix exponential (mpmath) for fields from 1e-9
    to 30 and zero, and against the eigendecomposition path where its divided differences are accurate."""
    import mpmath as mp

    from qbench.models.boltzmann import PauliTerms, one_qubit_gibbs_z

    rng = np.random.default_rng(1)
    ab = np.concatenate([rng.normal(size=(30, 2)) * rng.choice([1e-9, 1e-6, 1e-3, 1.0, 30.0], size=(30, 1)),
                         [[0.0, 0.0], [0.0, 2.0], [-1.5, 0.0]]])
    m, dm_da, dm_db = one_qubit_gibbs_z(ab[:, 0], ab[:, 1], temperature)

    mp.mp.dps = 40
    beta = 1 / mp.mpf(temperature)

    def z(a, b):
        rho = mp.expm(-beta * mp.matrix([[a, b], [b, -a]]))
        return (rho[0, 0] - rho[1, 1]) / (rho[0, 0] + rho[1, 1])

    for (a, b), value, da, db in zip(ab, m, dm_da, dm_db):
        a, b = mp.mpf(float(a)), mp.mpf(float(b))
        assert value == pytest.approx(float(z(a, b)), abs=1e-13)
        assert da == pytest.approx(float(mp.diff(lambda t: z(t, b), a)), rel=1e-9, abs=1e-12)
        assert db == pytest.approx(float(mp.diff(lambda t: z(a, t), b)), rel=1e-9, abs=1e-12)
    # the model's other path (eigh, divided differences) agrees where no eigenvalues nearly coincide
    terms = PauliTerms(np.array([[1.0, -1.0], [0.0, 0.0]]), np.array([0, 1], dtype=np.int64))
    wide = np.hypot(ab[:, 0], ab[:, 1]) / temperature > 1e-2
    f, grad = gibbs_expectation(ab[wide], terms, np.array([1.0, -1.0]), temperature)
    np.testing.assert_allclose(m[wide], f, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.column_stack([dm_da, dm_db])[wide], grad, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("cls", [QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine])
@pytest.mark.parametrize("observable_type", ["sum", "product"])
def test_boltzmann_loss_gradient_matches_finite_differences(cls, observable_type):
    X, y = linearly_separable(10, 3, seed=0)
    model = cls(visible_qubits="full", observable_type=observable_type, max_iter=1, random_state=0).fit(X, y)
    Z = model.preprocessor_.transform(X)
    theta = np.random.default_rng(2).normal(size=model.theta_.shape)

    def f(flat):
        return model._forward(flat.reshape(theta.shape), Z)[0] @ np.arange(len(Z))

    _, dfdc = model._forward(theta, Z)
    analytic = ((np.arange(len(Z))[:, None] * dfdc).T @ Z).ravel()
    np.testing.assert_allclose(analytic, finite_difference(f, theta.ravel()), atol=1e-7)


@pytest.mark.parametrize("cls", [QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine])
def test_boltzmann_fits_separable_data(cls):
    X, y = linearly_separable(60, 3, seed=1)
    Xt, yt, Xs, ys = split(X, y, 40)
    model = cls(visible_qubits="full", learning_rate=0.1, max_iter=30, batch_size=16, random_state=0).fit(Xt, yt)
    assert model.score(Xs, ys) >= 0.9


def test_boltzmann_runs_on_numpy_only_and_the_runner_skips_the_rest():
    from qbench.run.evaluate import unsupported
    from qbench.suite.jobs import Job

    X, y = linearly_separable(10, 2, seed=0)
    with pytest.raises(CapabilityError, match="numpy"):
        QuantumBoltzmannMachine(backend="qiskit").fit(X, y)
    with pytest.raises(CapabilityError, match="exact"):
        SeparableQuantumBoltzmannMachine(mode="shots").fit(X, y)
    job = Job(suite="s", dataset="linearly_separable", n_samples=10, n_features=2, test_size=0.25, data_seed=None,
              dataset_params={}, preprocess={"n_qubits": None, "reduction": None, "scaling": "minmax"}, model="qbm",
              kind="boltzmann", baseline=None, model_params={}, grid={}, cv=2, backend="numpy", framework="numpy",
              mode="shots", shots=100, seed=0)
    assert unsupported(job) == ("Unsupported", "model 'boltzmann' runs in mode exact only")


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("make", [lambda: ConvolutionalNeuralNetwork(), lambda: QuanvolutionalNeuralNetwork(),
                                  lambda: WeiNet()])
def test_image_models_refuse_non_square_images_in_one_line(make):
    X, y = linearly_separable(12, 3, seed=0)
    with pytest.raises(DataError, match="not a square") as info:
        make().fit(X, y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("make, fragment", [
    (lambda: QuanvolutionalNeuralNetwork(qkernel_shape=5), "qkernel_shape must be between 1 and the image side 4"),
    (lambda: QuanvolutionalNeuralNetwork(n_qubits=9), "qkernel_shape\\*\\*2 = 4 qubits"),
    (lambda: WeiNet(filter_name="blur"), "filter_name"),
    (lambda: QuantumMetricLearner(n_layers=0), "n_layers"),
    (lambda: QuantumBoltzmannMachine(visible_qubits="most"), "visible_qubits"),
    (lambda: QuantumBoltzmannMachine(temperature=0), "temperature"),
])
def test_bad_parameters_are_one_line(make, fragment):
    X, y = top_or_bottom(8)
    with pytest.raises(QBenchError, match=fragment) as info:
        make().fit(X, y)
    assert "\n" not in str(info.value)


def test_weinet_refuses_two_by_two_images():
    X, y = top_or_bottom(8, side=2)
    with pytest.raises(DataError, match="side >= 3"):
        WeiNet().fit(X, y)


SUITE = """
[suite]
name = "bad"
backends = ["numpy"]
modes = ["exact"]
seeds = [0]
cv = 2

[[datasets]]
name = "linearly_separable"
n_samples = 20
n_features = 3

[[models]]
name = "m"
kind = "{kind}"
params = {params}
"""


@pytest.mark.parametrize("kind, params, fragment", [
    ("quanvolutional", "{ max_iter = 1 }", "3 features: image models take flattened square images"),
    ("weinet", "{ max_iter = 1 }", "not a square"),
    ("baseline\"\nbaseline = \"cnn", "{ max_iter = 1 }", "not a square"),
    ("boltzmann", "{ visible_qubits = \"most\" }", "visible_qubits"),
    ("metric_learner", "{ n_layers = 0 }", "n_layers"),
    ("boltzmann_separable", "{ convergence_interval = 5 }", "convergence_interval needs max_steps"),
    ("boltzmann", "{ max_steps = 0 }", "max_steps"),
    ("metric_learner", "{ convergence_interval = 0 }", "convergence_interval"),
    ("baseline\"\nbaseline = \"cnn", "{ convergence_interval = 200 }", "convergence_interval needs max_steps"),
])
def test_bad_suite_exits_2_before_anything_is_written(cli, tmp_path, kind, params, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(SUITE.format(kind=kind, params=params))
    db = tmp_path / "bad.db"
    code, out, err = cli("run", str(path), "--db", str(db))
    assert code == 2, out + err
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_quanv_filter_template_draws_the_models_filter():
    from qbench.circuits.embeddings import random_filter
    from qbench.plugin.manager import make_template

    fm = make_template("feature_map", "quanv_filter", depth=2, rotations=4, seed=3)
    assert fm.circuit(4) == random_filter(4, 2, 4, np.random.RandomState(3))
    np.testing.assert_array_equal(fm.angles(np.array([[0.2, 0.7, 0.5, 0.9]])), [[0, 1, 0, 1]])
    with pytest.raises(QBenchError, match="depth must be an integer from 0 to 1000"):
        make_template("feature_map", "quanv_filter", depth=-1)


def test_a_cnn_step_larger_than_the_memory_limit_is_refused_before_training(monkeypatch):
    """Batches are drawn with replacement, so batch_size may exceed the data set: its step's working arrays are
    checked against the memory limit (a floor per image, times the batch) before anything is trained."""
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", "1 GiB")
    X, y = top_or_bottom(8, side=100)
    model = ConvolutionalNeuralNetwork(batch_size=100_000, max_steps=1, random_state=0)
    with pytest.raises(CapabilityError, match=r"a training step of ConvolutionalNeuralNetwork on batches of 100,000 "
                                              r"100x100 images needs at least .*; QBENCH_MEMORY_LIMIT"):
        model.fit(X, y)
    ConvolutionalNeuralNetwork(**SMALL_CNN, batch_size=8, max_steps=2, random_state=0).fit(*top_or_bottom(8))


def test_the_floor_per_image_is_below_what_a_numpy_step_takes():
    import tracemalloc

    for side, k in ((4, 3), (8, 5), (16, 2)):
        net = ConvNet(side, 1, k, (32, 64))
        params, rng = net.init(np.random.RandomState(0)), np.random.RandomState(1)
        x, y = rng.normal(size=(32, side, side, 1)), np.arange(32) % 2.0
        tracemalloc.start()
        net.loss_and_grad(params, x, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert 32 * net.image_bytes() <= peak


def test_a_large_prediction_runs_in_chunks_with_the_same_logits(monkeypatch):
    import qbench.models.cnn as cnn

    Xt, yt, Xs, ys = split(*top_or_bottom(60), 40)
    model = ConvolutionalNeuralNetwork(**SMALL_CNN, batch_size=8, max_steps=20, random_state=0).fit(Xt, yt)
    whole = model.decision_function(Xs)
    monkeypatch.setattr(cnn, "PREDICT_BYTES", 3 * model.net_.image_bytes())  # chunks of three rows
    calls = []
    forward = model.net_.forward
    monkeypatch.setattr(model.net_, "forward", lambda params, images: calls.append(len(images)) or forward(params,
                                                                                                           images))
    np.testing.assert_allclose(model.decision_function(Xs), whole, rtol=1e-12, atol=1e-14)
    assert calls == [3] * 6 + [2]
