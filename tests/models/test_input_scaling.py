"""Input scaling as a hyperparameter of the quantum estimators, and the ad hoc data kept in angle units."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from qbench.datasets import load_dataset, split
from qbench.errors import DataError
from qbench.models import QNNClassifier, QuantumKernelClassifier
from qbench.run.artifacts import off_diagonal_variance


@pytest.fixture
def moons():
    X, y = load_dataset("moons", n_samples=40, seed=3)
    return split(X, y, 0.25, 3)


def test_the_feature_maps_interval_is_what_the_preprocessor_scales_to(moons):
    X_train, _, y_train, _ = moons
    iqp = QuantumKernelClassifier(random_state=0).fit(X_train, y_train)
    Z = iqp.preprocessor_.transform(X_train)
    assert np.allclose([Z.min(), Z.max()], [-np.pi / 2, np.pi / 2])
    narrow = QuantumKernelClassifier(feature_range=(-0.5, 0.25), random_state=0).fit(X_train, y_train)
    Z = narrow.preprocessor_.transform(X_train)
    assert np.allclose([Z.min(), Z.max()], [-0.5, 0.25])
    qnn = QNNClassifier(feature_map_params={"feature_range": [0, 1]}, max_iter=1, random_state=0).fit(X_train, y_train)
    assert np.isclose(qnn.preprocessor_.transform(X_train).max(), 1.0)


def test_bandwidth_is_searchable_by_grid_search_and_changes_the_kernel(moons):
    X_train, _, y_train, _ = moons
    search = GridSearchCV(QuantumKernelClassifier(random_state=0), {"bandwidth": [0.05, 1.0], "C": [1.0]},
                          cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(X_train, y_train)
    assert search.best_params_["bandwidth"] in (0.05, 1.0)
    wide = QuantumKernelClassifier(bandwidth=1.0, random_state=0).fit(X_train, y_train)
    small = QuantumKernelClassifier(bandwidth=0.05, random_state=0).fit(X_train, y_train)
    # a small bandwidth pushes every entry towards 1: the off-diagonal variance collapses
    assert off_diagonal_variance(small.train_kernel_) < 0.01 * off_diagonal_variance(wide.train_kernel_)


def test_bandwidth_given_twice_with_different_values_is_refused(moons):
    X_train, _, y_train, _ = moons
    model = QuantumKernelClassifier(bandwidth=0.5, feature_map_params={"bandwidth": 2.0})
    with pytest.raises(DataError, match="bandwidth is set twice"):
        model.fit(X_train, y_train)
    QuantumKernelClassifier(bandwidth=0.5, feature_map_params={"bandwidth": 0.5}).fit(X_train, y_train)


def test_ad_hoc_data_is_separated_only_without_rescaling():
    """The qiskit-machine-learning tutorial's protocol on qbench's ad hoc generator (20 + 5 per class)."""
    X, y = load_dataset("ad_hoc", n_samples=50, n_features=2, seed=0, gap=0.3)
    X_train, X_test, y_train, y_test = split(X, y, 10, 0)
    zz = dict(feature_map="zz", feature_map_params={"reps": 2, "entanglement": "linear"}, random_state=0)
    kept = QuantumKernelClassifier(**zz, scaling=None).fit(X_train, y_train)
    squeezed = QuantumKernelClassifier(**zz, scaling="minmax", feature_range=(0, np.pi)).fit(X_train, y_train)
    assert kept.score(X_test, y_test) == 1.0
    assert squeezed.score(X_test, y_test) < 0.9
