"""asv benchmark classes generated from a qbench suite (``suites/asv.toml`` by default).

Nothing here parses suites or builds models itself: the suite is read by
:func:`qbench.suite.parse.load_suite`, expanded into jobs by :func:`qbench.suite.jobs.expand`, a job's
estimator comes from :func:`qbench.run.fit.build_estimator`, its data and split are the
runner's (:mod:`qbench.run.evaluate`), and whether a backend can run a job here is
:func:`qbench.run.evaluate.unsupported`.  This module only lays each model's jobs out as asv
parameters and writes the benchmark classes:

* ``fit.<model>``: ``time_fit`` and ``peakmem_fit``;
* ``predict.<model>``: ``time_predict`` (the model is fitted in ``setup``, untimed);
* ``quality.<model>``: ``track_test_accuracy``, plus ``track_circuit_executions`` for
  quantum models and ``track_kernel_time`` for kernel models.  One ``setup_cache`` runs
  every job of the suite once per environment with :func:`qbench.run.evaluate.evaluate` (the
  numbers ``qbench run`` stores) and all ``quality`` classes read it.

Parameters are ``backend``, ``dataset`` and ``qubits``, plus ``n_samples``, ``n_features``,
``mode`` (``exact``, ``shots@1024``, ...) and ``seed`` when the suite varies them in a way
the first three do not already tell apart.  A combination that is not one of the suite's
jobs, or whose backend is not installed (or cannot run it), raises ``NotImplementedError``
in ``setup``: asv records it as skipped, not failed.

Time benchmarks time the real operation: the estimator is built with ``cache=False`` and
the process-wide Gram-matrix cache is cleared in ``setup``, so nothing is reused.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from qbench.models import kernel_cache
from qbench.plugin import manager as P
from qbench.run.evaluate import evaluate, load_job_data, prepare, unsupported
from qbench.suite.jobs import Job, canonical_json, expand
from qbench.run.fit import build_estimator, folds
from qbench.models.preprocessing import resolve_width
from qbench.suite.parse import Suite, load_suite

#: The suite the benchmarks are generated from.
SUITE_PATH = Path(__file__).resolve().parent.parent / "asv.toml"
#: Parameter axes in order; the first three are always present.
CORE_AXES = ("backend", "dataset", "qubits")
EXTRA_AXES = ("n_samples", "n_features", "mode", "seed")
#: Result fields the quality benchmarks read from :func:`qbench.run.evaluate.evaluate`.
TRACKED = ("status", "error_message", "test_accuracy", "kernel_time", "circuit_executions")
#: Timing settings of the time benchmarks: one call per sample (a fit is never batched), 3-10
#: samples within 10 s, one round.  ``asv run --quick`` overrides these with a single call.
TIMING = {"number": 1, "repeat": (3, 10, 10.0), "rounds": 1}


@dataclass
class Case:
    """One of the suite's jobs as one asv parameter combination."""

    job: Job
    dataset: str
    qubits: int

    def split(self):
        """``X_train, X_test, y_train, y_test`` exactly as the runner prepares them (:mod:`qbench.run.evaluate`)."""
        return prepare(self.job)

    def skip_reason(self) -> str | None:
        """Why this environment cannot run the job (framework missing, mode unsupported, ...), or ``None``."""
        return unsupported(self.job, self.qubits if self.job.kind != "baseline" else None)

    def estimator(self):
        """A fresh, unfitted estimator for the job that never reads or fills the Gram-matrix cache.

        A grid in the suite is searched exactly as the runner does (``GridSearchCV`` on the
        job's stratified folds), so ``time_fit`` then times the whole search.
        """
        job = self.job
        model = build_estimator(job)
        if job.kind == "kernel":
            model.set_params(cache=False)
        if job.kind != "baseline" and job.grid:
            from sklearn.model_selection import GridSearchCV

            model = GridSearchCV(model, job.grid, cv=folds(job), refit=True, error_score="raise")
        return model


@dataclass
class ModelPlan:
    """One ``[[models]]`` entry: its asv class name, parameters and the case for each combination."""

    name: str
    kind: str
    class_name: str
    param_names: list[str]
    params: list[list]
    cases: dict[tuple, Case]
    config: dict = field(default_factory=dict)

    def case(self, values) -> Case:
        """The case for one parameter combination; ``NotImplementedError`` (asv: skipped) when it cannot run here."""
        values = tuple(values)[-len(self.param_names):]
        case = self.cases.get(values)
        if case is None:
            raise NotImplementedError(f"{self.name}: {dict(zip(self.param_names, values))} is not one of the suite's jobs")
        reason = case.skip_reason()
        if reason:
            raise NotImplementedError(reason)
        return case

    def version(self, *funcs) -> str:
        """asv's benchmark version: the model's configuration and the benchmark's code.

        The axes (backends, qubits, ...) are not part of it, so adding a backend to the
        suite keeps the history of the others; changing the model's hyperparameters, the
        data set's settings or the benchmark code starts a new one.
        """
        text = canonical_json(self.config) + "".join(inspect.getsource(f) for f in funcs)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Plan:
    suite: Suite
    jobs: list[Job]
    models: list[ModelPlan]


