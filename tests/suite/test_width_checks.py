"""One width check for every model: ``check_width(n_features)``, asked once per kept job at suite expansion."""

from __future__ import annotations

import pytest

from qbench.plugin.manager import baseline_entry, host, model_entry
from qbench.suite.jobs import expand
from qbench.suite.parse import load_suite
from qbench.suite.schema import SuiteError

SUITE = """
[suite]
name = "widths"
backends = ["numpy"]
modes = ["exact"]
cv = 2

[[datasets]]
name = "linearly_separable"
n_samples = 20
{dataset}

[[models]]
name = "{name}"
kind = "{kind}"
params = {{ max_{steps} = 1 }}
{extra}
"""


def _suite(tmp_path, kind="tree_tensor", name="tree", dataset="n_features = 4", steps="steps", extra=""):
    path = tmp_path / "widths.toml"
    path.write_text(SUITE.format(kind=kind, name=name, dataset=dataset, steps=steps, extra=extra))
    return path


def test_every_model_and_baseline_uses_the_one_hook_name():
    regs = host.registries()
    models = {n: model_entry(n).obj for n in regs["model"].names()}
    baselines = {n: baseline_entry(n).obj for n in regs["baseline"].names()}
    assert not [o for o in [*models.values(), *baselines.values()] if hasattr(o, "check_n_features")]
    assert {"tree_tensor", "weinet", "quanvolutional"} <= {n for n, o in models.items() if hasattr(o, "check_width")}
    assert hasattr(baselines["cnn"], "check_width")


def test_an_excluded_job_is_not_width_checked(tmp_path):
    """The tree tensor refuses 3 PCA qubits, but a [[exclude]] rule that drops its jobs keeps the suite valid."""
    dataset = 'n_features = 4\nreduction = "pca"\nn_qubits = 3'
    with pytest.raises(SuiteError, match="power of two of qubits, got n_qubits=3"):
        expand(load_suite(_suite(tmp_path, dataset=dataset)))
    extra = '[[exclude]]\nmodel = "tree"\ndataset = "linearly_separable"\n[[models]]\nname = "other"\nkind = "qnn"'
    jobs = expand(load_suite(_suite(tmp_path, dataset=dataset, extra=extra)))
    assert {j.model for j in jobs} == {"other"}


@pytest.mark.parametrize("kind, name, steps, dataset, fragment", [
    ("baseline\"\nbaseline = \"cnn", "cnn", "iter", 'n_features = 9\nreduction = "pca"\nn_qubits = 5',
     "with 9 features: image models take flattened square images"),
    ("weinet", "w", "iter", 'n_features = 16\nreduction = "pca"\nn_qubits = 9', "reduction"),
    ("weinet", "w", "iter", "n_features = 4", "side >= 3"),
    # the quantum filter must fit the image (its estimator's parameters are asked, not only the width)
    ("quanvolutional", "q", "iter = 1, qkernel_shape = 5, n_qchannels", "n_features = 16",
     "qkernel_shape must be between 1 and the image side 4, got 5"),
    ("quanvolutional", "q", "iter = 1, qkernel_shape = 2, n_qchannels", 'n_features = 16\nreduction = "pca"\nn_qubits = 9',
     "qkernel_shape\\*\\*2 = 4 qubits; n_qubits is 9"),
])
def test_image_models_refuse_bad_widths_at_expansion(tmp_path, kind, name, steps, dataset, fragment):
    with pytest.raises(SuiteError, match=fragment) as info:
        expand(load_suite(_suite(tmp_path, kind=kind, name=name, dataset=dataset, steps=steps)))
    assert "\n" not in str(info.value) and f"model {name!r}" in str(info.value)


def test_bad_width_exits_2_before_the_store_is_written(cli, tmp_path):
    dataset = 'n_features = 9\nreduction = "pca"\nn_qubits = 5'
    path = _suite(tmp_path, kind="baseline\"\nbaseline = \"cnn", name="cnn", dataset=dataset, steps="iter")
    code, out, err = cli("run", path, "--db", tmp_path / "store.db")
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "image models take flattened square images" in err
    assert not (tmp_path / "store.db").exists()


def test_a_data_set_at_its_natural_width_is_checked_too(tmp_path):
    """breast_cancer has 30 features (no n_features in the suite): not a square image, refused before running."""
    path = _suite(tmp_path, kind="weinet", name="w", steps="iter", dataset="")
    path.write_text(path.read_text().replace('name = "linearly_separable"', 'name = "breast_cancer"'))
    with pytest.raises(SuiteError, match="model 'w' on breast_cancer with 30 features: .*not a square"):
        expand(load_suite(path))
