"""Running one job in the current process: data, split, model search and fit, metrics, artifacts.

This is what a worker process executes.  It returns the job's result fields (a subset
of the store's columns) and writes no row itself (a hardware backend's remote job ids go to
the journal the worker installs, :mod:`qbench.run.journal`).  A backend that cannot run
here (framework not installed, mode or task not supported, too many qubits) gives a
``skipped`` result with the reason; any exception propagates to the worker, which
records it as a failure.
"""

from __future__ import annotations

import time

from qbench.plugin import manager as P
from qbench.run.artifacts import bound, model_artifacts
from qbench.datasets import load_dataset, split
from qbench.errors import QBenchError
from qbench.models.kinds import circuit_qubits
from qbench.plugin.suite_modules import register_plugin_modules
from qbench.suite.jobs import Job
from qbench.run.metrics import evaluate_model, time_split
from qbench.run.fit import UsageMeter, fit


def unsupported(job: Job, n_qubits: int | None = None) -> tuple[str, str] | None:
    """``(kind, reason)`` when the job's backend cannot run it here: ``Unavailable`` or ``Unsupported``."""
    why = _unsupported(job, n_qubits)
    if why is None or isinstance(why, tuple):
        return why
    return "Unsupported", why


def _unsupported(job: Job, n_qubits: int | None):
    if job.kind == "baseline":
        return None
    if job.skip_reason:
        return "Unavailable", job.skip_reason
    try:
        spec = P.backend_spec(job.backend)
    except QBenchError as exc:
        return "Unavailable", str(exc)
    if not spec.available:
        return "Unavailable", (f"{spec.framework} is not installed (missing {', '.join(spec.missing)}); "
                               f"install with: {spec.install_hint}")
    if why := _model_refuses(job):
        return why
    caps = spec.load().capabilities
    task = "kernel" if job.kind == "kernel" else "qnn"
    if task not in caps.tasks:
        return f"backend {job.backend!r} does not implement the {task} task"
    if job.mode not in caps.modes:
        return f"backend {job.backend!r} does not support mode {job.mode!r} (it supports: {', '.join(caps.modes)})"
    gradient = job.model_params.get("gradient")
    if job.kind == "qnn" and gradient and gradient not in caps.gradient_methods:
        return f"backend {job.backend!r} does not support gradient method {gradient!r}"
    if n_qubits is not None and n_qubits > caps.max_qubits:
        return f"backend {job.backend!r} supports at most {caps.max_qubits} qubits; the job needs {n_qubits}"
    return None


def _model_refuses(job: Job) -> str | None:
    """Why the job's model cannot run on its backend or mode, when the model declares
    ``supported_backends`` / ``supported_modes`` (a classical simulation such as the Boltzmann machines'):
    read by :func:`~qbench.plugin.model_listing.model_support`, as ``qbench models`` reads them."""
    from qbench.plugin.manager import model_entry
    from qbench.plugin.model_listing import model_support

    try:
        backends, modes = model_support(model_entry(job.kind))
    except QBenchError:
        return None
    if backends is not None and job.backend not in backends:
        return f"model {job.kind!r} runs on backend {'/'.join(backends)} only (it computes its states classically)"
    if modes is not None and job.mode not in modes:
        return f"model {job.kind!r} runs in mode {'/'.join(modes)} only"
    return None


def _skipped(skip: tuple[str, str], t_start: float) -> dict:
    kind, reason = skip
    return {"status": "skipped", "error_type": kind, "error_message": reason, "artifacts": {"skip_reason": reason},
            "total_time": time.perf_counter() - t_start}


def load_job_data(job: Job):
    """The job's data set: ``(X, y)``, generated with the job's data seed (its seed unless the suite fixes one)."""
    data_seed = job.seed if job.data_seed is None else job.data_seed
    return load_dataset(job.dataset, n_samples=job.n_samples, n_features=job.n_features, seed=data_seed,
                        **job.dataset_params)


def prepare(job: Job):
    """The job's stratified, seeded split: ``X_train, X_test, y_train, y_test``."""
    X, y = load_job_data(job)
    return split(X, y, test_size=job.test_size, seed=job.seed)


def evaluate(job: Job) -> dict:
    """The job's result fields: status, metrics, timings, cost and artifacts."""
    t_start = time.perf_counter()
    register_plugin_modules(list(job.plugins))
    if skip := unsupported(job):
        return _skipped(skip, t_start)
    t_data = time.perf_counter()
    X, y = load_job_data(job)
    pre = job.preprocess
    n_qubits = pre.get("n_qubits") or X.shape[1]
    circuit = circuit_qubits(job.kind, n_qubits, params=job.model_params, grid=job.grid, n_qubits=pre.get("n_qubits"),
                             reduction=pre.get("reduction"), scaling=pre.get("scaling"))
    if skip := unsupported(job, circuit):
        return _skipped(skip, t_start)
    X_train, X_test, y_train, y_test = split(X, y, test_size=job.test_size, seed=job.seed)
    data_time = time.perf_counter() - t_data

    cache = None
    if job.kind == "kernel":
        from qbench.models.kernel_cache import default_cache as cache

        cache.clear()  # one job's Gram matrices are never reused by another job
    meter = UsageMeter()
    model, info = fit(job, X_train, y_train, meter)
    scores = evaluate_model(model, X_train, y_train, X_test, y_test)
    meter.add(model)

    artifacts = model_artifacts(model, y_train, X_train)
    if info["cv_results"]:
        artifacts["cv_results"] = info["cv_results"]
    if cache is not None:
        stats = cache.stats()
        artifacts["kernel_cache"] = {"gram_computations": stats["computations"], "hits": stats["hits"]}
        cache.clear()
    artifacts["fits"] = meter.fits
    # seconds spent on the data and on the extra predictions scoring needs (ROC AUC, train accuracy)
    artifacts["timings"] = {"data": data_time, "scoring": scores["scoring_time"]}
    artifacts = bound(artifacts)
    total_time = time.perf_counter() - t_start
    return {
        "status": "done",
        **{k: scores[k] for k in ("test_accuracy", "balanced_accuracy", "f1", "roc_auc", "train_accuracy")},
        "best_params": info["best_params"],
        "cv_score": info["cv_score"],
        "fit_time": info["fit_time"],
        "refit_time": info["refit_time"],
        "predict_time": scores["predict_time"],
        "kernel_time": meter.kernel_time if job.kind == "kernel" else None,
        "circuit_time": meter.circuit_time if job.kind != "baseline" else None,
        "circuit_executions": meter.circuit_executions if job.kind != "baseline" else None,
        "shots_used": meter.shots if job.kind != "baseline" else None,
        "n_qubits": artifacts.get("n_qubits", n_qubits if job.kind != "baseline" else None),
        "n_train": int(len(y_train)),
        "n_test": int(len(y_test)),
        "artifacts": artifacts,
        "total_time": total_time,
        **time_split(job.kind, meter.circuit_time, info["fit_time"], scores, total_time),
    }


__all__ = ["evaluate", "unsupported", "prepare", "load_job_data"]
