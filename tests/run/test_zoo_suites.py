"""suites/zoo.toml runs every registered model on every framework backend in exact and shots mode; both zoo suites parse."""

from __future__ import annotations

from pathlib import Path

from qbench.plugin.manager import host
from qbench.suite.jobs import expand
from qbench.suite.parse import load_suite

SUITES = Path(__file__).resolve().parents[2] / "suites"
BACKENDS = ("numpy", "qiskit", "pennylane", "cirq")


def test_zoo_runs_every_registered_model_on_every_backend_in_exact_and_shots_mode():
    suite = load_suite(SUITES / "zoo.toml")
    jobs = expand(suite)
    kinds = {m.kind for m in suite.models}
    baselines = {m.baseline for m in suite.models if m.kind == "baseline"}
    assert set(host.registries()["model"].names()) <= kinds
    assert set(host.registries()["baseline"].names()) <= baselines
    for kind in host.registries()["model"].names():
        ran = {(j.backend, j.mode) for j in jobs if j.kind == kind}
        missing = {(b, m) for b in BACKENDS for m in ("exact", "shots")} - ran
        assert not missing, f"{kind} does not run on {sorted(missing)}"


def test_bowles2024_parses_and_runs_the_zoo_grids_on_linearly_separable_data():
    suite = load_suite(SUITES / "bowles2024.toml")
    sizes = {d.name: d.n_features for d in suite.datasets}
    assert list(sizes["linearly_separable"]) == [2, 4, 6, 8, 10] and len(sizes) >= 2
    grids = {m.name: m.grid for m in suite.models}
    assert grids["quantum_kitchen_sinks"] == {"n_episodes": [10, 100, 500, 2000], "n_qfeatures": ["full", "half"]}
    assert grids["separable_kernel"] == {"encoding_layers": [1, 3, 5, 10], "C": [0.1, 1.0, 10.0, 100.0]}
    assert grids["perceptron"] == {"eta0": [0.1, 1.0, 10.0]}
    kinds = {m.kind for m in suite.models}
    assert {"kernel", "qnn", "quantum_kitchen_sinks", "separable_kernel"} <= kinds
