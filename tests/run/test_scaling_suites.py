"""Input scaling in suites (ad hoc data kept in angle units, scaling grids, one-line errors) and the shipped protocols."""

from __future__ import annotations

import pytest
from runner_helpers import BASELINE, TINY_DATA, one_line_error, suite_text

from qbench.suite.catalog import find_suite
from qbench.suite.jobs import expand
from qbench.suite.parse import load_suite, parse_suite

AD_HOC = """
[[datasets]]
name = "ad_hoc"
n_samples = 30
n_features = 2
"""
ZZ = """
[[models]]
name = "qsvm"
kind = "kernel"
params = {{ feature_map = "zz", feature_map_params = {{ reps = 1{extra} }} }}
{grid}
"""

GRID_OVER_MAP_PARAMS = """
[[models]]
name = "qsvm"
kind = "kernel"
params = { feature_map = "zz" }
grid = { feature_map_params = [{ reps = 1 }, { reps = 1, bandwith = 2.0 }] }
"""


def kernel(extra: str = "", grid: str = "") -> str:
    return ZZ.format(extra=extra, grid=grid)


def test_angle_unit_data_is_not_rescaled_unless_the_suite_asks():
    suite = parse_suite(suite_text("s", 'backends = ["numpy"]', AD_HOC + TINY_DATA + kernel() + BASELINE))
    ad_hoc, moons = suite.datasets
    assert ad_hoc.scaling is None and moons.scaling == "minmax"
    asked = parse_suite(suite_text("s", 'backends = ["numpy"]', AD_HOC + 'scaling = "minmax"\n' + kernel()))
    assert asked.datasets[0].scaling == "minmax"


def test_a_grid_over_bandwidth_and_interval_expands_into_jobs_that_differ():
    grid = 'grid = { bandwidth = [0.5, 1.0], feature_range = [[0.0, 3.14], [-1.0, 1.0]] }'
    suite = parse_suite(suite_text("s", 'backends = ["numpy"]', TINY_DATA + kernel(grid=grid)))
    (job,) = expand(suite)
    assert job.grid == {"bandwidth": [0.5, 1.0], "feature_range": [[0.0, 3.14], [-1.0, 1.0]]}


BAD = [
    (kernel(', bandwith = 2.0'), "models[0].params.feature_map_params: feature map 'zz': bad parameters"),
    (GRID_OVER_MAP_PARAMS, "models[0].grid.feature_map_params: feature map 'zz': bad parameters"),
    (kernel(grid='grid = { bandwith = [1.0, 2.0] }'), "models[0].grid.bandwith: QuantumKernelClassifier has no parameter"),
    (kernel(grid='grid = { bandwidth = [1.0, 0.0] }'), "models[0].grid.bandwidth: expected a float in the range (0.0, inf) or None, got 0.0"),
    (kernel(', bandwidth = -1.0'), "zz: bandwidth must be a number > 0, got -1.0"),
    (kernel(grid='grid = { feature_range = [[0.0, 1.0], [1.0, 0.0]] }'),
     "models[0].grid.feature_range: zz: feature_range must be an interval [low, high] with low < high"),
    (kernel(', feature_range = [3.0, 1.0]'), "zz: feature_range must be an interval [low, high] with low < high"),
    (kernel(', bandwidth = 2.0', grid='grid = { bandwidth = [1.0] }'), "bandwidth is set twice"),
]


@pytest.mark.parametrize("model, fragment", BAD, ids=[b[1][:40] for b in BAD])
def test_bad_scaling_parameters_exit_2_in_one_line(cli, write_suite, tmp_path, model, fragment):
    code, out, err = cli("run", write_suite(suite_text("bad", 'backends = ["numpy"]', TINY_DATA + model)),
                         "--db", tmp_path / "x.db")
    one_line_error(code, err, fragment)
    assert not (tmp_path / "x.db").exists()


def test_unknown_data_scaling_exits_2(cli, write_suite, tmp_path):
    text = suite_text("bad", 'backends = ["numpy"]', TINY_DATA + 'scaling = "robust"\n' + kernel())
    code, out, err = cli("run", write_suite(text), "--db", tmp_path / "x.db")
    one_line_error(code, err, "datasets[0].scaling: expected one of")


def test_bowles2024_runs_the_papers_grids():
    suite = load_suite(find_suite("bowles2024"))
    assert suite.cv == 5
    assert {(d.n_samples[0], d.test_size) for d in suite.datasets} == {(300, 60)}
    iqp = next(m for m in suite.models if m.name == "iqp_kernel")
    assert iqp.params["feature_map"] == "iqp" and "feature_range" not in iqp.params  # the IQP default, [-pi/2, pi/2]
    assert iqp.grid == {"C": [0.1, 1.0, 10.0, 100.0],
                        "feature_map_params": [{"repeats": 1}, {"repeats": 5}, {"repeats": 10}]}
    svc = next(m for m in suite.models if m.kind == "baseline")
    assert svc.baseline == "svc_rbf" and svc.grid == {"C": [0.1, 1.0, 10.0, 100.0], "gamma": [0.001, 0.01, 0.1, 1.0]}


def test_havlicek2019_runs_the_tutorials_protocol():
    suite = load_suite(find_suite("havlicek2019"))
    (data,) = suite.datasets
    assert (data.name, data.n_samples, data.n_features, data.test_size, data.params) == \
        ("ad_hoc", [50], [2], 10, {"gap": 0.3})
    assert data.scaling is None  # angle units: not rescaled
    zz = next(m for m in suite.models if m.kind == "kernel")
    assert zz.params == {"feature_map": "zz", "feature_map_params": {"reps": 2, "entanglement": "linear"}, "C": 1.0}
