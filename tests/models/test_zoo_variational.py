"""The variational zoo: exact gradients, the same model on numpy and PennyLane, an easy fit, and one-line refusals."""

import warnings

import numpy as np
import pytest

from qbench.circuits.variational import amplitude_angles, amplitude_circuit
from qbench.errors import DataError
from qbench.models.kinds import estimator_class, task_of
from qbench.plugin.manager import model_entry
from tests.requires import needs

#: Each zoo model at a tiny size (the suite-file kind -> its hyperparameters).
TINY = {
    "vanilla_qnn": dict(embedding_layers=2, variational_layers=2),
    "iqp_variational": dict(n_layers=1),
    "separable_variational": dict(encoding_layers=1),
    "tree_tensor": dict(scaling=None),
    "circuit_centric": dict(n_input_copies=2, n_layers=1, scaling=None),
    "data_reuploading": dict(n_layers=1, observable_type="full"),
    "data_reuploading_separable": dict(n_layers=2, observable_type="full"),
    "dressed_circuit": dict(n_layers=1),
    "dressed_circuit_separable": dict(n_layers=1),
    "qcnn": dict(),
}


def _easy(n=40, seed=0):
    """Two classes told apart by feature 0 alone; feature 1 is noise (not point-symmetric, so amplitude
    encodings, which cannot tell x from -x, see them apart too)."""
    rng = np.random.RandomState(seed)
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    X = np.column_stack([np.where(y == 1, 1.0, 0.2) + rng.normal(0, 0.05, n), rng.uniform(0.2, 1, n)])
    return X, y


def _make(kind, **kw):
    return estimator_class(kind)(**{**TINY[kind], "convergence_interval": None, **kw})


@pytest.mark.parametrize("kind", sorted(TINY))
def test_registered_with_the_paper_class(kind):
    entry = model_entry(kind)
    assert task_of(kind) == "qnn" and entry.meta["family"] == "variational"
    cls = estimator_class(kind)
    if cls.paper_class:
        assert entry.meta["paper"] == f"Bowles et al. 2024: {cls.paper_class}" or \
            entry.meta["paper"].startswith(f"Bowles et al. 2024: {cls.paper_class} (")


@pytest.mark.parametrize("kind", sorted(TINY))
def test_example_circuit_is_the_trained_circuit(kind):
    from qbench.circuits.drawing import text_diagram

    X, y = _easy(12)
    model = _make(kind, max_steps=1, random_state=0)
    unfitted = model.example_circuit(2)
    assert unfitted == model.fit(X, y).layout_.circuit
    assert text_diagram(unfitted)


@pytest.mark.parametrize("gradient", ["adjoint", "parameter-shift"])
@pytest.mark.parametrize("kind", sorted(TINY))
def test_loss_gradient_matches_finite_differences(kind, gradient):
    rng = np.random.RandomState(1)
    X = rng.uniform(0.1, 1.0, (10, 4))
    y = (X[:, 0] > 0.5).astype(int)
    model = _make(kind, max_steps=1, gradient=gradient, random_state=0).fit(X, y)
    feats, target = model._transform(X), y.astype(float)
    params = model.params_ + 0.1 * rng.normal(size=model.params_.shape)
    _, grad = model._loss_and_grad(params, feats, target)
    loss = lambda p: model._loss_and_grad(p, feats, target)[0]  # noqa: E731
    fd = np.array([(loss(params + 1e-6 * e) - loss(params - 1e-6 * e)) / 2e-6 for e in np.eye(len(params))])
    assert np.allclose(grad, fd, atol=1e-7)


@pytest.mark.parametrize("kind", ["dressed_circuit", "dressed_circuit_separable"])
def test_dressed_loss_is_the_cross_entropy_of_its_probabilities(kind):
    """The two-class softmax cross-entropy the dressed circuit trains on is scikit-learn's log loss of the
    probabilities it predicts (the loss is computed through the logit difference, not a softmax)."""
    from sklearn.metrics import log_loss

    X, y = _easy(16)
    model = _make(kind, max_steps=3, random_state=0).fit(X, y)
    loss, _ = model._loss_and_grad(model.params_, model._transform(X), y.astype(float))
    assert np.isclose(loss, log_loss(y, model.predict_proba(X)[:, 1]), rtol=1e-12)


@needs("pennylane", "pennylane")
@pytest.mark.parametrize("kind", sorted(TINY))
def test_numpy_and_pennylane_train_the_same_model(kind):
    X, y = _easy(16)
    a = _make(kind, max_steps=4, batch_size=8, learning_rate=0.1, random_state=3).fit(X, y)
    b = _make(kind, backend="pennylane", max_steps=4, batch_size=8, learning_rate=0.1, random_state=3).fit(X, y)
    assert np.allclose(a.params_, b.params_, atol=1e-6)
    assert np.allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("kind", sorted(TINY))
def test_fits_an_easy_problem(kind):
    X, y = _easy()
    model = _make(kind, max_steps=120, learning_rate=0.1, random_state=1).fit(X, y)
    assert model.score(X, y) >= 0.9
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_paper_stop_rule_ends_training_early():
    X, y = _easy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converging raises no ConvergenceWarning
        model = _make("separable_variational", max_steps=3000, learning_rate=0.1, convergence_interval=20,
                      random_state=0).fit(X, y)
    assert model.converged_ and model.n_iter_ < 3000


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 8])
def test_amplitude_encoding_prepares_the_normalised_vector(n, rng):
    from qbench.backends import statevector

    v = rng.normal(size=(5, 2**n))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    state = statevector.simulate(amplitude_circuit(n), amplitude_angles(v), np.zeros(0))
    assert np.allclose(state, v, atol=1e-12)


