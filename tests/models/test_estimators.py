import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from qbench.datasets import load_dataset, split
from qbench.errors import DataError
from qbench.models import QNNClassifier, QuantumKernelClassifier
from qbench.models.kernel_cache import default_cache


@pytest.fixture
def moons():
    X, y = load_dataset("moons", n_samples=40, seed=3)
    return split(X, y, 0.25, 3)


def test_kernel_grid_over_c_computes_one_gram_per_fold(moons):
    X_train, _, y_train, _ = moons
    default_cache.clear()
    grid = GridSearchCV(QuantumKernelClassifier(feature_map="zz"), {"C": [0.1, 1.0, 10.0, 100.0]},
                        cv=StratifiedKFold(3, shuffle=True, random_state=0), refit=False)
    grid.fit(X_train, y_train)
    stats = default_cache.stats()
    # 3 folds x (train Gram + validation Gram); the other 3 values of C are cache hits.
    assert stats["computations"] == 6, stats
    assert stats["hits"] == 18, stats


def test_without_cache_every_fit_recomputes(moons):
    X_train, _, y_train, _ = moons
    default_cache.clear()
    grid = GridSearchCV(QuantumKernelClassifier(cache=False), {"C": [1.0, 10.0]}, cv=3, refit=False)
    grid.fit(X_train, y_train)
    assert default_cache.stats()["computations"] == 0


def test_works_in_a_pipeline_with_probabilities(moons):
    X_train, X_test, y_train, y_test = moons
    pipe = make_pipeline(StandardScaler(), QuantumKernelClassifier(C=10.0)).fit(X_train, y_train)
    proba = pipe.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert pipe.score(X_test, y_test) >= 0.7


def test_same_seed_trains_the_same_qnn_whatever_the_gradient_method(moons):
    X_train, X_test, y_train, _ = moons
    a = QNNClassifier(random_state=5, max_iter=5, gradient="adjoint").fit(X_train, y_train)
    b = QNNClassifier(random_state=5, max_iter=5, gradient="parameter-shift").fit(X_train, y_train)
    assert np.allclose(a.weights_, b.weights_, atol=1e-8)
    assert np.allclose(a.decision_function(X_test), b.decision_function(X_test), atol=1e-8)
    c = QNNClassifier(random_state=6, max_iter=5).fit(X_train, y_train)
    assert not np.allclose(a.weights_, c.weights_)


def test_qnn_learns_and_records_diagnostics(moons):
    X_train, X_test, y_train, y_test = moons
    m = QNNClassifier(random_state=0, max_iter=40, reuploads=2, n_qubits=2).fit(X_train, y_train)
    assert m.loss_curve_[-1] < m.loss_curve_[0]
    assert m.gradient_variance_over_inits_ > 0
    assert m.score(X_train, y_train) > 0.75


def test_qnn_shot_mode_is_reproducible(moons):
    X_train, X_test, y_train, _ = moons
    kw = dict(mode="shots", shots=200, random_state=1, max_iter=2)
    a = QNNClassifier(**kw).fit(X_train, y_train)
    b = QNNClassifier(**kw).fit(X_train, y_train)
    assert np.array_equal(a.weights_, b.weights_)


def test_bad_input_gets_one_line_errors():
    X, y = load_dataset("breast_cancer", seed=0)
    with pytest.raises(DataError, match="30 features but the model has 4 qubits; set reduction='pca'"):
        QuantumKernelClassifier(n_qubits=4).fit(X, y)
    assert QuantumKernelClassifier(n_qubits=2, reduction="pca").fit(X[:60], y[:60]).n_qubits_ == 2
    with pytest.raises(ValueError, match="NaN"):
        QuantumKernelClassifier().fit(np.array([[np.nan, 1.0], [1.0, 2.0]]), [0, 1])
    with pytest.raises(DataError, match="only one class"):
        QNNClassifier().fit(np.ones((4, 2)), [1, 1, 1, 1])
    with pytest.raises(DataError, match="Only binary"):
        QNNClassifier().fit(np.random.default_rng(0).normal(size=(6, 2)), [0, 1, 2, 0, 1, 2])
