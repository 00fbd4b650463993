"""MNIST PCA / coarse-grained (from scikit-learn's digits), spin blobs and Ising: shapes, preprocessing, seeds, errors."""

from __future__ import annotations

import numpy as np
import pytest

from qbench.datasets import load_dataset
from qbench.datasets.mnist_like import coarse_grain
from qbench.datasets.spins import EIGHT_BLOBS, lattice_couplings, metropolis
from qbench.errors import DataError


def test_mnist_pca_is_standardised_pca_of_two_digits():
    X, y = load_dataset("mnist_pca", n_features=3)
    assert X.shape == (365, 3) and set(np.unique(y)) == {0, 1}  # sklearn's digits: 183 threes, 182 fives
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-9)
    variances = X.var(axis=0)
    assert np.all(np.diff(variances) < 0)  # principal components, in decreasing variance
    np.testing.assert_allclose(np.corrcoef(X.T), np.eye(3), atol=1e-9)


def test_mnist_pca_subsample_is_seeded_and_stratified():
    a, ya = load_dataset("mnist_pca", n_samples=100, n_features=2, seed=1)
    b, yb = load_dataset("mnist_pca", n_samples=100, n_features=2, seed=1)
    c, _ = load_dataset("mnist_pca", n_samples=100, n_features=2, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and abs(int(ya.sum()) - 50) <= 1


def test_coarse_graining_averages_blocks():
    image = np.arange(64, dtype=float).reshape(1, 8, 8)
    small = coarse_grain(image, 2)
    np.testing.assert_allclose(small[0], [[image[0, :4, :4].mean(), image[0, :4, 4:].mean()],
                                          [image[0, 4:, :4].mean(), image[0, 4:, 4:].mean()]])
    assert coarse_grain(image, 3).shape == (1, 3, 3)


def test_mnist_cg_is_standardised_height_squared_features():
    X, y = load_dataset("mnist_cg", n_features=16)
    assert X.shape == (365, 16)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(X.std(axis=0)[X.std(axis=0) > 0], 1.0, atol=1e-9)


@pytest.mark.parametrize("name,kwargs,message", [
    ("mnist_cg", {"n_features": 5}, "must be a square"),
    ("mnist_pca", {"n_features": 65}, "between 1 and 64"),
    ("mnist_pca", {"n_samples": 1000, "n_features": 2}, "only 365 images"),
    ("ising", {"n_features": 5, "n_samples": 4}, "must be a square"),
    ("spin_blobs", {"p": 2.0}, "p must be in"),
])
def test_bad_parameters_are_one_line_errors(name, kwargs, message):
    with pytest.raises(DataError, match=message):
        load_dataset(name, **kwargs)


def test_spin_blobs_stay_near_their_peaks():
    X, y = load_dataset("spin_blobs", n_samples=400, seed=3)
    assert X.shape == (400, 16) and set(np.unique(y)) == set(range(8))
    flipped = np.abs(X - EIGHT_BLOBS[y]).sum(axis=1)
    assert flipped.mean() < 0.5  # p = 0.01: 0.16 flips per sample expected
    X, y = load_dataset("spin_blobs", n_samples=2000, seed=3, p=0.25)
    assert abs(np.abs(X - EIGHT_BLOBS[y]).mean() - 0.25) < 0.02


def test_metropolis_samples_the_boltzmann_distribution():
    """4 spins on a 2x2 periodic lattice: compare the sampled energy distribution with exact enumeration."""
    J, b, T = lattice_couplings(4), np.array([0.3, 0.0, -0.2, 0.1]), 2.0
    states = np.array([[1 - 2 * ((i >> k) & 1) for k in range(4)] for i in range(16)], dtype=float)
    energy = lambda s: -np.einsum("ni,ij,nj->n", s, J, s) / 2 - s @ b  # noqa: E731
    weights = np.exp(-energy(states) / T)
    exact_mean = float((energy(states) * weights).sum() / weights.sum())
    s = metropolis(J, b, T, n_chains=4000, sweeps=50, rng=np.random.default_rng(0))
    assert abs(energy(s).mean() - exact_mean) < 0.1


def test_ising_phases_differ_in_magnetisation():
    X, y = load_dataset("ising", n_samples=60, seed=0)
    magnetisation = np.abs((2 * X - 1).mean(axis=1))
    assert magnetisation[y == 0].mean() > 0.9 > magnetisation[y == 1].mean()
