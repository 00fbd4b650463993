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


def test_models_doc_has_one_row_per_registered_model():
    from qbench.plugin.manager import host

    text = (ROOT / "docs" / "models.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    names = set(host.registries()["model"].names()) | set(host.registries()["baseline"].names())
    assert sorted(line.split("`")[1] for line in rows) == sorted(names)
