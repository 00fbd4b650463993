"""The asv benchmarks generated from suites/asv.toml (suites/benchmarks/, docs/asv.md)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from qbench.models import kernel_cache
from qbench.plugin import manager as P
from qbench.run.evaluate import evaluate
from qbench import hookimpl
from qbench.suite.jobs import expand
from qbench.run.fit import build_estimator
from qbench.suite.parse import load_suite

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "suites"
if str(SUITES) not in sys.path:
    sys.path.insert(0, str(SUITES))

from benchmarks import _suite  # noqa: E402

GROUPS = {"fit": {"time_fit", "peakmem_fit"}, "predict": {"time_predict"}, "quality": {"track_test_accuracy"}}
EXTRA_TRACKS = {"kernel": {"track_kernel_time", "track_circuit_executions"}, "qnn": {"track_circuit_executions"},
                "baseline": set()}
BENCH_PREFIXES = ("time_", "peakmem_", "track_", "mem_", "timeraw_")

TINY = """
[suite]
name = "tiny"
backends = {backends}
modes = {modes}
seeds = {seeds}
cv = 3

[[datasets]]
name = "linearly_separable"
n_samples = 40
n_features = [2, 3]
test_size = 0.25

[[models]]
name = "qsvm"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = {reps} }} }}

[[models]]
name = "qnn-small"
kind = "qnn"
params = {{ ansatz_params = {{ layers = 1 }}, max_iter = 3 }}

