"""Nyström quantum kernels: with every training sample a landmark they reproduce the exact kernel model."""

import numpy as np
import pytest
from distributed import Client, LocalCluster
from sklearn.datasets import make_moons

from qbench.errors import DataError
from qbench.models.kernel import QuantumKernelClassifier


@pytest.fixture
def moons():
    X, y = make_moons(40, noise=0.2, random_state=0)
    Xt, _ = make_moons(30, noise=0.2, random_state=1)
    return X, y, Xt


def test_all_landmarks_give_the_exact_gram_and_model(moons):
    X, y, Xt = moons
    exact = QuantumKernelClassifier(n_qubits=2, cache=False).fit(X, y)
    ny = QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=len(X), cache=False).fit(X, y)
    feats = ny.nystroem_.transform(ny.train_angles_)
    assert np.max(np.abs(feats @ feats.T - exact.train_kernel_)) <= 1e-12
    test_feats = ny._features(Xt)
    assert np.max(np.abs(test_feats @ feats.T - exact._test_kernel(Xt))) <= 1e-12
    assert np.array_equal(ny.predict(Xt), exact.predict(Xt))
    # liblinear regularises the intercept a little, libsvm does not: the decision values agree closely, not exactly
    assert np.max(np.abs(ny.decision_function(Xt) - exact.decision_function(Xt))) < 0.02


def test_fewer_landmarks_stream_in_blocks(moons):
    X, y, Xt = moons
    a = QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=8, random_state=0,
                                approximation_options={"block_rows": 7}).fit(X, y)
    b = QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=8, random_state=0).fit(X, y)
    assert len(a.landmarks_) == 8 and a.nystroem_.rank_ <= 8
    assert np.allclose(a.decision_function(Xt), b.decision_function(Xt), atol=1e-10)
    assert a.predict_proba(Xt).shape == (len(Xt), 2)


def test_nystroem_on_dask_equals_local(moons):
    X, y, Xt = moons
    local = QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=10, random_state=0).fit(X, y)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            est = QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=10, random_state=0,
                                          approximation_options={"client": client, "block_rows": 9})
            remote = est.fit(X, y).decision_function(Xt)
    assert np.allclose(remote, local.decision_function(Xt), atol=1e-10)


def test_bad_approximation_is_a_clear_error(moons):
    X, y, _ = moons
    with pytest.raises(DataError, match="The 'approximation' parameter of QuantumKernelClassifier must be a str among "
                                        r"\{'nystroem'\} or None\. Got 'rff' instead"):
        QuantumKernelClassifier(n_qubits=2, approximation="rff").fit(X, y)
    with pytest.raises(DataError, match=r"The 'n_components' parameter of QuantumKernelClassifier must be an int in the "
                                        r"range \[1, inf\)\. Got 0 instead"):
        QuantumKernelClassifier(n_qubits=2, approximation="nystroem", n_components=0).fit(X, y)
    with pytest.raises(DataError, match="unknown approximation_options"):
        QuantumKernelClassifier(n_qubits=2, approximation="nystroem", approximation_options={"tiles": 3}).fit(X, y)
