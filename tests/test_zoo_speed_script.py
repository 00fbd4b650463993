"""The zoo's speed comparison (suites/benchmarks/scripts/zoo_vs_qml_benchmarks.py) compares equal work.

Its figures in docs/performance.md and docs/models.md rest on two claims checked here on qbench's side: a trained
model fitted with the script's length parameters takes exactly the asked number of optimiser steps, and the
timed grid points spread over the grid.  (qml-benchmarks' side runs in its own virtualenv; its fixed step count
is its ``max_steps`` with the stop rule off, see the script's docstring.)
"""

import importlib.util
from pathlib import Path

import pytest

from qbench.models import compiled_training, training
from qbench.suite.parse import load_suite

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("zoo_vs_qml_benchmarks",
                                                  ROOT / "suites" / "benchmarks" / "scripts" / "zoo_vs_qml_benchmarks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
SUITE = load_suite(SCRIPT.SUITE)
TRAINED = [m for m in SUITE.models
           if m.name not in SCRIPT.NOT_COMPARED and SCRIPT.peer_class(m.name, m.kind) and SCRIPT.is_trained(m)]


def test_every_compared_trained_model_of_the_paper_is_timed():
    names = {m.name for m in TRAINED}
    assert {"circuit_centric", "data_reuploading", "dressed_circuit", "iqp_variational", "tree_tensor",
            "separable_variational", "vanilla_qnn", "metric_learner", "boltzmann", "image_cnn",
            "image_quanvolutional", "image_weinet"} <= names


@pytest.mark.parametrize("model", TRAINED, ids=lambda m: m.name)
def test_a_timed_fit_takes_exactly_the_asked_steps(model, monkeypatch):
    """Steps counted in the Python loop's Adam, or from the compiled trainer's record (its Adam is compiled)."""
    steps = []
    step, compiled = training.Adam.step, compiled_training.train_compiled

    def counted(self, params, grad):
        steps.append(1)
        return step(self, params, grad)

    def counted_compiled(*args, **kwargs):
        result = compiled(*args, **kwargs)
        steps.extend([1] * result.n_steps)
        return result

    monkeypatch.setattr(training.Adam, "step", counted)
    monkeypatch.setattr(compiled_training, "train_compiled", counted_compiled)
    X, y = SCRIPT.data(model)
    asked = 16
    point = SCRIPT.grid_points(model, 1)[0]
    SCRIPT.make_qbench(model, point, SCRIPT.qbench_length(model, asked)).fit(X, y)
    assert len(steps) == asked


def test_timed_points_spread_over_the_grid_first_and_last_included():
    model = next(m for m in SUITE.models if m.name == "iqp_variational")
    every = SCRIPT.grid_points(model, None)
    picked = SCRIPT.grid_points(model, 4)
    assert len(every) == 36 and len(picked) == 4
    assert picked[0] == every[0] and picked[-1] == every[-1]
    assert SCRIPT.grid_points(model, 100) == every


def test_image_models_are_timed_on_images_and_the_rest_on_two_features():
    models = {m.name: m for m in SUITE.models}
    X, _ = SCRIPT.data(models["image_weinet"])
    assert X.shape == (SCRIPT.N_TRAIN, 16)
    X, _ = SCRIPT.data(models["metric_learner"])
    assert X.shape == (SCRIPT.N_TRAIN, 2)


def test_fit_lengths_script_reports_the_steps_each_fit_took():
    """docs/performance.md quotes zoo_fit_lengths.py: its lengths are the fits' own, capped by the suite's max_steps."""
    spec = importlib.util.spec_from_file_location("zoo_fit_lengths",
                                                  ROOT / "suites" / "benchmarks" / "scripts" / "zoo_fit_lengths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lengths = module.fit_lengths({"vanilla_qnn", "image_weinet"}, points=2,
                                 overrides={"max_steps": 450, "convergence_interval": 200})
    assert sorted(lengths) == ["image_weinet", "vanilla_qnn"]
    assert all(len(steps) == 2 and all(400 < n <= 450 for n in steps) for steps in lengths.values())


def test_the_cnn_step_script_times_each_kernel_of_the_grid_and_its_parts():
    spec = importlib.util.spec_from_file_location("cnn_step", ROOT / "suites" / "benchmarks" / "scripts" / "cnn_step.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from qbench.models.cnn import ConvNet

    times = module.step_times(steps=2, repeat=1)
    grid = next(m for m in SUITE.models if m.name == "image_cnn").grid["kernel_shape"]
    assert sorted(times) == sorted(grid)
    for kernel, t in times.items():
        assert t["parameters"] == ConvNet(4, 1, kernel, (32, 64)).size
        assert t["step_us"] > 0 and t["loss_and_grad_us"] > 0 and t["adam_us"] > 0
    with pytest.raises(SystemExit) as refused:
        module.main(["--steps", "0"])
    assert refused.value.code == 2


def test_the_small_eigh_script_times_both_solvers_per_size():
    spec = importlib.util.spec_from_file_location("small_eigh",
                                                  ROOT / "suites" / "benchmarks" / "scripts" / "small_eigh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    times = module.eigh_times(sizes=(2, 5), calls=3, repeat=1)
    assert sorted(times) == [2, 5]
    assert all(t["lapack_us"] > 0 and t["jacobi_us"] > 0 for t in times.values())
    for bad in (["--sizes", "0"], ["--calls", str(module.MAX_CALLS + 1)], ["--repeat", "x"]):
        with pytest.raises(SystemExit) as refused:
            module.main(bad)
        assert refused.value.code == 2
