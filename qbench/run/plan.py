"""What a suite would execute, counted without executing anything: circuits, shots, depth, QPU time, budget.

Counts follow what the harness does (docs/plan.md has the formulas), in the core's units, which the
backends' usage counters also use (``circuit_executions``, ``shots_used`` of a stored row):

* **kernel** (fidelity): a symmetric Gram matrix of a samples is a(a+1)/2 compute-uncompute circuits
  (diagonal included), a cross Gram a x b circuits; exact mode simulates one state per sample
  instead (a, and a + b).  A grid search computes one Gram pair per fold and feature-map
  configuration (the kernel cache makes C free), then the refit's and the test set's.
  ``kernel = "projected"``: 3 bases x n_qubits circuits per sample and Bloch-feature computation.
* **qnn**: every epoch evaluates each training sample once and, with parameter shift (every
  mode but exact), two shifted circuits per weight-driven gate; the gradient-variance diagnostic
  adds 8 loss gradients on one batch; scoring predicts the test set twice (labels, scores) and the
  training set once.

Shots are circuits x shots for every sampled mode (shots, noisy with shots, hardware).  QPU seconds
are shots x seconds per shot, given by the user (``--seconds-per-shot`` or the suite's
``budget.seconds_per_shot``) or, for jobs on a device (:func:`on_a_device`), its own documented timing where
the backend's plugin works it out offline (``Backend.device_plan``, which also gives the transpiled depth
and two-qubit count; the Qiskit plugin transpiles to the fake IBM device of the same name).  See docs/plan.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from itertools import product

from qbench.backends.base import DevicePlan
from qbench.errors import QBenchError
from qbench.suite.jobs import Job, canonical_json
from qbench.suite.parse import Suite

#: Loss gradients the QNN's gradient-variance diagnostic takes after training (qbench.models.qnn.GRADIENT_INITS).
GRADIENT_INITS = 8
#: Measurement bases of the projected kernel's Bloch features.
BLOCH_BASES = 3


@dataclass
class JobCost:
    """One job's circuits, shots per circuit, and its widest circuit's depth and two-qubit gates."""

    circuits: int | None
    shots: int | None
    depth: int
    two_qubit: int
    n_qubits: int
    note: str = ""
    configs: int = 1
    #: The widest circuits as executed (one per configuration), for the backend's ``device_plan``.
    executed: list = field(default_factory=list, repr=False)
    #: What the device would run instead (noisy/hardware jobs whose plugin can tell offline), else None.
    device: DevicePlan | None = None

    @property
    def total_shots(self) -> int:
        return 0 if self.circuits is None or not self.shots else self.circuits * self.shots


@dataclass
class PlanRow:
    """The jobs of one backend and mode, added up."""

    backend: str
    mode: str
    jobs: int = 0
    circuits: int = 0
    shots: set = field(default_factory=set)
    total_shots: int = 0
    depth: int = 0
    two_qubit: int = 0
    unknown: int = 0
    #: Devices the depths were transpiled for (empty: the neutral circuit's depth).
    devices: set = field(default_factory=set)
    #: Device-documented QPU seconds (shots x each job's seconds per shot), and the shots without a timing.
    device_seconds: float = 0.0
    untimed_shots: int = 0

    def add(self, cost: JobCost) -> None:
        self.jobs += 1
        if cost.circuits is None:
            self.unknown += 1
            return
        self.circuits += cost.circuits
        if cost.shots:
            self.shots.add(cost.shots)
        self.total_shots += cost.total_shots
        dev = cost.device
        self.depth = max(self.depth, dev.depth if dev else cost.depth)
        self.two_qubit = max(self.two_qubit, dev.two_qubit if dev else cost.two_qubit)
        if dev is not None:
            self.devices.add(dev.device)
        if dev is not None and dev.seconds_per_shot is not None:
            self.device_seconds += cost.total_shots * dev.seconds_per_shot
        else:
            self.untimed_shots += cost.total_shots

    def qpu_seconds(self, seconds_per_shot: float | None) -> float | None:
        """QPU seconds at the user's seconds per shot, else at the devices' own timing (None if some are untimed)."""
        if seconds_per_shot:
            return self.total_shots * seconds_per_shot
        return None if self.untimed_shots else self.device_seconds


def depth(circuit) -> int:
    """Layers of the neutral circuit (gates on disjoint wires share a layer)."""
    level = [0] * circuit.n_qubits
    for g in circuit.gates:
        d = max(level[w] for w in g.wires) + 1
        for w in g.wires:
            level[w] = d
    return max(level, default=0)


def two_qubit_gates(circuit) -> int:
    return sum(len(g.wires) == 2 for g in circuit.gates)


def _test_count(n: int, test_size) -> int:
    """Test samples of scikit-learn's ``train_test_split`` (a fraction is rounded up, as it does)."""
    return int(math.ceil(test_size * n)) if isinstance(test_size, float) else int(test_size)


