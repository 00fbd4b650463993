import pytest

from qbench.models.baselines import make_baseline
from qbench.datasets import load_dataset, split
from qbench.errors import QBenchError
from qbench.plugin.manager import host


@pytest.mark.parametrize("name", ["svc_rbf", "svc_linear", "svc_poly", "logistic_regression", "mlp"])
def test_baselines_fit_with_the_quantum_preprocessing(name):
    X, y = load_dataset("breast_cancer", n_samples=80, seed=0)
    X_train, X_test, y_train, y_test = split(X, y, 0.25, 0)
    model = make_baseline(name, n_qubits=4, reduction="pca", random_state=0, cv=3).fit(X_train, y_train)
    assert model.named_steps["preprocess"].transform(X_test).shape[1] == 4
    assert model.score(X_test, y_test) > 0.7


def test_svc_grid_is_chosen_by_stratified_cv():
    X, y = load_dataset("moons", n_samples=60, seed=0)
    model = make_baseline("svc_rbf", random_state=0, cv=3).fit(X, y)
    search = model.named_steps["model"]
    assert set(search.best_params_) == {"C", "gamma"} and search.cv.n_splits == 3


def test_unknown_baseline_and_bad_parameters():
    assert "svc_rbf" in host.registries()["baseline"]
    with pytest.raises(QBenchError, match="unknown baseline 'forest'"):
        make_baseline("forest")
    with pytest.raises(QBenchError, match="bad parameters"):
        make_baseline("svc_rbf", depth=3)
