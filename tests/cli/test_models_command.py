"""``qbench models`` lists every registered model with its task and the backends that declare that task."""

import json
import subprocess
import sys

from qbench.plugin.manager import host


def _listing() -> dict[str, dict]:
    out = subprocess.run([sys.executable, "-m", "qbench", "models", "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return {row["name"]: row for row in map(json.loads, out.stdout.splitlines())}


def test_models_lists_every_registered_model_and_baseline():
    listing = _listing()
    regs = host.registries()
    assert set(listing) == set(regs["model"].names()) | set(regs["baseline"].names())
    for name in regs["model"].names():
        entry = regs["model"].get(name)
        assert listing[name]["task"] == entry.meta["task"] and listing[name]["paper"] == entry.meta.get("paper", "")
        assert "exact" in listing[name]["backends"]["numpy"]
    assert listing["separable_kernel"]["paper"].endswith("SeparableKernelClassifier")
    assert listing["perceptron"]["task"] == "baseline"


def test_models_table_names_backends_with_their_modes():
    out = subprocess.run([sys.executable, "-m", "qbench", "models"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0
    assert "quantum_kitchen_sinks" in out.stdout and "numpy (exact/shots/noisy)" in out.stdout
