"""Scores of a fitted classifier on the test split (and accuracy on the training split).

Binary problems: F1 of the positive (second) class and ROC AUC from the decision
function (or the positive-class probability).  More classes: macro F1 and one-vs-rest
macro ROC AUC from probabilities when the model has them.

The formulas are scikit-learn's (``accuracy_score``, ``balanced_accuracy_score``,
``f1_score``, ``roc_auc_score``, zero division scored as 0), computed directly with NumPy:
scikit-learn's input validation costs ~10 ms a call, which on small jobs would be most of
the runner's overhead.  ``tests/runner/test_runner_metrics.py`` checks they agree.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.stats import rankdata


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def balanced_accuracy(y_true, y_pred) -> float:
    """Mean recall over the classes present in ``y_true``."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in np.unique(y_true)]))


def _f1(y_true, y_pred, label) -> float:
    tp = np.sum((y_pred == label) & (y_true == label))
    fp = np.sum((y_pred == label) & (y_true != label))
    fn = np.sum((y_pred != label) & (y_true == label))
    denom = 2 * tp + fp + fn
    return float(2 * tp / denom) if denom else 0.0


def f1(y_true, y_pred, classes) -> float:
    """F1 of ``classes[1]`` for two classes, else the macro average over the labels seen."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(classes) == 2:
        return _f1(y_true, y_pred, classes[1])
    labels = np.union1d(y_true, y_pred)
    return float(np.mean([_f1(y_true, y_pred, c) for c in labels]))


def binary_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count one half), equal to the trapezoidal ROC area."""
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both classes in y_true")
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_auc(y_true, scores, classes) -> float:
    y_true = np.asarray(y_true)
    if len(classes) == 2:
        return binary_auc(y_true == classes[1], np.asarray(scores).reshape(-1))
    scores = np.asarray(scores)
    return float(np.mean([binary_auc(y_true == c, scores[:, i]) for i, c in enumerate(classes)]))


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
    """Test metrics, train accuracy, the seconds spent predicting the test split, and in scoring beyond that."""
    classes = np.unique(np.concatenate([np.asarray(y_train), np.asarray(y_test)]))
    t0 = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_time = time.perf_counter() - t0
    out = {
        "test_accuracy": accuracy(y_test, y_pred),
        "balanced_accuracy": balanced_accuracy(y_test, y_pred),
        "f1": f1(y_test, y_pred, classes),
        "predict_time": predict_time,
        "roc_auc": None,
    }
    t1 = time.perf_counter()
    scores = _scores(model, X_test, len(classes))
    if scores is not None and len(np.unique(y_test)) == len(classes):
        out["roc_auc"] = roc_auc(y_test, scores, classes)
    out["train_accuracy"] = accuracy(y_train, model.predict(X_train))
    out["scoring_time"] = time.perf_counter() - t1
    return out


def time_split(kind: str, circuit_time: float, fit_time: float, scores: dict, total_time: float) -> dict:
    """A job's seconds split three ways: ``quantum_time`` inside the backend (kernel, forward and gradient
    evaluations), ``classical_time`` in the rest of fit and predict (SVM fits, optimiser, hyperparameter search,
    calibration), ``overhead_time`` in the harness outside fit and predict (data, artifacts, bookkeeping).

    The three add up to ``total_time``; a baseline spends no quantum time.
    """
    fit_predict = fit_time + scores["predict_time"] + scores["scoring_time"]
    quantum = 0.0 if kind == "baseline" else min(float(circuit_time), fit_predict)
    return {"quantum_time": quantum, "classical_time": fit_predict - quantum,
            "overhead_time": max(total_time - fit_predict, 0.0)}
