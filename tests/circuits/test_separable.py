"""Separable ablations: ``entangling = false`` removes exactly the two-qubit gates of a template."""

import numpy as np
import pytest

from qbench.circuits.ansatze import HardwareEfficientAnsatz, StronglyEntanglingAnsatz
from qbench.circuits.feature_maps import IQPFeatureMap, ZZFeatureMap
from qbench.errors import QBenchError
from qbench.plugin.manager import make_template, open_backend

TEMPLATES = [ZZFeatureMap(reps=2, entanglement="full"), IQPFeatureMap(repeats=2),
             HardwareEfficientAnsatz(layers=2, entangler="cz"), StronglyEntanglingAnsatz(layers=2)]


@pytest.mark.parametrize("template", TEMPLATES, ids=repr)
def test_separable_variant_drops_only_two_qubit_gates(template):
    full = template.circuit(3)
    sep = type(template)(**{**template.__dict__, "entangling": False}).circuit(3)
    assert full.two_qubit_gates > 0 and sep.two_qubit_gates == 0
    one_qubit = [g for g in full.gates if len(g.wires) == 1]
    if isinstance(template, ZZFeatureMap):  # the ZZ block CNOT P CNOT is one two-qubit interaction: all of it goes
        one_qubit = [g for g in one_qubit if not (g.name == "P" and g.angle.index >= 3)]
    assert list(sep.gates) == one_qubit


@pytest.mark.parametrize("fm", [ZZFeatureMap(reps=1, entangling=False), IQPFeatureMap(entangling=False)], ids=repr)
def test_separable_feature_map_state_is_a_product(fm):
    X = np.random.default_rng(0).uniform(0, np.pi, (4, 3))
    states = open_backend("numpy").states(fm.circuit(3), fm.angles(X))
    assert fm.angles(X).shape == (4, 3)
    for psi in states:  # a product state has Schmidt rank 1 across every cut
        for cut in (2, 4):
            s = np.linalg.svd(psi.reshape(cut, -1), compute_uv=False)
            assert np.sum(s > 1e-9) == 1


def test_flag_on_a_template_without_two_qubit_gates_is_one_line():
    with pytest.raises(QBenchError, match="no two-qubit gates"):
        make_template("feature_map", "angle", entangling=False)
    with pytest.raises(QBenchError, match="entangling must be true or false"):
        make_template("feature_map", "iqp", entangling="no")
