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


def test_models_lists_only_the_backends_and_modes_a_model_runs_on():
    """The Boltzmann machines run on numpy, exact (the runner skips the rest), so that is all the listing shows."""
    listing = _listing()
    for name in ("boltzmann", "boltzmann_separable"):
        assert listing[name]["backends"] == {"numpy": ["exact"]}
    assert len(listing["qnn"]["backends"]) > 1 and "shots" in listing["qnn"]["backends"]["numpy"]


def test_registered_support_is_the_estimator_classes_own():
    """A model registered as "module:Class" repeats its class's supported_backends/modes; they must agree."""
    from qbench.plugin.manager import model_entry

    for name in host.registries()["model"].names():
        meta = dict(host.registries()["model"].get(name).meta)
        cls = model_entry(name).obj
        for key in ("supported_backends", "supported_modes"):
            declared = getattr(cls, key, None)
            assert meta.get(key) == (None if declared is None else tuple(declared)), (name, key)


def test_a_plugin_model_class_narrows_the_listing_without_registering_its_support():
    import types

    from qbench.models.kernel import QuantumKernelClassifier
    from qbench.plugin import manager as plugins
    from qbench.plugin.hookspecs import hookimpl
    from qbench.plugin.model_listing import model_rows

    class NumpyShotsOnly(QuantumKernelClassifier):
        supported_backends = ("numpy",)
        supported_modes = ("shots",)

    mod = types.ModuleType("plugin_numpy_shots_only")
    mod.qbench_register_models = hookimpl(lambda register: register("numpy_shots_only", NumpyShotsOnly,
                                                                     task="kernel"))
    with plugins.registered(mod):
        rows = {row.name: row for row in model_rows()}
    assert rows["numpy_shots_only"].backends == (("numpy", ("shots",)),)
    assert len(rows["kernel"].backends) > 1
