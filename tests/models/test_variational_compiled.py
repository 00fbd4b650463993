"""The variational zoo's compiled training (numpy backend, dense sweeps) trains the model the step-by-step loop trains."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from qbench.models.kinds import estimator_class
from qbench.models.variational import compiled
from qbench.plugin.manager import open_backend
from tests.models.test_zoo_variational import TINY, _easy

COMPILED = sorted(kind for kind in TINY if estimator_class(kind).compiled_head)


def _pair(kind, X, y, **kw):
    """The same model fitted compiled and step by step (the head switched off on the second)."""
    params = {**TINY[kind], "convergence_interval": None, "learning_rate": 0.01, "max_steps": 30, "random_state": 3,
              **kw}
    fast, slow = estimator_class(kind)(**params), estimator_class(kind)(**params)
    slow.compiled_head = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fast.fit(X, y), slow.fit(X, y)


def test_every_model_has_a_head_and_every_head_a_model():
    assert {estimator_class(k).compiled_head for k in COMPILED} == set(compiled.HEADS)
    assert COMPILED == sorted(TINY)


@pytest.mark.parametrize("kind", COMPILED)
@pytest.mark.parametrize("width", [2, 3])
def test_compiled_training_gives_the_step_by_step_model(kind, width):
    X, y = _easy(48)
    if width == 3:
        X = np.column_stack([X, np.random.RandomState(1).uniform(size=len(X))])
    fast, slow = _pair(kind, X, y)
    assert fast.n_iter_ == slow.n_iter_ == 30
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(fast.params_, slow.params_, rtol=1e-8, atol=1e-9)
    assert fast.backend_.usage.circuit_executions == slow.backend_.usage.circuit_executions == 30 * 32
    np.testing.assert_allclose(fast.predict_proba(X), slow.predict_proba(X), atol=1e-9)


@pytest.mark.parametrize("kind", ["tree_tensor", "vanilla_qnn"])
def test_the_stop_rule_ends_both_at_the_same_step(kind):
    X, y = _easy(48)
    fast, slow = _pair(kind, X, y, learning_rate=0.1, max_steps=3000, convergence_interval=10)
    assert fast.converged_ and slow.converged_
    assert fast.n_iter_ == slow.n_iter_ < 3000


@pytest.mark.parametrize("kind", COMPILED)
def test_each_head_is_its_models_angle_map_and_loss(kind):
    """Loss, d loss / d values and d loss / d c of the compiled head against the model's ``_loss`` (and, for the
    dressed head, its angles and their VJP), at random parameters."""
    X, y = _easy(16)
    model = _pair(kind, X, y, max_steps=1)[1]
    rng = np.random.RandomState(0)
    layout, n_w = model.layout_, model.layout_.circuit.n_weights
    c = rng.normal(size=len(model.params_) - n_w)
    F = rng.uniform(-1, 1, size=(16, len(layout.observables)))
    t = (y[:16] == model.classes_[1]).astype(float)
    loss, dF, dc = model._loss(c, F, t)
    got_dF, got_dc = np.empty_like(F), np.empty_like(c)
    got = compiled.head_loss(compiled.HEADS[type(model).compiled_head], c, F, t, got_dF, got_dc)
    assert got == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(got_dF, dF, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_dc, dc, rtol=1e-12, atol=1e-15)
    if type(model).compiled_head == "dressed":
        feats = rng.normal(size=(16, layout.circuit.n_data))
        angles, tanh = np.empty_like(feats), np.empty_like(feats)
        compiled.dressed_angles(c, feats, angles, tanh)
        np.testing.assert_allclose(angles, model._angles(c, feats), rtol=1e-12)


def test_only_the_exact_adjoint_dense_path_hands_out_its_sweeps():
    from qbench.circuits.observables import z_observable
    from qbench.circuits.variational import dressed_circuit

    circuit, obs = dressed_circuit(2, 1, entangling=True), (z_observable(2, 0),)
    exact = open_backend("numpy", mode="exact")
    assert exact.dense_training(circuit, obs, 32) is not None
    assert open_backend("numpy", mode="exact", gradient="parameter-shift").dense_training(circuit, obs, 32) is None
    assert open_backend("numpy", mode="shots", shots=100).dense_training(circuit, obs, 32) is None
    assert exact.dense_training(dressed_circuit(7, 1, entangling=True), (z_observable(7, 0),), 32) is None
