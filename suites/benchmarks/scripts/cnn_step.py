"""Time of one compiled training step of the CNN baseline, per kernel of the paper's grid, and its two parts.

The speed comparison (``zoo_vs_qml_benchmarks.py``) times whole fits; this says where a step of the CNN's
(``qbench.models.cnn_steps``) goes, on the same data (the 4x4 bars and stripes of the comparison), the suite's
batch size and the CNN's default channels: the whole step as a fit runs it (``train_schedule`` with the compiled
chunk: batch draw, loss and gradient, Adam), the loss and gradient alone (``cnn_steps.loss_and_grad_with``,
the layers' taps made once as a fit makes them) and Adam alone (``compiled_training.finish_step_live`` on the
parameters a fit updates).  Best of ``--repeat`` runs, one thread.

    python suites/benchmarks/scripts/cnn_step.py
    python suites/benchmarks/scripts/cnn_step.py --steps 2000 --repeat 5
"""

from __future__ import annotations

import os

os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zoo_vs_qml_benchmarks as speed  # noqa: E402  (the comparison's data and suite)


def step_times(steps: int = 400, repeat: int = 3) -> dict[int, dict[str, float]]:
    """Per kernel size of the suite's CNN grid: microseconds per step, per loss-and-gradient and per Adam update."""
    from sklearn.preprocessing import StandardScaler

    from qbench.models import cnn_steps
    from qbench.models.cnn import ConvNet, ConvolutionalNeuralNetwork
    from qbench.models.compiled_training import finish_step_live
    from qbench.models.training import train_schedule
    from qbench.suite.parse import load_suite

    model = next(m for m in load_suite(speed.SUITE).models if m.name == "image_cnn")
    X, y = speed.data(model)
    batch = int(model.params["batch_size"])
    channels = ConvolutionalNeuralNetwork().output_channels
    side = int(round(np.sqrt(X.shape[1])))
    images = StandardScaler().fit_transform(X).reshape(-1, side, side, 1)  # as the estimator's fit does
    target = (y == np.unique(y)[1]).astype(float)
    out = {}
    for kernel in model.grid["kernel_shape"]:
        net = ConvNet(side, 1, kernel, channels)
        params = net.init(np.random.RandomState(0))
        chunk = net.compiled_steps(images, target)

        def fit():
            train_schedule(None, params, rng=np.random.RandomState(1), run_chunk=chunk, n_samples=len(target),
                           learning_rate=1e-3, batch_size=batch, max_iter=1, max_steps=steps)

        x, t, grad = images[:batch].copy(), target[:batch].copy(), np.zeros(net.size)
        m, v, p, losses = np.zeros(net.size), np.zeros(net.size), params.copy(), np.empty(steps)
        plan = cnn_steps.layer_taps(side, 1, net.kernel, net.channels, net.hidden)
        live = cnn_steps.live_ranges(side, 1, net.kernel, net.channels, net.hidden)
        cnn_steps.loss_and_grad_with(params, x, t, net.kernel, net.channels, net.hidden, grad, plan)  # compiles

        def gradient():
            for _ in range(steps):
                cnn_steps.loss_and_grad_with(params, x, t, net.kernel, net.channels, net.hidden, grad, plan)

        def adam():
            for s in range(steps):
                finish_step_live(p, grad, m, v, 1e-3, losses, s, 0.0, 0, live)

        out[kernel] = {"parameters": net.size, **{name: _best(f, repeat) / steps * 1e6 for name, f in
                                                  (("step_us", fit), ("loss_and_grad_us", gradient), ("adam_us", adam))}}
    return out


def _best(f, repeat: int) -> float:
    f()  # warm-up: numba's compilation or cache load
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=_positive, default=400, help="steps per timed run")
    parser.add_argument("--repeat", type=_positive, default=3, help="timed runs per figure (the best is kept)")
    args = parser.parse_args(argv)
    for kernel, t in step_times(args.steps, args.repeat).items():
        print(f"kernel {kernel}: {t['parameters']:>6} parameters  step {t['step_us']:6.0f} us  "
              f"loss and gradient {t['loss_and_grad_us']:6.0f} us  Adam {t['adam_us']:5.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