[[models]]
name = "svc_rbf"
kind = "baseline"
grid = {{ C = [1.0, 10.0] }}
{extra}
"""


def tiny(tmp_path, backends='["numpy"]', modes='["exact"]', seeds="[0]", reps=1, extra="", name="tiny.toml"):
    path = tmp_path / name
    path.write_text(TINY.format(backends=backends, modes=modes, seeds=seeds, reps=reps, extra=extra))
    return _suite.plan(path)


def methods(cls) -> set[str]:
    return {n for n in vars(cls) if n.startswith(BENCH_PREFIXES)}


@pytest.fixture(autouse=True)
def clean_cache():
    kernel_cache.default_cache.clear()
    yield
    kernel_cache.default_cache.clear()


# ------------------------------------------------------------------ generated from suites/asv.toml
def test_classes_follow_the_suite_expansion():
    suite = load_suite(SUITES / "asv.toml")
    jobs = expand(suite)
    from benchmarks import fit, predict, quality

    qubits = sorted({d for ds in suite.datasets for d in ds.n_features})
    datasets = [ds.name for ds in suite.datasets]
    for group, module in (("fit", fit), ("predict", predict), ("quality", quality)):
        for model in suite.models:
            cls = getattr(module, model.name)
            backends = ["classical"] if model.kind == "baseline" else [b.name for b in suite.backends]
            assert cls.param_names == ["backend", "dataset", "qubits"]
            assert cls.params == [backends, datasets, qubits]
            expected = GROUPS[group] | (EXTRA_TRACKS[model.kind] if group == "quality" else set())
            assert methods(cls) == expected, (group, model.name)
    # every job of the suite is exactly one parameter combination of its model's classes
    plan = _suite.default_plan()
    for m in plan.models:
        keys = sorted(c.job.key for c in m.cases.values())
        assert keys == sorted(j.key for j in jobs if j.model == m.name)


def test_asv_discovers_every_benchmark_with_its_parameters():
    from asv_runner.discovery import disc_benchmarks

    found = {b.name: b for b in disc_benchmarks(str(SUITES / "benchmarks"))}
    suite = load_suite(SUITES / "asv.toml")
    expected = set()
    for model in suite.models:
        expected |= {f"fit.{model.name}.{n}" for n in GROUPS["fit"]}
        expected |= {f"predict.{model.name}.{n}" for n in GROUPS["predict"]}
        expected |= {f"quality.{model.name}.{n}" for n in GROUPS["quality"] | EXTRA_TRACKS[model.kind]}
    # plus the hand-written scale benchmarks (suites/benchmarks/scale.py: issue 16's cases, small)
    expected |= {"scale.Simulate.time_simulate", "scale.Simulate.peakmem_simulate", "scale.Gram.time_gram",
                 "scale.Gram.peakmem_gram", "scale.TiledGram.time_tiled_gram", "scale.Nystroem.time_fit_predict",
                 "scale.QNNStep.time_step"}
    assert set(found) == expected
    b = found["fit.qsvm.time_fit"]
    assert b.param_names == ["backend", "dataset", "qubits"]
    assert b.params[0] == [repr(x.name) for x in suite.backends]
    assert found["quality.qsvm.track_test_accuracy"].unit == "accuracy"
    assert found["quality.qsvm.track_kernel_time"].unit == "seconds"


def test_quality_classes_share_one_setup_cache_and_time_benchmarks_have_none():
    from asv_runner.benchmarks._base import get_setup_cache_key

    from benchmarks import fit, predict, quality

    names = [m.class_name for m in _suite.default_plan().models]
    keys = {get_setup_cache_key(getattr(quality, n)().setup_cache) for n in names}
    assert len(keys) == 1  # asv runs it once per environment
    for module in (fit, predict):
        for n in names:
            assert not hasattr(getattr(module, n), "setup_cache")


# ------------------------------------------------------------------ parameters
def test_extra_axes_only_when_the_suite_varies_them(tmp_path):
    plan = tiny(tmp_path, modes='["exact", { name = "shots", shots = 256 }]', seeds="[0, 1]")
    m = {m.name: m for m in plan.models}
    assert m["qsvm"].param_names == ["backend", "dataset", "qubits", "mode", "seed"]
    assert m["qsvm"].params == [["numpy"], ["linearly_separable"], [2, 3], ["exact", "shots@256"], [0, 1]]
    assert m["svc_rbf"].param_names == ["backend", "dataset", "qubits", "seed"]  # baselines have no mode
    assert m["qnn-small"].class_name == "qnn_small"
    assert len(m["qsvm"].cases) == 8 and len(m["svc_rbf"].cases) == 4


def test_combination_outside_the_suite_is_skipped(tmp_path):
    plan = tiny(tmp_path, extra='[[exclude]]\nmodel = "qsvm"\nn_features = 3\n')
    cls = _suite.classes("fit", plan)["qsvm"]
    cls().setup("numpy", "linearly_separable", 2)
    with pytest.raises(NotImplementedError, match="not one of the suite's jobs"):
        cls().setup("numpy", "linearly_separable", 3)


def _ghost_plugin():
    mod = types.ModuleType("ghost_plugin")

    def qbench_register_backends(register):
        register("ghost", "qbench_ghost_backend:GhostBackend", framework="ghost",
                 requires=("qbench_ghost_framework_not_installed",))

    mod.qbench_register_backends = hookimpl(qbench_register_backends)
    return mod


def test_backend_not_installed_is_skipped_not_failed(tmp_path):
    with P.registered(_ghost_plugin(), name="ghost-plugin"):
        assert not P.backend_spec("ghost").available
        plan = tiny(tmp_path, backends='["numpy", "ghost"]')
        models = {m.name: m for m in plan.models}
        assert models["qsvm"].params[0] == ["numpy", "ghost"]
        for group in ("fit", "predict"):
            cls = _suite.classes(group, plan)["qsvm"]
            with pytest.raises(NotImplementedError, match="pip install qbench_ghost_framework_not_installed"):
                cls().setup("ghost", "linearly_separable", 2)
        quality = _suite.classes("quality", plan)["qsvm"]
        ghost_jobs = [c.job for c in models["qsvm"].cases.values() if c.job.backend == "ghost"]
        cache = _suite.evaluate_all(ghost_jobs)
        assert {e["status"] for e in cache.values()} == {"skipped"}
        with pytest.raises(NotImplementedError, match="not installed"):
            quality().setup(cache, "ghost", "linearly_separable", 2)


def test_failed_evaluation_fails_the_benchmark(tmp_path):
    plan = tiny(tmp_path)
    m = {m.name: m for m in plan.models}["qsvm"]
    case = m.cases[("numpy", "linearly_separable", 2)]
    quality = _suite.classes("quality", plan)["qsvm"]
    cache = {case.job.key: {"status": "failed", "error_message": "boom"}}
    with pytest.raises(RuntimeError, match="boom"):
        quality().setup(cache, "numpy", "linearly_separable", 2)


# ------------------------------------------------------------------ time benchmarks time the real operation
def test_time_fit_fits_a_fresh_model_without_the_kernel_cache(tmp_path):
    plan = tiny(tmp_path)
    m = {m.name: m for m in plan.models}["qsvm"]
    params = ("numpy", "linearly_separable", 3)
    case = m.cases[params]
    # Fill the Gram-matrix cache with exactly the matrices this benchmark's fit needs.
    X_train, X_test, y_train, y_test = case.split()
    cached = build_estimator(case.job).fit(X_train, y_train)
    assert cached.cache is True and kernel_cache.default_cache.stats()["entries"] > 0

    cls = _suite.classes("fit", plan)["qsvm"]
    bench = cls()
    bench.setup(*params)
    assert kernel_cache.default_cache.stats() == {"hits": 0, "computations": 0, "entries": 0, "bytes": 0}
    assert bench.model.cache is False
    with pytest.raises(NotFittedError):
        check_is_fitted(bench.model)
    bench.time_fit(*params)
    check_is_fitted(bench.model, "svc_")
    first = bench.model.train_kernel_
    assert first.shape == (len(y_train), len(y_train)) and first.flags.writeable  # computed, not a cached (read-only) copy
    np.testing.assert_allclose(first, cached.train_kernel_)
    bench.time_fit(*params)
    assert bench.model.train_kernel_ is not first
    bench.peakmem_fit(*params)
    assert kernel_cache.default_cache.stats()["hits"] == 0
    assert kernel_cache.default_cache.stats()["computations"] == 0


def test_time_fit_trains_the_qnn_and_the_baseline(tmp_path):
    plan = tiny(tmp_path)
    fit = _suite.classes("fit", plan)
    bench = fit["qnn_small"]()
    bench.setup("numpy", "linearly_separable", 2)
    bench.time_fit("numpy", "linearly_separable", 2)
    check_is_fitted(bench.model, "weights_")
    assert len(bench.model.loss_curve_) == 3
    base = fit["svc_rbf"]()
    base.setup("classical", "linearly_separable", 2)
    base.time_fit("classical", "linearly_separable", 2)
    assert base.model.predict(base.X_test).shape == base.y_test.shape


def test_time_predict_computes_the_test_kernel_every_call(tmp_path):
    plan = tiny(tmp_path)
    bench = _suite.classes("predict", plan)["qsvm"]()
    params = ("numpy", "linearly_separable", 2)
    bench.setup(*params)
    check_is_fitted(bench.model, "svc_")
    backend = bench.model.backend_
    calls = []
    original = backend.kernel
    backend.kernel = lambda *a, **k: calls.append(1) or original(*a, **k)
    bench.time_predict(*params)
    bench.time_predict(*params)
    assert len(calls) == 2
    assert kernel_cache.default_cache.stats()["hits"] == 0


# ------------------------------------------------------------------ track benchmarks
def test_quality_tracks_are_the_runners_numbers(tmp_path):
    plan = tiny(tmp_path)
    quality = _suite.classes("quality", plan)
    cache = quality["qsvm"]().setup_cache()
    assert set(cache) == {j.key for j in plan.jobs}
    for m in plan.models:
        cls = quality[m.class_name]
        for params, case in m.cases.items():
            bench = cls()
            bench.setup(cache, *params)
            expected = evaluate(case.job)
            assert bench.track_test_accuracy(cache, *params) == expected["test_accuracy"]
            if m.kind != "baseline":
                assert bench.track_circuit_executions(cache, *params) == expected["circuit_executions"] > 0
            if m.kind == "kernel":
                assert bench.track_kernel_time(cache, *params) > 0


def test_version_follows_the_model_config_not_the_axes(tmp_path):
    def version(plan, model="qsvm"):
        return _suite.classes("fit", plan)[model].time_fit.version

    base = tiny(tmp_path, name="a.toml")
    more_backends = tiny(tmp_path, backends='["numpy", "qiskit"]', name="b.toml")
    other_model = tiny(tmp_path, reps=2, name="c.toml")
    assert version(base) == version(more_backends)
    assert version(base) != version(other_model)
    assert version(base, "qnn_small") == version(other_model, "qnn_small")


def test_forkserver_preload_imports_only_installed_backends(tmp_path):
    with P.registered(_ghost_plugin(), name="ghost-plugin"):
        plan = tiny(tmp_path, backends='["numpy", "ghost"]')
        assert _suite.preload_frameworks(plan) == ["numpy"]
    assert not _suite.in_forkserver()
