import numpy as np
import pytest

from qbench.errors import DataError
from qbench.models.preprocessing import make_preprocessor, resolve_width


def test_scaling_is_fitted_on_training_data_only(rng):
    train = rng.normal(size=(50, 3))
    test = rng.normal(size=(10, 3)) + 10.0
    pre = make_preprocessor(None, (0.0, np.pi)).fit(train)
    assert np.isclose(pre.transform(train).min(), 0.0) and np.isclose(pre.transform(train).max(), np.pi)
    assert pre.transform(test).min() > np.pi  # test statistics never leak into the fit


def test_pca_reduces_to_the_qubit_count(rng):
    pre = make_preprocessor(2).fit(rng.normal(size=(30, 6)))
    assert pre.transform(rng.normal(size=(4, 6))).shape == (4, 2)


def test_width_rules():
    assert resolve_width(4, 100, None, None) == 4
    assert resolve_width(10, 100, 3, "pca") == 3
    with pytest.raises(DataError, match="10 features but the model has 3 qubits"):
        resolve_width(10, 100, 3, None)
    with pytest.raises(DataError, match="PCA cannot give"):
        resolve_width(4, 100, 6, "pca")
    with pytest.raises(DataError, match="reduction must be"):
        resolve_width(4, 100, 2, "tsne")
