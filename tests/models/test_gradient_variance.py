"""The barren-plateau diagnostic: variance of each partial derivative over random initialisations."""

import copy

import numpy as np
import pytest

from qbench.datasets import load_dataset
from qbench.models import QNNClassifier
from qbench.models.qnn import GRADIENT_INITS
from qbench.run.artifacts import model_artifacts


def test_variance_is_taken_over_initialisations_per_parameter():
    X, y = load_dataset("linearly_separable", n_samples=24, n_features=3, seed=0)
    model = QNNClassifier(ansatz_params={"layers": 2}, max_iter=1, batch_size=8, random_state=0).fit(X, y)
    angles = model._encode(X)
    target = (y == model.classes_[1]).astype(float)
    rng = np.random.RandomState(11)
    value = model._gradient_variance_over_inits(copy.deepcopy(rng), angles, target)
    n = model.circuit_.n_weights
    grads = []
    for _ in range(GRADIENT_INITS):
        params = np.concatenate([rng.uniform(-np.pi, np.pi, n), [1.0, 0.0]])
        grads.append(model._loss_and_grad(params, angles[:8], target[:8])[1][:n])
    grads = np.array(grads)
    assert value == pytest.approx(np.var(grads, axis=0).mean())
    assert value != pytest.approx(np.var(grads, axis=1).mean())  # not the spread across parameters
    assert model_artifacts(model, y)["gradient_variance_over_inits"] == model.gradient_variance_over_inits_


def test_variance_shrinks_with_width_for_a_global_cost():
    """McClean et al. 2018: deep random circuits with a global observable have vanishing gradients."""
    values = {}
    for n in (2, 6):
        X, y = load_dataset("linearly_separable", n_samples=16, n_features=n, seed=0)
        model = QNNClassifier(ansatz_params={"layers": 6}, observable="parity", max_iter=1, batch_size=16,
                              random_state=0).fit(X, y)
        values[n] = model.gradient_variance_over_inits_
    assert values[6] < 0.5 * values[2], values