# ------------------------------------------------------------------ planning
def _dataset_labels(suite: Suite) -> list[str]:
    names = [ds.name for ds in suite.datasets]
    return [n if names.count(n) == 1 else f"{n}#{i}" for i, n in enumerate(names)]


def _dataset_index(suite: Suite, job: Job) -> int:
    for i, ds in enumerate(suite.datasets):
        if (ds.name == job.dataset and ds.params == job.dataset_params and ds.preprocess == job.preprocess
                and ds.test_size == job.test_size and ds.data_seed == job.data_seed
                and job.n_samples in ds.n_samples and job.n_features in ds.n_features):
            return i
    raise LookupError(f"job {job.label} matches none of the suite's data sets")


def _class_name(name: str, taken: set[str]) -> str:
    """A Python identifier asv will list (it skips names that start with '_')."""
    ident = re.sub(r"\W", "_", name)
    if not ident or not (ident[0].isalpha()):
        ident = "m_" + ident.lstrip("_")
    out, i = ident, 2
    while out in taken:
        out, i = f"{ident}_{i}", i + 1
    taken.add(out)
    return out


def _axes(keys: list[dict]) -> list[str]:
    """The core axes plus the extra axes needed to tell the model's jobs apart."""
    axes = list(CORE_AXES) + list(EXTRA_AXES)
    for axis in EXTRA_AXES:
        trial = [a for a in axes if a != axis]
        if len({tuple(k[a] for a in trial) for k in keys}) == len(keys):
            axes = trial
    return axes


def plan(path: str | Path = SUITE_PATH) -> Plan:
    """Read a suite and lay out each model's jobs as asv parameters."""
    suite = load_suite(path)
    jobs = expand(suite)
    labels = _dataset_labels(suite)
    widths: dict[str, int] = {}
    rows: dict[str, list[tuple[dict, Job]]] = {m.name: [] for m in suite.models}
    for job in jobs:
        data_seed = job.seed if job.data_seed is None else job.data_seed
        data_key = canonical_json([job.dataset, job.n_samples, job.n_features, data_seed, job.dataset_params,
                                   job.preprocess])
        if data_key not in widths:
            X, _ = load_job_data(job)
            widths[data_key] = resolve_width(X.shape[1], X.shape[0], job.preprocess.get("n_qubits"),
                                             job.preprocess.get("reduction"))
        key = {"backend": job.backend, "dataset": labels[_dataset_index(suite, job)], "qubits": widths[data_key],
               "n_samples": job.n_samples, "n_features": job.n_features,
               "mode": job.mode + (f"@{job.shots}" if job.shots else ""), "seed": job.seed}
        rows[job.model].append((key, job))

    taken: set[str] = set()
    models = []
    for spec in suite.models:
        model_rows = rows[spec.name]
        if not model_rows:  # every job of the model excluded
            continue
        axes = _axes([k for k, _ in model_rows])
        params = []
        for axis in axes:
            values = [k[axis] for k, _ in model_rows]
            ordered = list(dict.fromkeys(values))
            params.append(sorted(ordered) if axis == "qubits" else ordered)
        cases = {tuple(k[a] for a in axes): Case(job, k["dataset"], k["qubits"]) for k, job in model_rows}
        config = {"model": {"name": spec.name, "kind": spec.kind, "baseline": spec.baseline, "params": spec.params,
                            "grid": spec.grid},
                  "cv": suite.cv, "backend_options": suite.backend_options,
                  "datasets": [{"name": ds.name, "test_size": ds.test_size, "data_seed": ds.data_seed,
                                "params": ds.params, "preprocess": ds.preprocess} for ds in suite.datasets]}
        models.append(ModelPlan(spec.name, spec.kind, _class_name(spec.name, taken), axes, params, cases, config))
    return Plan(suite, jobs, models)


@functools.lru_cache(maxsize=None)
def default_plan() -> Plan:
    """The plan of ``suites/asv.toml`` (read once per process)."""
    return plan(SUITE_PATH)


# ------------------------------------------------------------------ quality: one evaluation per environment
def evaluate_all(jobs: list[Job]) -> dict[str, dict]:
    """Every job evaluated once, as ``qbench run`` does: job key -> the tracked result fields.

    A job whose backend cannot run here is recorded as skipped; one that raises is recorded
    as failed (its benchmarks fail with the message) without stopping the others.
    """
    out = {}
    for job in jobs:
        try:
            result = evaluate(job)
        except Exception as exc:  # noqa: BLE001 - reported by the benchmarks that read it
            out[job.key] = {"status": "failed", "error_message": f"{job.label}: {type(exc).__name__}: {exc}"}
            continue
        out[job.key] = {k: result.get(k) for k in TRACKED}
    kernel_cache.default_cache.clear()
    return out


