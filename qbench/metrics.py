"""Scores of a fitted classifier on the test split (and accuracy on the training split).

Binary problems: F1 of the positive (second) class and ROC AUC from the decision
function (or the positive-class probability).  More classes: macro F1 and one-vs-rest
ROC AUC from probabilities when the model has them.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, roc_auc_score


def _scores(model, X: np.ndarray, n_classes: int) -> np.ndarray | None:
    """Continuous scores for ROC AUC, or ``None`` when the model gives none."""
    if n_classes == 2:
        if hasattr(model, "decision_function"):
            try:
                return np.asarray(model.decision_function(X)).reshape(-1)
            except (AttributeError, NotImplementedError):
                pass
        if hasattr(model, "predict_proba"):
            return np.asarray(model.predict_proba(X))[:, 1]
        return None
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X))
    return None


def evaluate_model(model, X_train, y_train, X_test, y_test) -> dict:
    """Test metrics, train accuracy and the seconds spent predicting the test split."""
    classes = np.unique(np.concatenate([np.asarray(y_train), np.asarray(y_test)]))
    t0 = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_time = time.perf_counter() - t0
    binary = len(classes) == 2
    out = {
        "test_accuracy": float(accuracy_score(y_test, y_pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_test, y_pred)),
        "f1": float(f1_score(y_test, y_pred, pos_label=classes[1], average="binary") if binary
                    else f1_score(y_test, y_pred, average="macro")),
        "predict_time": predict_time,
        "roc_auc": None,
    }
    try:
        scores = _scores(model, X_test, len(classes))
        if scores is not None and len(np.unique(y_test)) == len(classes):
            out["roc_auc"] = float(roc_auc_score(y_test, scores) if binary
                                   else roc_auc_score(y_test, scores, multi_class="ovr", labels=classes))
    except ValueError:
        out["roc_auc"] = None
    out["train_accuracy"] = float(accuracy_score(y_train, model.predict(X_train)))
    return out
