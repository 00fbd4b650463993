"""Fourier surrogate baseline: its frequencies are exactly those a re-uploading QNN can produce."""

import numpy as np
import pytest

from qbench.errors import QBenchError
from qbench.models.baselines import make_baseline
from qbench.models.qnn import QNNClassifier
from qbench.models.surrogate import FourierSurrogateClassifier, encoding_frequencies, fourier_features, frequency_vectors
from qbench.plugin.manager import baseline_entry, open_backend, make_observable


def qnn_outputs(reuploads: int, X: np.ndarray) -> tuple[np.ndarray, object]:
    model = QNNClassifier(feature_map="angle", ansatz="hardware_efficient", ansatz_params={"layers": 1},
                          reuploads=reuploads, observable="parity")
    fm = model._feature_map()
    circuit = model._build_circuit(fm, X.shape[1])
    w = np.random.default_rng(2).uniform(-np.pi, np.pi, circuit.n_weights)
    f = open_backend("numpy").expval(circuit, fm.angles(X), w, make_observable("parity", X.shape[1]))
    return f, circuit


@pytest.mark.parametrize("reuploads", [1, 2])
def test_surrogate_features_span_the_qnn_function(reuploads):
    X = np.random.default_rng(0).uniform(0, np.pi, (200, 2))
    f, circuit = qnn_outputs(reuploads, X)
    assert list(encoding_frequencies(circuit)) == [reuploads, reuploads]

    def residual(L):
        A = np.hstack([np.ones((len(X), 1)), fourier_features(X, frequency_vectors(2, L, None))])
        coef = np.linalg.lstsq(A, f, rcond=None)[0]
        return np.max(np.abs(A @ coef - f))

    assert residual(reuploads) < 1e-8  # the QNN is exactly a linear model on these features
    if reuploads > 1:
        assert residual(reuploads - 1) > 1e-3  # and needs all of them


def test_frequency_vectors_half_space_and_sampling():
    w = frequency_vectors(2, 1, None)
    assert len(w) == 4 and not any((-v == w).all(axis=1).any() for v in w)
    sub = frequency_vectors(3, 2, 10, random_state=0)
    assert sub.shape == (10, 3) and len({tuple(v) for v in sub}) == 10
    big = frequency_vectors(12, 3, 50, random_state=0)
    assert big.shape == (50, 12)
    with pytest.raises(QBenchError):
        frequency_vectors(2, 0, None)


def test_registered_baseline_fits_behind_the_shared_preprocessing():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = (np.sin(2 * X[:, 0]) > 0).astype(int)
    assert baseline_entry("fourier_surrogate").name == "fourier_surrogate"
    model = make_baseline("fourier_surrogate", random_state=0, cv=3, max_frequency=2).fit(X, y)
    assert model.score(X, y) > 0.8
    assert isinstance(model.steps[-1][1].best_estimator_, FourierSurrogateClassifier)