# ------------------------------------------------------------------ class factories
def fit_class(m: ModelPlan, timeout: float) -> type:
    def setup(self, *params):
        self.case = m.case(params)
        self.X_train, self.X_test, self.y_train, self.y_test = self.case.split()
        kernel_cache.default_cache.clear()
        self.model = self.case.estimator()

    def time_fit(self, *params):
        """Fit the model on the training split (Gram matrices / training loop computed every call)."""
        self.model.fit(self.X_train, self.y_train)

    def peakmem_fit(self, *params):
        """Peak resident memory of the benchmark process while fitting the model."""
        self.model.fit(self.X_train, self.y_train)

    time_fit.version = m.version(setup, time_fit)
    peakmem_fit.version = m.version(setup, peakmem_fit)
    return _make_class(m, "fit", timeout, setup=setup, time_fit=time_fit, peakmem_fit=peakmem_fit, **TIMING)


def predict_class(m: ModelPlan, timeout: float) -> type:
    def setup(self, *params):
        self.case = m.case(params)
        self.X_train, self.X_test, self.y_train, self.y_test = self.case.split()
        kernel_cache.default_cache.clear()
        self.model = self.case.estimator().fit(self.X_train, self.y_train)

    def time_predict(self, *params):
        """Predict the test split with the fitted model (test-vs-training Gram matrix / forward pass every call)."""
        self.model.predict(self.X_test)

    time_predict.version = m.version(setup, time_predict)
    return _make_class(m, "predict", timeout, setup=setup, time_predict=time_predict, **TIMING)


def quality_class(m: ModelPlan, jobs: list[Job], timeout: float) -> type:
    def setup_cache(self):
        # The same function (same source line) for every quality class: asv runs it once per environment.
        return evaluate_all(jobs)

    def setup(self, cache, *params):
        case = m.case(params)
        entry = cache.get(case.job.key)
        if entry is None:
            raise NotImplementedError(f"{case.job.label} was not evaluated")
        if entry["status"] == "skipped":
            raise NotImplementedError(entry["error_message"])
        if entry["status"] != "done":
            raise RuntimeError(entry["error_message"])
        self.result = entry

    def track_test_accuracy(self, cache, *params):
        """Accuracy on the held-out test split (``qbench run``'s ``test_accuracy``)."""
        return self.result["test_accuracy"]

    def track_kernel_time(self, cache, *params):
        """Seconds spent computing training Gram matrices during the fit (``qbench run``'s ``kernel_time``)."""
        return self.result["kernel_time"]

    def track_circuit_executions(self, cache, *params):
        """Circuits the backend executed to fit and score the model (``qbench run``'s ``circuit_executions``)."""
        return self.result["circuit_executions"]

    setup_cache.timeout = max(timeout, timeout * len(jobs))
    track_test_accuracy.unit = "accuracy"
    track_kernel_time.unit = "seconds"
    track_circuit_executions.unit = "circuits"
    methods = {"track_test_accuracy": track_test_accuracy}
    if m.kind != "baseline":
        methods["track_circuit_executions"] = track_circuit_executions
    if m.kind == "kernel":
        methods["track_kernel_time"] = track_kernel_time
    for func in methods.values():
        func.version = m.version(setup, func)
    return _make_class(m, "quality", timeout, setup_cache=setup_cache, setup=setup, **methods)


def _make_class(m: ModelPlan, group: str, timeout: float, **attrs) -> type:
    doc = (f"{group} benchmarks of the {m.kind} model {m.name!r} from {SUITE_PATH.name}; "
           f"parameters: {', '.join(m.param_names)}.")
    cls = type(m.class_name, (), {"__doc__": doc, "params": m.params, "param_names": m.param_names,
                                  "timeout": timeout, **attrs})
    cls.__module__ = f"{__package__}.{group}"
    cls.__qualname__ = m.class_name
    return cls


FACTORIES = {"fit": fit_class, "predict": predict_class, "quality": quality_class}


def classes(group: str, the_plan: Plan | None = None) -> dict[str, type]:
    """The benchmark classes of one group (``fit``, ``predict`` or ``quality``), by class name."""
    the_plan = the_plan or default_plan()
    timeout = float(the_plan.suite.timeout)
    out = {}
    for m in the_plan.models:
        if group == "quality":
            out[m.class_name] = quality_class(m, the_plan.jobs, timeout)
        else:
            out[m.class_name] = FACTORIES[group](m, timeout)
    return out


# ------------------------------------------------------------------ forkserver
def preload_frameworks(the_plan: Plan) -> list[str]:
    """Import the installed frameworks the suite's backends use, once.

    Under asv's ``forkserver`` launch method (asv.conf.json) every benchmark is forked from
    a server that imported this package, so the frameworks (seconds each to import) are
    imported once instead of in every benchmark process.  Nothing is computed here.
    """
    loaded = []
    for ref in the_plan.suite.backends:
        try:
            spec = P.backend_spec(ref.name)
        except Exception:  # noqa: BLE001 - an unknown or broken backend is reported by its benchmarks
            continue
        if not spec.available:
            continue
        for module in spec.requires:
            importlib.import_module(module)
        spec.load()
        loaded.append(ref.name)
    return loaded


def in_forkserver() -> bool:
    """True in asv's forkserver process (``asv/benchmark.py run_server BENCHMARK_DIR SOCKET``)."""
    return sys.argv[1:2] == ["run_server"]


if in_forkserver():
    preload_frameworks(default_plan())
