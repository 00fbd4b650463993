"""The estimator a job names, and its hyperparameter search by stratified k-fold CV on the training split.

Quantum estimators get the job's backend, mode, shots, seed and the data set's
preprocessing; classical baselines get the same preprocessing through
:func:`qbench.models.baselines.make_baseline` and the same CV folds (``StratifiedKFold`` with
the job's seed), so every model of a data set sees the same splits.
"""

from __future__ import annotations

import time

from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from qbench.models.kinds import estimator_class
from qbench.suite.jobs import Job


def build_estimator(job: Job):
    """An unfitted scikit-learn classifier for the job (baselines include their own search)."""
    pre = job.preprocess
    if job.kind == "baseline":
        from qbench.models.baselines import make_baseline

        return make_baseline(job.baseline, n_qubits=pre["n_qubits"], reduction=pre["reduction"],
                             scaling=pre["scaling"], random_state=job.seed, cv=job.cv,
                             **job.model_params, **job.grid)
    cls = estimator_class(job.kind)
    return cls(**job.model_params, n_qubits=pre["n_qubits"], reduction=pre["reduction"], scaling=pre["scaling"],
               backend=job.backend, mode=job.mode, shots=job.shots, backend_options=dict(job.backend_options),
               random_state=job.seed)


def folds(job: Job) -> StratifiedKFold:
    return StratifiedKFold(n_splits=job.cv, shuffle=True, random_state=job.seed)


class UsageMeter:
    """Adds up the backend usage and kernel time of every model fitted during a search (CV fits and refit)."""

    def __init__(self) -> None:
        self.circuit_executions = 0
        self.shots = 0
        self.circuit_time = 0.0
        self.kernel_time = 0.0
        self.fits = 0

    def add(self, model) -> None:
        backend = getattr(model, "backend_", None)
        if backend is not None:
            self.circuit_executions += backend.usage.circuit_executions
            self.shots += backend.usage.shots
            self.circuit_time += backend.usage.circuit_time
        self.kernel_time += float(getattr(model, "kernel_time_", 0.0) or 0.0)
        self.fits += 1

    def scorer(self, model, X, y) -> float:
        """Accuracy on a validation fold; records the fold model's usage (it is discarded afterwards)."""
        score = float((model.predict(X) == y).mean())
        self.add(model)
        return score


def find_search(model) -> GridSearchCV | None:
    """The GridSearchCV inside a model (itself, or the last step of a pipeline), if any."""
    if isinstance(model, GridSearchCV):
        return model
    if isinstance(model, Pipeline):
        return find_search(model.steps[-1][1])
    return None


def fit(job: Job, X_train, y_train, meter: UsageMeter) -> tuple[object, dict]:
    """Fit the job's model (with its grid search) on the training split; returns the final model and fit facts."""
    model = build_estimator(job)
    if job.kind != "baseline" and job.grid:
        model = GridSearchCV(model, job.grid, cv=folds(job), scoring=meter.scorer, refit=True, error_score="raise")
    t0 = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - t0
    search = find_search(model)
    info = {"fit_time": fit_time, "refit_time": fit_time, "best_params": None, "cv_score": None, "cv_results": None}
    if search is not None:
        info["best_params"] = _plain(search.best_params_)
        info["cv_score"] = float(search.best_score_)
        info["refit_time"] = float(getattr(search, "refit_time_", fit_time))
        res = search.cv_results_
        info["cv_results"] = [{"params": _plain(p), "mean": float(m), "std": float(s)}
                              for p, m, s in zip(res["params"], res["mean_test_score"], res["std_test_score"])][:64]
    final = search.best_estimator_ if (search is not None and search is model) else model
    return final, info


def _plain(value):
    """JSON-friendly copy (tuples to lists, numpy scalars to Python)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
