import numpy as np
import pytest

from qbench.datasets import dataset_names, load_dataset, split
from qbench.errors import DataError, QBenchError

GENERATED = ["linearly_separable", "hidden_manifold", "two_curves", "hyperplanes_parity", "ad_hoc", "moons", "circles"]
REAL = ["iris", "breast_cancer", "wine", "digits"]


def test_every_required_data_set_is_registered():
    assert set(GENERATED + REAL + ["bars_and_stripes"]) <= set(dataset_names())


@pytest.mark.parametrize("name", GENERATED)
def test_generators_are_seeded_balanced_and_binary(name):
    X1, y1 = load_dataset(name, n_samples=40, n_features=2, seed=3)
    X2, y2 = load_dataset(name, n_samples=40, n_features=2, seed=3)
    X3, _ = load_dataset(name, n_samples=40, n_features=2, seed=4)
    assert X1.shape == (40, 2) and np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert set(np.unique(y1)) == {0, 1} and abs(np.mean(y1) - 0.5) <= 0.1


def test_bars_and_stripes_needs_square_images():
    X, y = load_dataset("bars_and_stripes", n_samples=20, n_features=9, seed=0)
    assert X.shape == (20, 9) and set(y) == {0, 1}
    with pytest.raises(DataError, match="square"):
        load_dataset("bars_and_stripes", n_samples=20, n_features=8)


@pytest.mark.parametrize("name", REAL)
def test_shipped_sets_load_offline_as_binary_problems(name):
    X, y = load_dataset(name, seed=0)
    assert len(X) == len(y) > 50 and set(np.unique(y)) == {0, 1}


def test_digits_pair_and_subsampling():
    X, y = load_dataset("digits", n_samples=60, seed=0, classes=(3, 5))
    assert X.shape == (60, 64) and np.bincount(y).min() >= 29


def test_ad_hoc_labels_respect_the_gap():
    X, y = load_dataset("ad_hoc", n_samples=30, n_features=2, seed=12345, gap=0.3)
    assert X.min() >= 0 and X.max() <= 2 * np.pi and np.bincount(y).tolist() == [15, 15]


def test_split_is_stratified_and_seeded():
    X, y = load_dataset("moons", n_samples=100, seed=0)
    a = split(X, y, 0.2, 1)
    b = split(X, y, 0.2, 1)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert np.bincount(a[3]).tolist() == [10, 10]


def test_bad_parameters_are_one_line_errors():
    with pytest.raises(QBenchError, match="bad parameters"):
        load_dataset("moons", n_samples=10, wobble=3)
