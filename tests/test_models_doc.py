"""docs/models.md is what docs/scripts/models_table.py generates from the registry, the suite and the timings JSON."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("models_table", ROOT / "docs" / "scripts" / "models_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_models_doc_is_regenerated_from_the_registry():
    script = _script()
    assert (ROOT / "docs" / "models.md").read_text() == script.render(), \
        "docs/models.md is stale: run python docs/scripts/models_table.py"


def test_performance_doc_zoo_section_is_regenerated_from_the_timings():
    script = _script()
    assert script.render_performance() in (ROOT / "docs" / "performance.md").read_text(), \
        "docs/performance.md's zoo section is stale: run python docs/scripts/models_table.py"


def test_performance_doc_longer_runs_are_regenerated_from_their_timings():
    script = _script()
    section = script.render_long()
    assert section in (ROOT / "docs" / "performance.md").read_text(), \
        "docs/performance.md's longer-runs table is stale: run python docs/scripts/models_table.py"
    if script.LONG.exists():
        assert section.count("\n| `") >= 1


def test_models_doc_has_one_row_per_registered_model():
    from qbench.plugin.manager import host

    text = (ROOT / "docs" / "models.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    names = set(host.registries()["model"].names()) | set(host.registries()["baseline"].names())
    assert sorted(line.split("`")[1] for line in rows) == sorted(names)


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reproducing_zoo_section_is_regenerated_from_its_data():
    script = _load("reproducing_zoo", ROOT / "docs" / "scripts" / "reproducing_zoo.py")
    text = (ROOT / "docs" / "reproducing.md").read_text()
    assert script.render() in text, "docs/reproducing.md's zoo section is stale: run python docs/scripts/reproducing_zoo.py"


def test_speed_script_imports_and_maps_models_to_qml_benchmarks_classes():
    """The benchmark script is code the docs name: it imports, and reads the qml-benchmarks class from the registry."""
    script = _load("zoo_vs_qml_benchmarks", ROOT / "suites" / "benchmarks" / "scripts" / "zoo_vs_qml_benchmarks.py")
    assert script.peer_class("separable_kernel", "separable_kernel") == "SeparableKernelClassifier"
    assert script.peer_class("quantum_kitchen_sinks", "quantum_kitchen_sinks") == "QuantumKitchenSinks"
    assert script.peer_class("iqp_kernel", "kernel") == "IQPKernelClassifier"
    assert script.peer_class("qnn", "qnn") is None
    assert script.TRANSLATE["iqp_kernel"]({"C": 1.0, "feature_map_params": {"repeats": 5}}) == {"C": 1.0, "repeats": 5}


def test_every_model_with_a_circuit_has_its_drawing():
    """A model with registered templates or an example circuit is drawn (not only described) in docs/models.md."""
    from qbench.models.kinds import estimator_class
    from qbench.plugin.manager import host

    script = _script()
    text = (ROOT / "docs" / "models.md").read_text()
    sections = {part.split("`")[1]: part for part in text.split("\n### ")[1:]}
    drawn = []
    for name in host.registries()["model"].names():
        cls = estimator_class(name)
        if name in script.CIRCUITS or getattr(cls, "circuit_templates", None) or hasattr(cls, "example_circuit"):
            assert "```\n" in sections[name] and "q0: ──" in sections[name], f"{name} has a circuit but no drawing"
            drawn.append(name)
    assert {"data_reuploading", "tree_tensor", "qcnn", "weinet", "quanvolutional", "kernel"} <= set(drawn)


def test_the_fit_lengths_at_x50_follow_both_sides_straight_lines():
    at = _script()._lengths_at_target
    # x60 at 400 steps, x40 per extra step: (60 + 1000 * 0.04) / (1 + 1000 * 0.001) = 50 at 1,400 steps
    assert at(400, 1.0, 60.0, 0.001, 0.04) == "up to 1,400"
    assert at(400, 1.0, 40.0, 0.001, 0.06) == "1,400 and more"
    assert at(400, 1.0, 60.0, 0.001, 0.06) == "all"
    assert at(400, 1.0, 40.0, 0.001, 0.04) == "none"
    assert at(400, 1.0, 40.0, 0.001, 0.05) == "none"  # tends to x50 without reaching it
