"""The QNN training step: loss and gradient from one value_and_vjp call match finite differences."""

import numpy as np
import pytest

from qbench.models.qnn import QNNClassifier


@pytest.mark.parametrize("gradient", ["adjoint", "parameter-shift"])
def test_loss_gradient_matches_finite_differences(rng, gradient):
    X = rng.uniform(-1, 1, (12, 3))
    y = (X[:, 0] > 0).astype(int)
    model = QNNClassifier(ansatz_params={"layers": 1}, max_iter=1, gradient=gradient, random_state=0).fit(X, y)
    angles, target = model._encode(X), y.astype(float)
    params = np.concatenate([model.weights_, [1.3, -0.2]])
    _, grad = model._loss_and_grad(params, angles, target)
    loss = lambda p: model._loss_and_grad(p, angles, target)[0]  # noqa: E731
    fd = np.array([(loss(params + 1e-6 * e) - loss(params - 1e-6 * e)) / 2e-6 for e in np.eye(len(params))])
    assert np.allclose(grad, fd, atol=1e-7)
