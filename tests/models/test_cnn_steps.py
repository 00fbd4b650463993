"""The CNN's compiled step is ConvNet's NumPy step, and the paper's schedule trains the same model through it."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from qbench.models import cnn_steps
from qbench.models.cnn import ConvNet, ConvolutionalNeuralNetwork
from qbench.models.quanvolution import QuanvolutionalNeuralNetwork
from qbench.models.training import train, train_schedule
from tests.models.test_zoo_more import SMALL_CNN, split, top_or_bottom

#: (image side, input channels, kernel, output channels, batch): kernels 2, 3, 5 (and 4), odd and even sides,
#: batches that are and are not a multiple of the compiled tile.
NETS = [(4, 1, 2, (32, 64), 32), (4, 1, 3, (5, 6), 7), (4, 1, 5, (3, 8), 9), (5, 2, 3, (3, 4), 6),
        (3, 3, 5, (5, 2), 5), (8, 1, 2, (3, 7), 4), (7, 2, 4, (4, 3), 3), (2, 1, 3, (2, 3), 1)]


def _compiled(net, params, x, y):
    grad = np.full(net.size, np.nan)  # every entry must be written
    loss = cnn_steps.loss_and_grad(params, x, y, net.kernel, net.channels, net.hidden, grad)
    return loss, grad


@pytest.mark.parametrize("side, c_in, k, channels, n", NETS)
def test_the_compiled_loss_and_gradient_are_the_nets(side, c_in, k, channels, n):
    rng = np.random.RandomState(side * 10 + k)
    net = ConvNet(side, c_in, k, channels)
    params = net.init(rng) + 0.1 * rng.normal(size=net.size)
    x = rng.normal(size=(n, side, side, c_in))
    x[:, : side // 2] = 0.0  # blank rows: tied windows in both pools
    y = (rng.uniform(size=n) > 0.5).astype(float)
    loss, grad = net.loss_and_grad(params, x, y)
    got_loss, got_grad = _compiled(net, params, x, y)
    assert got_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("side", [4, 5])
def test_the_compiled_pool_sends_a_tie_to_the_first_maximum_as_numpy_does(side):
    from qbench.models.cnn import _pool

    rng = np.random.RandomState(side)
    a = rng.randint(0, 2, size=(6, side, side, 3)).astype(float)  # 0/1 cells: most windows tie
    out, cell = _pool(a)
    got, where = cnn_steps.pool_forward(a)
    np.testing.assert_array_equal(got, out)
    half = out.shape[1]
    rows, cols = np.divmod(where, side)
    got_cell = 2 * (rows - 2 * np.arange(half)[:, None, None]) + (cols - 2 * np.arange(half)[None, :, None])
    np.testing.assert_array_equal(got_cell, cell)


def test_ties_and_a_relu_at_zero_follow_the_numpy_net():
    """Binary images and zero biases tie pooling windows (the first maximum takes the gradient); a dense layer
    of zeros puts every hidden unit at 0, where the ReLU passes no gradient."""
    rng = np.random.RandomState(1)
    net = ConvNet(4, 1, 3, (4, 5))
    x = (rng.uniform(size=(8, 4, 4, 1)) > 0.5).astype(float)
    y = np.arange(8) % 2.0
    params = net.init(rng)
    for zero_dense in (False, True):
        if zero_dense:
            p = net.unpack(params)
            p["w3"][:] = 0.0
            p["b3"][:] = 0.0
        loss, grad = net.loss_and_grad(params, x, y)
        got_loss, got_grad = _compiled(net, params, x, y)
        assert got_loss == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(got_grad, grad, rtol=1e-10, atol=1e-13)
    assert not grad[:-1].any()  # a dead layer: only the output bias could learn


@pytest.mark.parametrize("k, interval", [(2, None), (3, None), (5, 10)])
def test_a_compiled_fit_is_the_python_loop_fit(k, interval):
    rng = np.random.RandomState(k)
    net = ConvNet(4, 1, k, (8, 16))
    X = rng.normal(size=(40, 4, 4, 1))
    y = (X[:, :2].sum(axis=(1, 2, 3)) > X[:, 2:].sum(axis=(1, 2, 3))).astype(float)
    params = net.init(rng)
    schedule = dict(n_samples=40, learning_rate=0.01, batch_size=8, max_iter=1, max_steps=300 if interval else 50,
                    convergence_interval=interval)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        slow = train(lambda w, b: net.loss_and_grad(w, X[b], y[b]), params, rng=np.random.RandomState(7),
                     n_samples=40, learning_rate=0.01, batch_size=8, max_steps=schedule["max_steps"],
                     convergence_interval=interval)
        fast = train_schedule(None, params, rng=np.random.RandomState(7), run_chunk=net.compiled_steps(X, y),
                              **schedule)
    assert fast.n_steps == slow.n_steps and fast.converged is slow.converged is bool(interval)
    np.testing.assert_allclose(fast.step_losses, slow.step_losses, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(fast.params, slow.params, rtol=0, atol=1e-9)


def _with_and_without_compiled_steps(monkeypatch, make, X, y):
    fast = make().fit(X, y)
    monkeypatch.setattr(ConvNet, "compiled_steps", lambda self, images, target: None)  # the Python loop
    slow = make().fit(X, y)
    assert fast.n_iter_ == slow.n_iter_
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(fast.params_, slow.params_, rtol=0, atol=1e-9)
    return fast


def test_the_cnn_trains_the_papers_schedule_compiled(monkeypatch):
    Xt, yt, Xs, ys = split(*top_or_bottom(48), 32)
    paper = dict(max_steps=60, batch_size=8, learning_rate=0.02, random_state=0)
    model = _with_and_without_compiled_steps(
        monkeypatch, lambda: ConvolutionalNeuralNetwork(**SMALL_CNN, **paper), Xt, yt)
    assert model.n_iter_ == 60 and model.score(Xs, ys) >= 0.9


def test_the_quanvolutional_network_trains_its_head_compiled(monkeypatch):
    Xt, yt, Xs, ys = split(*top_or_bottom(48), 32)
    quanv = dict(SMALL_CNN, n_qchannels=2, rand_depth=2, rand_rot=4, learning_rate=0.02, max_steps=60, batch_size=8,
                 random_state=0)
    model = _with_and_without_compiled_steps(monkeypatch, lambda: QuanvolutionalNeuralNetwork(**quanv), Xt, yt)
    assert model.score(Xs, ys) >= 0.9


@pytest.mark.parametrize("side, c_in, k, channels, n", NETS + [(2, 1, 5, (3, 4), 4), (4, 2, 7, (2, 3), 4)])
def test_the_parameters_left_out_of_adam_never_get_a_gradient(side, c_in, k, channels, n):
    """The compiled fit's Adam skips the parameters outside ``live_ranges``: their gradient must always be zero
    (so that, with moments starting at zero, skipping them changes nothing), and the ranges must be in order."""
    rng = np.random.RandomState(side + k)
    net = ConvNet(side, c_in, k, channels)
    live = cnn_steps.live_ranges(side, c_in, k, net.channels, net.hidden)
    assert (np.diff(live.ravel()) >= 0).all() and live[0, 0] >= 0 and live[-1, 1] == net.size
    dead = np.ones(net.size, dtype=bool)
    for a, b in live:
        dead[a:b] = False
    for _ in range(3):
        params = net.init(rng) + rng.normal(size=net.size)
        x = rng.normal(size=(n, side, side, c_in))
        _, grad = net.loss_and_grad(params, x, (rng.uniform(size=n) > 0.5).astype(float))
        assert not grad[dead].any()
    if k >= 5 and side <= 4:
        assert dead.any()  # a 5x5 kernel on 2x2 maps: the outer ring of offsets is left out
