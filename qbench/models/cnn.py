"""A small convolutional network in NumPy, and the image classifiers built on it (Bowles et al. 2024).

The network is the paper's ConvolutionalNeuralNetwork: conv (``output_channels[0]``
filters, ``kernel_shape`` square, SAME padding) -> 2x2 max-pool -> conv
(``output_channels[1]``) -> 2x2 max-pool -> dense (2 * ``output_channels[1]``, ReLU) -> one
logit, trained on the log loss.  Convolutions are im2col matrix products and the backward
pass is written out (tests check it against finite differences), so no deep-learning
framework is needed.  Pooling pads odd sizes (SAME), so 3x3 and 4x4 images stay valid.

Training is the core's: Adam on a flat parameter vector and shuffled minibatches, as
:class:`~qbench.models.qnn.QNNClassifier` trains, so a seed gives one model.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from qbench.errors import DataError
from qbench.models.qnn import Adam


#: Training hyperparameters every zoo-more estimator shares (scikit-learn's declared constraints).
TRAINING_CONSTRAINTS = {
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
}


def check_params(estimator) -> None:
    """Validate the estimator's declared ``_parameter_constraints``; a one-line ``DataError`` otherwise."""
    try:
        estimator._validate_params()
    except (ValueError, TypeError) as exc:
        raise DataError(str(exc).splitlines()[0]) from None


def image_side(n_features: int) -> int:
    """The side k of a flattened square k x k image; a one-line ``DataError`` for a non-square count."""
    side = math.isqrt(int(n_features))
    if side * side != n_features or side < 2:
        raise DataError(f"image models take flattened square images (k*k features, k >= 2); "
                        f"got {n_features} features, which is not a square")
    return side


def _pad_same(x: np.ndarray, k: int, value: float = 0.0) -> np.ndarray:
    lo = (k - 1) // 2
    return np.pad(x, ((0, 0), (lo, k - 1 - lo), (lo, k - 1 - lo), (0, 0)), constant_values=value)


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray):
    """SAME convolution of NHWC ``x`` with ``w`` (k, k, C, F): output and the im2col matrix."""
    n, h, wd, c = x.shape
    k = w.shape[0]
    windows = sliding_window_view(_pad_same(x, k), (k, k), axis=(1, 2))  # (N, H, W, C, k, k)
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * wd, k * k * c)
    out = cols @ w.reshape(k * k * c, -1) + b
    return out.reshape(n, h, wd, -1), cols


def _conv_back(dout: np.ndarray, cols: np.ndarray, w: np.ndarray, x_shape: tuple):
    """Gradients of a SAME convolution: (dx, dw, db)."""
    n, h, wd, c = x_shape
    k, f = w.shape[0], w.shape[3]
    d2 = dout.reshape(-1, f)
    dw = (cols.T @ d2).reshape(w.shape)
    db = d2.sum(axis=0)
    dcols = (d2 @ w.reshape(k * k * c, f).T).reshape(n, h, wd, k, k, c)
    dpad = np.zeros((n, h + k - 1, wd + k - 1, c))
    for i in range(k):
        for j in range(k):
            dpad[:, i:i + h, j:j + wd, :] += dcols[:, :, :, i, j, :]
    lo = (k - 1) // 2
    return dpad[:, lo:lo + h, lo:lo + wd, :], dw, db


