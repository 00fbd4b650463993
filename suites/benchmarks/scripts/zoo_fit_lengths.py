"""How many steps qbench's fits take with the paper's stop rule, per trained model of the speed comparison.

The speed comparison (``zoo_vs_qml_benchmarks.py``) times fixed numbers of steps; this says which of those lengths
the paper's fits actually have on the same data: each trained, compared model of ``suites/bowles2024.toml`` is fitted
with its suite parameters (``max_steps`` and ``convergence_interval`` as the paper's) at the same grid points, numpy
backend, and the steps each fit took are printed (docs/performance.md quotes them).

    python suites/benchmarks/scripts/zoo_fit_lengths.py --points 4
    python suites/benchmarks/scripts/zoo_fit_lengths.py --models vanilla_qnn,image_cnn
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zoo_vs_qml_benchmarks as speed  # noqa: E402  (the same grid points, data and estimators)


def fit_lengths(names: set[str] | None = None, points: int = 4, overrides: dict | None = None) -> dict[str, list[int]]:
    """Steps each fit took, per model (``overrides``: parameters to set on every fit, e.g. a smaller max_steps)."""
    from qbench.suite.parse import load_suite

    out = {}
    for model in load_suite(speed.SUITE).models:
        if (names and model.name not in names) or model.name in speed.NOT_COMPARED:
            continue
        if speed.peer_class(model.name, model.kind) is None or not speed.is_trained(model):
            continue
        X, y = speed.data(model)
        steps = []
        for point in speed.grid_points(model, points):
            est = speed.make_qbench(model, point, overrides or {})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X, y)
            steps.append(int(getattr(est, "n_iter_", None) or est[-1].n_iter_))  # a baseline is a pipeline
        out[model.name] = steps
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="", help="comma-separated suite entries (default: every compared one)")
    parser.add_argument("--points", type=int, default=4, help="grid points per model, as in the speed comparison")
    args = parser.parse_args(argv)
    for name, steps in fit_lengths({m for m in args.models.split(",") if m}, args.points).items():
        print(f"{name:<28} steps with the paper's stop rule: {', '.join(map(str, steps))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
