"""The runner's metrics agree with scikit-learn's on binary and multiclass labels, with ties and odd labels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from qbench.run import metrics as M
@pytest.mark.parametrize("labels", [np.array([0, 1]), np.array([-1, 1]), np.array(["no", "yes"]), np.array([3, 5, 7])])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_scikit_learn(labels, seed):
    rng = np.random.default_rng(seed)
    n = 57
    y_true = labels[rng.integers(0, len(labels), n)]
    y_pred = np.where(rng.random(n) < 0.7, y_true, labels[rng.integers(0, len(labels), n)])
    classes = np.unique(y_true)
    assert M.accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert M.balanced_accuracy(y_true, y_pred) == pytest.approx(skm.balanced_accuracy_score(y_true, y_pred))
    if len(labels) == 2:
        assert M.f1(y_true, y_pred, classes) == pytest.approx(skm.f1_score(y_true, y_pred, pos_label=classes[1]))
        scores = np.round(rng.normal(size=n) + (y_true == classes[1]), 1)  # rounded: many ties
        assert M.roc_auc(y_true, scores, classes) == pytest.approx(skm.roc_auc_score(y_true, scores))
    else:
        assert M.f1(y_true, y_pred, classes) == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
        proba = rng.dirichlet(np.ones(len(labels)), n)
        assert M.roc_auc(y_true, proba, classes) == pytest.approx(
            skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=classes))


def test_degenerate_cases():
    assert M.f1(np.array([0, 0]), np.array([0, 0]), np.array([0, 1])) == 0.0  # no positives anywhere
    assert M.balanced_accuracy(np.array([1, 1, 0]), np.array([1, 0, 0])) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        M.binary_auc(np.array([True, True]), np.array([0.1, 0.2]))