def _pool(x: np.ndarray):
    """2x2 max-pool, stride 2, SAME (odd sides padded with -inf): output and the argmax per window."""
    n, h, w, c = x.shape
    h2, w2 = -(-h // 2), -(-w // 2)
    xp = np.pad(x, ((0, 0), (0, 2 * h2 - h), (0, 2 * w2 - w), (0, 0)), constant_values=-np.inf)
    windows = xp.reshape(n, h2, 2, w2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(n, h2, w2, c, 4)
    arg = windows.argmax(axis=-1)
    return np.take_along_axis(windows, arg[..., None], axis=-1)[..., 0], arg


def _pool_back(dout: np.ndarray, arg: np.ndarray, x_shape: tuple) -> np.ndarray:
    n, h, w, c = x_shape
    h2, w2 = dout.shape[1], dout.shape[2]
    dwin = np.zeros((n, h2, w2, c, 4))
    np.put_along_axis(dwin, arg[..., None], dout[..., None], axis=-1)
    dx = dwin.reshape(n, h2, w2, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * h2, 2 * w2, c)
    return dx[:, :h, :w, :]


class ConvNet:
    """The paper's CNN on NHWC images: parameters in one flat vector, forward pass and its gradient."""

    def __init__(self, side: int, channels_in: int, kernel_shape: int, output_channels) -> None:
        if int(kernel_shape) < 1 or len(output_channels) != 2 or min(output_channels) < 1:
            raise DataError(f"kernel_shape must be >= 1 and output_channels two positive integers; "
                            f"got {kernel_shape}, {list(output_channels)}")
        k, (c1, c2) = int(kernel_shape), (int(output_channels[0]), int(output_channels[1]))
        pooled = -(-(-(-side // 2)) // 2)  # the side after two SAME pools
        hidden = 2 * c2
        self.shapes = {"w1": (k, k, channels_in, c1), "b1": (c1,), "w2": (k, k, c1, c2), "b2": (c2,),
                       "w3": (pooled * pooled * c2, hidden), "b3": (hidden,), "w4": (hidden, 1), "b4": (1,)}
        self.size = sum(int(np.prod(s)) for s in self.shapes.values())

    def init(self, rng) -> np.ndarray:
        """LeCun-normal weights (variance 1 / fan-in), zero biases: flax's defaults."""
        parts = []
        for name, shape in self.shapes.items():
            if name.startswith("b"):
                parts.append(np.zeros(int(np.prod(shape))))
            else:
                fan_in = int(np.prod(shape[:-1]))
                parts.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), int(np.prod(shape))))
        return np.concatenate(parts)

    def unpack(self, params: np.ndarray) -> dict:
        out, start = {}, 0
        for name, shape in self.shapes.items():
            size = int(np.prod(shape))
            out[name] = params[start:start + size].reshape(shape)
            start += size
        return out

    def forward(self, params: np.ndarray, x: np.ndarray, keep: bool = False):
        """Logits, shape (N,); with ``keep`` also the intermediate values the backward pass needs."""
        p = self.unpack(params)
        a1, cols1 = _conv(x, p["w1"], p["b1"])
        m1, arg1 = _pool(a1)
        a2, cols2 = _conv(m1, p["w2"], p["b2"])
        m2, arg2 = _pool(a2)
        flat = m2.reshape(len(x), -1)
        z3 = flat @ p["w3"] + p["b3"]
        h3 = np.maximum(z3, 0.0)
        logits = (h3 @ p["w4"] + p["b4"])[:, 0]
        if not keep:
            return logits
        return logits, (p, x.shape, cols1, a1.shape, arg1, m1.shape, cols2, a2.shape, arg2, m2.shape, flat, z3, h3)

    def backward(self, dlogits: np.ndarray, cache) -> np.ndarray:
        """Gradient of sum_s dlogits[s] * logit_s with respect to the flat parameters."""
        p, x_shape, cols1, a1_shape, arg1, m1_shape, cols2, a2_shape, arg2, m2_shape, flat, z3, h3 = cache
        g = {"w4": h3.T @ dlogits[:, None], "b4": np.array([dlogits.sum()])}
        dh3 = dlogits[:, None] * p["w4"][:, 0]
        dz3 = dh3 * (z3 > 0)
        g["w3"], g["b3"] = flat.T @ dz3, dz3.sum(axis=0)
        dm2 = (dz3 @ p["w3"].T).reshape(m2_shape)
        da2 = _pool_back(dm2, arg2, a2_shape)
        dm1, g["w2"], g["b2"] = _conv_back(da2, cols2, p["w2"], m1_shape)
        da1 = _pool_back(dm1, arg1, a1_shape)
        _, g["w1"], g["b1"] = _conv_back(da1, cols1, p["w1"], x_shape)
        return np.concatenate([g[name].ravel() for name in self.shapes])

    def loss_and_grad(self, params: np.ndarray, x: np.ndarray, y: np.ndarray):
        """Mean log loss of sigmoid(logits) against 0/1 targets ``y``, and its gradient."""
        logits, cache = self.forward(params, x, keep=True)
        # log(1 + e^z) - y z, computed stably
        loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
        return loss, self.backward((expit(logits) - y) / len(y), cache)


def train_adam(loss_and_grad, params: np.ndarray, n: int, rng, learning_rate: float, max_iter: int,
               batch_size: int):
    """Adam over shuffled minibatches for ``max_iter`` epochs (as QNNClassifier.fit): (params, loss curve)."""
    opt = Adam(len(params), learning_rate)
    curve = []
    for _ in range(int(max_iter)):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, int(batch_size)):
            batch = order[start:start + int(batch_size)]
            loss, grad = loss_and_grad(params, batch)
            params = opt.step(params, grad)
            total += loss * len(batch)
        curve.append(total / n)
    return params, curve


class ImageClassifierBase(ClassifierMixin, BaseEstimator):
    """Shared fit/predict of the CNN-headed image classifiers; subclasses define ``_images`` (features -> NHWC)."""

    @classmethod
    def check_width(cls, n_features: int) -> None:
        """Refuse a feature count that is not a flattened square image (suites call this before running)."""
        image_side(n_features)

    def _check_training(self, X, y):
        check_params(self)
        try:
            X, y = validate_data(self, X, y)
        except ValueError as exc:
            raise DataError(" ".join(str(exc).split())) from None
        check_classification_targets(y)
        classes = unique_labels(y)
        if len(classes) != 2:
            raise DataError(f"{type(self).__name__} is a binary classifier; got {len(classes)} classes")
        self.side_ = image_side(X.shape[1])
        return X, y, classes

    def _fit_head(self, images: np.ndarray, y: np.ndarray, rng) -> None:
        self.net_ = ConvNet(images.shape[1], images.shape[3], self.kernel_shape, self.output_channels)
        target = (y == self.classes_[1]).astype(float)
        params = self.net_.init(rng)
        params, self.loss_curve_ = train_adam(
            lambda w, batch: self.net_.loss_and_grad(w, images[batch], target[batch]), params, len(target), rng,
            float(self.learning_rate), int(self.max_iter), int(self.batch_size))
        self.params_ = params
        self.n_iter_ = int(self.max_iter)

    def decision_function(self, X):
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False)
        return self.net_.forward(self.params_, self._images(X))

    def predict_proba(self, X):
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class ConvolutionalNeuralNetwork(ImageClassifierBase):
    """The paper's classical CNN baseline (Bowles et al. 2024: ConvolutionalNeuralNetwork) on k x k images.

    Inputs are standardised per pixel (fitted on the training data) and times ``scaling``.
    """

    _parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        "kernel_shape": [Interval(Integral, 1, None, closed="left")],
        "output_channels": ["array-like"],
        "scaling": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, kernel_shape=3, output_channels=(32, 64), learning_rate=0.001, max_iter=100, batch_size=32,
                 scaling=1.0, random_state=None):
        self.kernel_shape = kernel_shape
        self.output_channels = output_channels
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.scaling = scaling
        self.random_state = random_state

    def _images(self, X: np.ndarray) -> np.ndarray:
        Z = self.scaler_.transform(X) * float(self.scaling)
        return Z.reshape(len(Z), self.side_, self.side_, 1)

    def fit(self, X, y):
        X, y, self.classes_ = self._check_training(X, y)
        rng = check_random_state(self.random_state)
        self.scaler_ = StandardScaler().fit(X)
        self._fit_head(self._images(X), y, rng)
        return self


def _cnn_check(n_features: int) -> None:
    image_side(n_features)


def cnn(random_state=None, cv=5, learning_rate=None, kernel_shape=None, **params):
    """The CNN baseline; learning rate and kernel size chosen by stratified CV when given as lists."""
    from qbench.models.baselines import _search

    model = ConvolutionalNeuralNetwork(random_state=random_state, **params)
    grid = {key: values for key, values in (("learning_rate", learning_rate), ("kernel_shape", kernel_shape))
            if values is not None}
    for key, values in list(grid.items()):
        if not isinstance(values, (list, tuple)):
            model.set_params(**{key: values})
            del grid[key]
    return _search(model, grid, cv, random_state) if grid else model


#: The CNN baseline takes flattened square images only (read by suites before running).
cnn.check_width = _cnn_check