def test_the_angle_transform_is_its_matrix_definition_without_the_matrix(rng):
    """theta @ M, M[j, i] = (-1)^popcount(gray(i) & j), by the fast Walsh-Hadamard transform (no 4**k matrix: 14
    qubits took a 2 GiB matrix built in Python before)."""
    from qbench.circuits.variational import _gray, _gray_transform

    for k in range(8):
        size = 2**k
        M = np.array([[(-1) ** bin(_gray(i) & j).count("1") for i in range(size)] for j in range(size)])
        theta = rng.normal(size=(3, size))
        np.testing.assert_allclose(_gray_transform(theta), theta @ M, atol=1e-12)


def test_separable_reuploading_has_no_two_qubit_gates():
    X = np.random.RandomState(0).uniform(size=(12, 6))  # two qubits
    y = (X[:, 0] > 0.5).astype(int)
    separable = _make("data_reuploading_separable", max_steps=1).fit(X, y).layout_.circuit
    entangled = _make("data_reuploading", max_steps=1, n_layers=2).fit(X, y).layout_.circuit
    assert separable.two_qubit_gates == 0 and entangled.two_qubit_gates > 0
    assert separable.n_weights == entangled.n_weights and separable.n_data == entangled.n_data


def test_separable_dressed_circuit_has_no_two_qubit_gates():
    X, y = _easy(12)
    separable = _make("dressed_circuit_separable", max_steps=1).fit(X, y).layout_.circuit
    entangled = _make("dressed_circuit", max_steps=1).fit(X, y).layout_.circuit
    assert separable.two_qubit_gates == 0 and entangled.two_qubit_gates > 0
    assert separable.n_weights == entangled.n_weights


def test_reuploading_input_weights_are_trained():
    X, y = _easy(16)
    model = _make("data_reuploading", max_steps=5, random_state=0).fit(X, y)
    start = _make("data_reuploading", max_steps=1, learning_rate=1e-12, random_state=0).fit(X, y)
    omega = slice(model.layout_.circuit.n_weights, model.layout_.circuit.n_weights + model.layout_.circuit.n_data)
    assert not np.allclose(model.params_[omega], start.params_[omega], atol=1e-4)


@pytest.mark.parametrize("kind, params, fragment", [
    ("tree_tensor", dict(n_qubits=3), "power of two of qubits, got n_qubits=3"),
    ("tree_tensor", dict(n_qubits=1), "3 features do not fit"),
    ("data_reuploading", dict(observable_type="most"), "observable_type"),
    ("circuit_centric", dict(n_input_copies=0), "n_input_copies"),
    ("circuit_centric", dict(reduction="pca", n_qubits=1), "reduction must be none"),
    ("dressed_circuit", dict(learning_rate=-1.0), "learning_rate"),
])
def test_bad_input_is_one_line(kind, params, fragment):
    X, y = _easy(12)
    X = np.hstack([X, X[:, :1]])  # three features
    with pytest.raises(DataError) as exc:
        _make(kind, max_steps=1, **params).fit(X, y)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_three_classes_are_refused_in_one_line():
    X, y = _easy(12)
    y[:3] = 2
    with pytest.raises(DataError, match="Only binary classification"):
        _make("qcnn", max_steps=1).fit(X, y)


BAD_SUITE = """
[suite]
name = "bad"
backends = ["numpy"]
[[datasets]]
name = "linearly_separable"
n_samples = 20
{dataset}
[[models]]
name = "bad"
kind = "{kind}"
params = {{ {params} }}
"""


@pytest.mark.parametrize("kind, params, dataset, fragment", [
    ("data_reuploading", 'observable_type = "most"', "n_features = 2", "observable_type"),
    ("data_reuploading", "n_layers = 0", "n_features = 2", "n_layers"),
    ("tree_tensor", "", 'n_features = 4\nreduction = "pca"\nn_qubits = 3', "power of two of qubits, got n_qubits=3"),
    ("circuit_centric", "n_input_copies = 2", 'n_features = 2\nreduction = "pca"\nn_qubits = 1', "reduction must be none"),
])
def test_bad_suite_parameter_exits_2(cli, tmp_path, kind, params, dataset, fragment):
    suite = tmp_path / "bad.toml"
    suite.write_text(BAD_SUITE.format(kind=kind, params=params, dataset=dataset))
    code, out, err = cli("run", suite, "--db", tmp_path / "store.db")
    assert code == 2, err or out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], err
    assert not (tmp_path / "store.db").exists()


def test_the_speed_script_runs_at_a_tiny_size(capsys):
    """suites/benchmarks/scripts/zoo_variational.py (the figures in docs/performance.md) runs and checks its paths."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "suites" / "benchmarks" / "scripts" / "zoo_variational.py"
    spec = importlib.util.spec_from_file_location("zoo_variational_script", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(["--steps", "1", "--repeat", "1", "--small"])
    out = capsys.readouterr().out
    assert all(name in out for name in TINY) and "value_and_grads dense" in out
