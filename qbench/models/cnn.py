"""A small convolutional network in NumPy, and the image classifiers built on it (Bowles et al. 2024).

The network is the paper's ConvolutionalNeuralNetwork: conv (``output_channels[0]``
filters, ``kernel_shape`` square, SAME padding) -> 2x2 max-pool -> conv
(``output_channels[1]``) -> 2x2 max-pool -> dense (2 * ``output_channels[1]``, ReLU) -> one
logit, trained on the log loss.  Convolutions are dense matrix products on small images and
im2col products on larger ones (:class:`ConvLayer`), and the backward pass is written out
(tests check it against finite differences), so no deep-learning framework is needed.
Pooling pads odd sizes (SAME), so 3x3 and 4x4 images stay valid.

Training is the core's (:func:`qbench.models.training.train_schedule`): Adam on a flat parameter vector over
``max_iter`` passes of shuffled minibatches, or, with ``max_steps``, the paper's schedule (batches drawn with
replacement, the stop rule every ``convergence_interval`` steps); a seed gives one model.  The paper's schedule
runs its steps compiled (:mod:`qbench.models.cnn_steps`, :meth:`ConvNet.compiled_steps`): the same arithmetic
without NumPy's per-call overhead, which on 4x4 images was most of a step; the NumPy passes here train the pass
schedule and predict.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from functools import lru_cache, partial
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
from threadpoolctl import threadpool_limits

from qbench.backends.memory import check_bytes
from qbench.errors import DataError
from qbench.models.training import PassesOrSteps, batch_size_constraint, record_training, train_schedule


#: Training hyperparameters every zoo-more estimator shares (scikit-learn's declared constraints).
TRAINING_CONSTRAINTS = {
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "batch_size": batch_size_constraint(),
    "convergence_interval": [Interval(Integral, 1, None, closed="left"), None],
    "random_state": ["random_state"],
}
#: ``max_steps`` of the models whose ``max_iter`` counts passes (:func:`qbench.models.training.train_schedule`).
MAX_STEPS_CONSTRAINT = {"max_steps": [Interval(Integral, 1, None, closed="left"), None]}


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


#: A convolution whose dense matrix (input pixels x channels by output pixels x filters) and spreading matrix
#: (pixel pairs by kernel offsets) have at most this many entries runs as that one matrix product; larger ones
#: (wide images) run as im2col products.
DENSE_CONV_ENTRIES = 2**18
#: The most parameters a CNN head may have (the paper's largest, kernel 5 and channels (32, 64) on 16x16 images,
#: has about 2x10^5), checked before anything is allocated.
MAX_PARAMETERS = 10**7
#: Bytes of working arrays a prediction may use at once: larger inputs are predicted in chunks of rows.
PREDICT_BYTES = 2**28


class ConvLayer:
    """One SAME convolution, stride 1, on NHWC activations of a fixed side: forward pass and gradients.

    On small images (the paper's 4x4 and 8x8) the convolution is one dense linear map on the flattened
    activations, W[(p, c), (q, f)] = w[offset of p from q, c, f] (zero where p is outside q's window),
    built each step from the kernel by one product with a fixed 0/1 spreading matrix: a step is a few
    matrix products instead of the im2col's dozen array operations, which dominate at these sizes.
    """

    def __init__(self, side: int, k: int, c_in: int, c_out: int) -> None:
        self.side, self.k, self.c_in, self.c_out = side, k, c_in, c_out
        pixels = side * side
        self.dense = pixels * pixels * (c_in * c_out + k * k) <= DENSE_CONV_ENTRIES
        if self.dense:
            lo = (k - 1) // 2
            r, c, i, j = np.meshgrid(*(np.arange(side),) * 2, *(np.arange(k),) * 2, indexing="ij")
            rr, cc = r + i - lo, c + j - lo
            inside = (rr >= 0) & (rr < side) & (cc >= 0) & (cc < side)
            # spread[(p_in, p_out), offset] = 1 where output pixel p_out reads input pixel p_in at that offset
            spread = np.zeros((pixels, pixels, k * k))
            p_out, offset = (r * side + c)[inside], (i * k + j)[inside]
            spread[(rr * side + cc)[inside], p_out, offset] = 1.0
            self.spread = spread.reshape(pixels * pixels, k * k)

    def matrix(self, w: np.ndarray) -> np.ndarray:
        """The dense (pixels * c_in, pixels * c_out) matrix of kernel ``w`` (k, k, c_in, c_out)."""
        pixels = self.side * self.side
        m = (self.spread @ w.reshape(self.k * self.k, -1)).reshape(pixels, pixels, self.c_in, self.c_out)
        return m.transpose(0, 2, 1, 3).reshape(pixels * self.c_in, pixels * self.c_out)

    def forward(self, x: np.ndarray, w: np.ndarray, b: np.ndarray):
        """Output (N, side, side, c_out) and what :meth:`backward` needs."""
        if not self.dense:
            return _conv(x, w, b)
        n = len(x)
        flat = x.reshape(n, -1)
        m = self.matrix(w)
        out = (flat @ m).reshape(n, self.side, self.side, self.c_out)
        out += b
        return out, (flat, m)

    def backward(self, dout: np.ndarray, cache, w: np.ndarray, x_shape: tuple, need_dx: bool = True):
        """(dx or None, dw, db) from the gradient of the output."""
        if not self.dense:
            dx, dw, db = _conv_back(dout, cache, w, x_shape)
            return dx if need_dx else None, dw, db
        flat, m = cache
        n, pixels = len(dout), self.side * self.side
        d2 = dout.reshape(n, -1)
        db = d2.reshape(-1, self.c_out).sum(axis=0)
        dm = (flat.T @ d2).reshape(pixels, self.c_in, pixels, self.c_out).transpose(0, 2, 1, 3)
        dw = (self.spread.T @ dm.reshape(pixels * pixels, -1)).reshape(w.shape)
        dx = (d2 @ m.T).reshape(x_shape) if need_dx else None
        return dx, dw, db


@lru_cache(maxsize=32)
def _pool_positions(n: int, h2: int, w2: int, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions in the (padded) pooled input of each window's top-left cell, and each cell's offset from it."""
    base = (np.arange(n * h2)[:, None] * (4 * w2) + 2 * np.arange(w2)[None, :]).reshape(n, h2, w2, 1) * c
    base = base + np.arange(c)
    offsets = np.array([0, c, 2 * w2 * c, 2 * w2 * c + c])
    return base, offsets


def _pool(x: np.ndarray):
    """2x2 max-pool, stride 2, SAME (odd sides padded with -inf): output and the cell of each window's maximum.

    The cell is the first maximum in the order (0, 0), (0, 1), (1, 0), (1, 1): ties (frequent on binary
    images) send the whole gradient to that one cell, as an argmax over the window does.
    """
    n, h, w, c = x.shape
    h2, w2 = -(-h // 2), -(-w // 2)
    if (h, w) != (2 * h2, 2 * w2):
        x = np.pad(x, ((0, 0), (0, 2 * h2 - h), (0, 2 * w2 - w), (0, 0)), constant_values=-np.inf)
    cells = (x[:, 0::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 0::2], x[:, 1::2, 1::2])
    out = np.maximum(np.maximum(cells[0], cells[1]), np.maximum(cells[2], cells[3]))
    arg = np.where(cells[0] == out, 0, np.where(cells[1] == out, 1, np.where(cells[2] == out, 2, 3)))
    return out, arg


def _pool_back(dout: np.ndarray, arg: np.ndarray, x_shape: tuple) -> np.ndarray:
    """The pooled gradient sent back to each window's maximum cell, zero elsewhere."""
    n, h, w, c = x_shape
    h2, w2 = dout.shape[1], dout.shape[2]
    base, offsets = _pool_positions(n, h2, w2, c)
    dx = np.zeros(n * 4 * h2 * w2 * c)
    dx[base + offsets[arg]] = dout
    return dx.reshape(n, 2 * h2, 2 * w2, c)[:, :h, :w, :]


class ConvNet:
    """The paper's CNN on NHWC images: parameters in one flat vector, forward pass and its gradient."""

    def __init__(self, side: int, channels_in: int, kernel_shape: int, output_channels) -> None:
        if int(kernel_shape) < 1 or len(output_channels) != 2 or min(output_channels) < 1:
            raise DataError(f"kernel_shape must be >= 1 and output_channels two positive integers; "
                            f"got {kernel_shape}, {list(output_channels)}")
        k, (c1, c2) = int(kernel_shape), (int(output_channels[0]), int(output_channels[1]))
        if k > 2 * side + 1:  # a wider kernel only adds taps outside the padded image (and pads it to k)
            raise DataError(f"kernel_shape must be at most 2 * side + 1 = {2 * side + 1} on {side}x{side} images; got {k}")
        half = -(-side // 2)  # the side after one SAME pool
        pooled = -(-half // 2)  # ... and after two
        hidden = 2 * c2
        self.kernel, self.channels, self.hidden = k, (c1, c2), hidden
        self.shapes = {"w1": (k, k, channels_in, c1), "b1": (c1,), "w2": (k, k, c1, c2), "b2": (c2,),
                       "w3": (pooled * pooled * c2, hidden), "b3": (hidden,), "w4": (hidden, 1), "b4": (1,)}
        self.size = sum(math.prod(s) for s in self.shapes.values())  # Python integers: no overflow
        if self.size > MAX_PARAMETERS:
            raise DataError(f"a CNN of kernel {k} and output_channels {[c1, c2]} on {side}x{side} images has "
                            f"{self.size:,} parameters; the limit is {MAX_PARAMETERS:,}")
        self.conv1 = ConvLayer(side, k, channels_in, c1)
        self.conv2 = ConvLayer(half, k, c1, c2)
        self._slices, start = {}, 0
        for name, shape in self.shapes.items():
            self._slices[name] = (slice(start, start + int(np.prod(shape))), shape)
            start += int(np.prod(shape))

    def image_bytes(self) -> int:
        """A floor on the bytes of working arrays one image takes in a training step (both convolutions' outputs,
        the first one's gradient, the pooled maps and their indices; the NumPy path's im2col columns come on
        top): a batch of n images takes at least n times this, and a forward pass about as much."""
        c1, c2 = self.channels
        side, half = self.conv1.side, self.conv2.side
        return 8 * (2 * side * side * c1 + half * half * (3 * c1 + 2 * c2))

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
        return {name: params[where].reshape(shape) for name, (where, shape) in self._slices.items()}

    def forward(self, params: np.ndarray, x: np.ndarray, keep: bool = False):
        """Logits, shape (N,); with ``keep`` also the intermediate values the backward pass needs."""
        p = self.unpack(params)
        a1, c1 = self.conv1.forward(x, p["w1"], p["b1"])
        m1, arg1 = _pool(a1)
        a2, c2 = self.conv2.forward(m1, p["w2"], p["b2"])
        m2, arg2 = _pool(a2)
        flat = m2.reshape(len(x), -1)
        z3 = flat @ p["w3"]
        z3 += p["b3"]
        h3 = np.maximum(z3, 0.0)
        logits = (h3 @ p["w4"])[:, 0] + p["b4"][0]
        if not keep:
            return logits
        return logits, (p, x.shape, c1, a1.shape, arg1, m1.shape, c2, a2.shape, arg2, m2.shape, flat, z3, h3)

    def backward(self, dlogits: np.ndarray, cache) -> np.ndarray:
        """Gradient of sum_s dlogits[s] * logit_s with respect to the flat parameters."""
        p, x_shape, c1, a1_shape, arg1, m1_shape, c2, a2_shape, arg2, m2_shape, flat, z3, h3 = cache
        grad = np.empty(self.size)
        g = {name: grad[where].reshape(shape) for name, (where, shape) in self._slices.items()}
        np.matmul(h3.T, dlogits[:, None], out=g["w4"])
        g["b4"][0] = dlogits.sum()
        dz3 = np.multiply.outer(dlogits, p["w4"][:, 0])
        dz3 *= z3 > 0
        np.matmul(flat.T, dz3, out=g["w3"])
        g["b3"][:] = dz3.sum(axis=0)
        dm2 = (dz3 @ p["w3"].T).reshape(m2_shape)
        da2 = _pool_back(dm2, arg2, a2_shape)
        dm1, g["w2"][:], g["b2"][:] = self.conv2.backward(da2, c2, p["w2"], m1_shape)
        da1 = _pool_back(dm1, arg1, a1_shape)
        _, g["w1"][:], g["b1"][:] = self.conv1.backward(da1, c1, p["w1"], x_shape, need_dx=False)
        return grad

    def loss_and_grad(self, params: np.ndarray, x: np.ndarray, y: np.ndarray):
        """Mean log loss of sigmoid(logits) against 0/1 targets ``y``, and its gradient."""
        logits, cache = self.forward(params, x, keep=True)
        # log(1 + e^z) - y z, computed stably
        loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
        return loss, self.backward((expit(logits) - y) / len(y), cache)

    def compiled_steps(self, images: np.ndarray, target: np.ndarray):
        """The paper's schedule's steps compiled, for :func:`qbench.models.training.train_schedule`'s ``run_chunk``:
        :func:`qbench.models.cnn_steps.loss_and_grad` is :meth:`loss_and_grad` in loops."""
        from qbench.models import cnn_steps  # numba loads here, not with this module (a quarter of a second)

        images = np.ascontiguousarray(images, dtype=float)  # one compiled signature
        target = np.ascontiguousarray(target, dtype=float)
        return partial(cnn_steps.run_chunk, images, target, self.kernel, self.channels, self.hidden)


class ImageClassifierBase(PassesOrSteps, ClassifierMixin, BaseEstimator):
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
        check_bytes(self.net_.image_bytes() * (int(self.batch_size) + 3),  # compiled: padded to a multiple of 4
                    f"a training step of {type(self).__name__} on batches of {int(self.batch_size):,} "
                    f"{images.shape[1]}x{images.shape[2]} images")
        target = (y == self.classes_[1]).astype(float)
        params = self.net_.init(rng)
        steps = self.net_.compiled_steps(images, target) if self.max_steps is not None else None
        # NumPy products this small only lose time to BLAS threads; compiled steps call no BLAS (and threadpoolctl's
        # scan of the loaded libraries takes milliseconds)
        with threadpool_limits(limits=1, user_api="blas") if steps is None else nullcontext():
            result = train_schedule(lambda w, batch: self.net_.loss_and_grad(w, images[batch], target[batch]), params,
                                    rng=rng, n_samples=len(target), learning_rate=float(self.learning_rate),
                                    batch_size=int(self.batch_size), max_iter=int(self.max_iter),
                                    max_steps=self.max_steps, convergence_interval=self.convergence_interval,
                                    run_chunk=steps)
        self.params_ = result.params
        record_training(self, result)

    def decision_function(self, X):
        """The logits, in chunks of rows whose working arrays fit :data:`PREDICT_BYTES`."""
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False)
        rows = max(1, PREDICT_BYTES // self.net_.image_bytes())
        if len(X) <= rows:
            return self.net_.forward(self.params_, self._images(X))
        return np.concatenate([self.net_.forward(self.params_, self._images(X[i:i + rows]))
                               for i in range(0, len(X), rows)])

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
        **MAX_STEPS_CONSTRAINT,
        "kernel_shape": [Interval(Integral, 1, None, closed="left")],
        "output_channels": ["array-like"],
        "scaling": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, kernel_shape=3, output_channels=(32, 64), learning_rate=0.001, max_iter=100, batch_size=32,
                 scaling=1.0, max_steps=None, convergence_interval=None, random_state=None):
        self.kernel_shape = kernel_shape
        self.output_channels = output_channels
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.max_steps = max_steps
        self.convergence_interval = convergence_interval
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


def _cnn_check_params(params: dict) -> None:
    """A one-line error for values the CNN refuses (its declared constraints, the schedule), lists left to the search."""
    model = ConvolutionalNeuralNetwork(**{k: v for k, v in params.items() if not isinstance(v, (list, tuple))
                                          or k == "output_channels"})
    check_params(model)
    model.check_schedule()


#: The CNN baseline takes flattened square images only, and its parameters' values are checked (both read by
#: suites before running).
cnn.check_width = _cnn_check
cnn.check_params = _cnn_check_params