def _fold_sizes(m: int, k: int) -> list[int]:
    """Validation-fold sizes of a k-fold split of m samples (``StratifiedKFold`` balances to within one)."""
    return [m // k + (1 if i < m % k else 0) for i in range(k)]


def _grid_points(grid: dict) -> list[dict]:
    keys = sorted(grid)
    return [dict(zip(keys, values)) for values in product(*(grid[k] for k in keys))] or [{}]


_SHAPES: dict = {}


def _shape(job: Job) -> tuple[int, int]:
    """(samples, features) of the job's data set, loaded once per configuration (offline generators)."""
    from qbench.run.evaluate import load_job_data

    key = (job.dataset, job.n_samples, job.n_features, repr(sorted(job.dataset_params.items())))
    if key not in _SHAPES:
        if job.n_samples is not None and job.n_features is not None:
            _SHAPES[key] = (job.n_samples, job.n_features)
        else:
            X, _ = load_job_data(job)
            _SHAPES[key] = X.shape
    return _SHAPES[key]


_COSTS: dict = {}


def job_cost(job: Job) -> JobCost | None:
    """The job's circuit count and widest circuit, or None for a classical baseline."""
    if job.kind == "baseline":
        return None
    ident = job.identity()
    # the seed, suite and backend do not change the count: jobs that differ only there are sized once
    key = canonical_json({k: ident[k] for k in ("dataset", "model", "mode", "shots")}
                         | {"mitigation": job.backend_options.get("mitigation")})
    if key not in _COSTS:
        _COSTS[key] = _job_cost(job)
    return _COSTS[key]


def _job_cost(job: Job) -> JobCost:
    from qbench.models.preprocessing import resolve_width
    from qbench.run.fit import build_estimator

    n, d = _shape(job)
    t = _test_count(n, job.test_size)
    m = n - t
    pre = job.preprocess
    width = resolve_width(d, m, pre["n_qubits"], pre["reduction"])
    est = build_estimator(job)
    shots = job.shots if job.mode != "exact" else None
    points = _grid_points(job.grid)
    folds = _fold_sizes(m, job.cv) if job.grid else []
    if job.kind == "kernel":
        cost = _kernel_cost(job, est, width, m, t, points, folds, shots)
        # backends that execute: one per feature-map configuration and fold, and the refit's (C is cached)
        fits = cost.configs * len(folds) + 1
    elif job.kind == "qnn":
        cost = _qnn_cost(job, est, width, m, t, points, folds, shots)
        fits = len(points) * len(folds) + 1
    else:
        return JobCost(None, shots, 0, 0, width, f"no circuit count for model kind {job.kind!r}")
    if job.backend_options.get("mitigation") == "readout" and cost.circuits is not None:
        cost.circuits += 2 * fits  # each fitted backend measures its readout calibration once (2 circuits)
    return cost


def _kernel_cost(job, est, width, m, t, points, folds, shots) -> JobCost:
    from qbench.backends.programs import overlap_circuit

    exact = job.mode == "exact"
    circuits = {}
    for point in points:
        est.set_params(**{k: v for k, v in point.items() if k != "C"})
        c = est._feature_map().circuit(width)
        circuits[repr(c)] = c
    if est.approximation is not None:
        return JobCost(None, shots, 0, 0, width, "no circuit count for the Nyström approximation")
    projected = est.kernel == "projected"

    def gram(a: int, b: int | None) -> int:
        if projected:
            return BLOCH_BASES * width * (a if b is None else a)  # the b side is the cached training features
        if exact:
            return a + (0 if b is None else b)
        return a * (a + 1) // 2 if b is None else a * b

    per_config = sum(gram(m - v, None) + gram(v, m - v) for v in folds)
    total = len(circuits) * per_config + gram(m, None) + gram(t, m)
    executed = [c if exact or projected else overlap_circuit(c) for c in circuits.values()]
    cost = JobCost(total, shots, max(map(depth, executed)), max(map(two_qubit_gates, executed)), width,
                   executed=executed)
    cost.configs = len(circuits)
    return cost


def _qnn_cost(job, est, width, m, t, points, folds, shots) -> JobCost:
    from qbench.backends.gradients import weight_uses

    costs, widest = [], []
    for point in points:
        est.set_params(**point)
        c = est._build_circuit(est._feature_map(), width)
        widest.append(c)
        shifts = 0 if job.mode == "exact" else 2 * len(weight_uses(c))
        per_sample = 1 + shifts
        iters, batch = int(est.max_iter), int(est.batch_size)

        def fit(a: int) -> int:
            return iters * a * per_sample + GRADIENT_INITS * min(a, batch) * per_sample

        costs.append((fit, sum(fit(m - v) + v for v in folds)))
    search = sum(fold_cost for _, fold_cost in costs)
    refit = costs[0][0](m)  # every candidate's refit costs the same on m samples but max_iter / batch may differ
    if len(costs) > 1:
        refit = max(fit(m) for fit, _ in costs)
    total = search + refit + 2 * t + m
    return JobCost(total, shots, max(map(depth, widest)), max(map(two_qubit_gates, widest)), width,
                   "refit: the costliest grid candidate" if len(costs) > 1 else "", executed=widest)


_DEVICE: dict = {}


def on_a_device(job: Job) -> bool:
    """Whether a device may compile the job's circuits: hardware mode, or noisy mode with a ``device_model``
    (noisy mode with the core's noise model runs the neutral circuit, so no framework is imported for it)."""
    return job.mode == "hardware" or (job.mode == "noisy" and bool(job.backend_options.get("device_model")))


def device_plan(job: Job, cost: JobCost) -> DevicePlan | None:
    """The deepest of the job's executed circuits as its backend's device would run them (the plugin's
    ``Backend.device_plan``, offline), or None where the plugin cannot tell; the seconds per shot is the
    slowest circuit's."""
    from qbench.plugin.manager import backend_spec

    options = {k: v for k, v in job.backend_options.items() if k != "mitigation"}
    key = (job.backend, job.mode, canonical_json(options), tuple(map(repr, cost.executed)))
    if key not in _DEVICE:
        cls = backend_spec(job.backend).load()
        try:
            plans = [cls.device_plan(c, job.mode, options) for c in cost.executed]
        except QBenchError:
            raise
        except Exception:  # noqa: BLE001 -- e.g. an option the run itself would refuse: the neutral depth is shown
            plans = []
        if not plans or any(p is None for p in plans):
            _DEVICE[key] = None
        else:
            times = [p.seconds_per_shot for p in plans]
            _DEVICE[key] = DevicePlan(device=plans[0].device, depth=max(p.depth for p in plans),
                                      two_qubit=max(p.two_qubit for p in plans),
                                      seconds_per_shot=None if None in times else max(times))
    return _DEVICE[key]


def plan(suite: Suite, jobs: list[Job]) -> tuple[list[PlanRow], dict[str, JobCost | None]]:
    """Per backend and mode, the jobs' circuits, shots and widest circuits; and each job's cost by key."""
    rows: dict[tuple[str, str], PlanRow] = {}
    costs: dict[str, JobCost | None] = {}
    for job in jobs:
        if job.skip_reason:
            costs[job.key] = None
            continue
        try:
            cost = job_cost(job)
        except QBenchError:
            raise
        except Exception as exc:  # noqa: BLE001 -- a job the planner cannot size is shown as unknown, not fatal
            cost = JobCost(None, job.shots, 0, 0, 0, f"{type(exc).__name__}: {exc}")
        if cost is not None and cost.circuits is not None and on_a_device(job):
            cost = replace(cost, device=device_plan(job, cost))
        costs[job.key] = cost
        if cost is None:
            continue
        rows.setdefault((job.backend, job.mode), PlanRow(job.backend, job.mode)).add(cost)
    return list(rows.values()), costs


def total_shots(rows: list[PlanRow]) -> int:
    return sum(r.total_shots for r in rows)


def check_budget(suite: Suite, jobs: list[Job]) -> None:
    """Refuse (one line) a run whose jobs would exceed the suite's ``budget``; nothing is submitted before."""
    budget = suite.budget
    if not budget:
        return
    rows, _ = plan(suite, jobs)
    shots = total_shots(rows)
    unknown = sum(r.unknown for r in rows)
    where = f"suite {suite.name!r}"
    if unknown:
        raise QBenchError(f"{where} has a budget but {unknown} job(s) cannot be sized; qbench plan {suite.path} says which")
    if budget.get("shots") is not None and shots > budget["shots"]:
        raise QBenchError(f"{where} would use {shots:,} shots, over its budget of {budget['shots']:,} "
                          f"(qbench plan {suite.path} has the breakdown); nothing was submitted")
    if budget.get("qpu_seconds") is not None:
        sps = budget.get("seconds_per_shot")
        untimed = [r for r in rows if r.qpu_seconds(sps) is None]
        if untimed:
            r = untimed[0]
            raise QBenchError(f"{where} has a qpu_seconds budget but no time per shot for {r.backend} {r.mode} "
                              f"({r.untimed_shots:,} shots; its plugin knows no device timing offline): "
                              f"give budget.seconds_per_shot")
        seconds = sum(r.qpu_seconds(sps) for r in rows)
        rate = f"{sps} s per shot" if sps else "each device's documented time per shot"
        if seconds > budget["qpu_seconds"]:
            raise QBenchError(f"{where} would use about {seconds:,.0f} QPU seconds ({shots:,} shots at {rate}), "
                              f"over its budget of {budget['qpu_seconds']:,} s "
                              f"(qbench plan {suite.path} has the breakdown); nothing was submitted")


__all__ = ["JobCost", "PlanRow", "on_a_device", "device_plan", "depth", "two_qubit_gates", "job_cost", "plan",
           "total_shots", "check_budget"]
