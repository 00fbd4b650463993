"""Suite files: a TOML file read against the suite schema into a :class:`Suite`.

The schema is documented in docs/runner.md.  Every name (data set, model template,
baseline, backend) is checked against the plugin registries here, so a bad suite
fails before any job runs or the store is opened.
"""

from __future__ import annotations

import importlib.metadata as md
import inspect
import itertools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from qbench.plugin import manager as P
from qbench.backends.base import MODES
from qbench.backends.mitigation import MITIGATIONS
from qbench.errors import QBenchError
from qbench.backends.noise import parse_noise
from qbench.models.kinds import BASELINE, estimator_class, model_kinds
from qbench.models.param_checks import bool_for_number, builds_its_template
from qbench.plugin.suite_modules import register_plugin_modules, resolve_plugin_ref
from qbench.backends.options import MAX_SHOTS, credential_keys
from qbench.suite.schema import (Expected, SuiteError, Table, byte_size, describe, grid_table, integer, non_finite,
                                 number, one_or_list, string, table)


SCALINGS = ("minmax", "standard", "none")
REDUCTIONS = ("pca", "none")
SHOT_MODES = ("shots", "hardware")
DEFAULT_SHOTS = 1024
DEFAULT_TIMEOUT = 600.0
DEFAULT_CV = 3
#: Backend list entries that expand: every registered backend, or only those whose framework is installed.
BACKEND_GROUPS = ("all", "installed")
#: Estimator arguments the runner sets from the suite's axes; a model may not set them itself.
RUNNER_PARAMS = ("backend", "mode", "shots", "backend_options", "random_state", "n_qubits", "reduction", "scaling",
                 "cv")
#: Job fields an ``[[exclude]]`` rule may match.
EXCLUDE_KEYS = ("dataset", "model", "kind", "backend", "framework", "mode", "shots", "seed", "n_samples", "n_features")
NAME_PATTERN = r"[A-Za-z0-9_.\-]+"
#: Seeds are numpy/scikit-learn random states: integers in [0, 2**32).
SEED_LIMIT = 2**32
#: The longest timeout a job may be given (a week).
MAX_TIMEOUT = 7 * 86400.0

SUITE_KEYS = ("name", "description", "backends", "backend_options", "modes", "shots", "seeds", "cv", "timeout",
              "memory_limit", "plugins", "budget", "mitigation")
BUDGET_KEYS = ("shots", "qpu_seconds", "seconds_per_shot")
DATASET_KEYS = ("name", "n_samples", "n_features", "test_size", "data_seed", "params", "scaling", "reduction",
                "n_qubits")
MODEL_KEYS = ("name", "kind", "baseline", "params", "grid")
#: The most points a model's grid may have (the largest in the shipped suites, the quanvolutional network's, has 54).
MAX_GRID_POINTS = 10_000
MODE_KEYS = ("name", "shots", "noise")


@dataclass
class DatasetSpec:
    """One ``[[datasets]]`` entry; ``n_samples`` and ``n_features`` are axes (``None`` = the loader's default)."""

    name: str
    n_samples: list[int | None]
    n_features: list[int | None]
    test_size: float | int = 0.25
    data_seed: int | None = None
    params: dict = field(default_factory=dict)
    scaling: str | None = "minmax"
    reduction: str | None = None
    n_qubits: int | None = None

    @property
    def preprocess(self) -> dict:
        """Preprocessing every model on this data set shares (fitted on the training split only)."""
        return {"scaling": self.scaling, "reduction": self.reduction, "n_qubits": self.n_qubits}


@dataclass
class ModelSpec:
    """One ``[[models]]`` entry: a quantum estimator or a registered classical baseline."""

    name: str
    kind: str
    params: dict = field(default_factory=dict)
    grid: dict = field(default_factory=dict)
    baseline: str | None = None


@dataclass
class ModeSpec:
    name: str
    shots: list[int | None]
    #: The framework-neutral noise model of a noisy mode (``noise = {p1 = .., p2 = .., p_meas = ..}``), as a table.
    noise: dict | None = None


@dataclass
class BackendRef:
    """A backend the suite names; ``skip_reason`` is set when its plugin is declared but not loaded here."""

    name: str
    framework: str
    skip_reason: str | None = None


@dataclass
class Suite:
    path: Path
    name: str
    description: str
    datasets: list[DatasetSpec]
    models: list[ModelSpec]
    backends: list[BackendRef]
    modes: list[ModeSpec]
    seeds: list[int]
    cv: int = DEFAULT_CV
    timeout: float = DEFAULT_TIMEOUT
    memory_limit: int | None = None
    plugins: list[str] = field(default_factory=list)
    backend_options: dict[str, dict] = field(default_factory=dict)
    exclude: list[dict] = field(default_factory=list)
    #: ``{"shots": N}`` and/or ``{"qpu_seconds": S, "seconds_per_shot": s}``: what ``qbench run`` may spend (qbench.run.plan).
    budget: dict | None = None
    #: Error mitigation of every sampled job (``"readout"``), a backend option recorded in each job's identity.
    mitigation: str | None = None


# ------------------------------------------------------------------ entry points
def load_suite(path: str | Path) -> Suite:
    """Read and validate a suite file; raises :class:`SuiteError` naming the file and key path."""
    path = Path(path)
    if not path.is_file():
        raise SuiteError(f"{path}: no such suite file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read: {exc}") from None
    return parse_suite(text, path)


def parse_suite(text: str, path: str | Path = "<suite>") -> Suite:
    """Validate TOML text as a suite; plugins it names are registered in this process."""
    path = Path(path)
    file = str(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{file}: malformed TOML {_toml_position(str(exc), text)}") from None
    where = non_finite(doc)
    if where is not None:
        raise SuiteError(f"{file}: {where}: expected a finite number, got {non_finite_value(doc, where)}")
    top = Table(file, "", doc, ("suite", "datasets", "models", "exclude"))
    head = top.sub("suite", SUITE_KEYS)
    name = head.take("name", string(pattern=NAME_PATTERN, what="a name of letters, digits, '_', '.', '-'"))
    description = head.take("description", string(), "")
    plugins = head.take("plugins", one_or_list(string(), "a module name or .py path"), [])
    plugins = [_plugin(head, i, ref, path) for i, ref in enumerate(plugins)]
    register_plugin_modules(plugins)

    default_shots = head.take("shots", one_or_list(integer(1, MAX_SHOTS + 1), "a positive integer"), [DEFAULT_SHOTS])
    modes = _modes(head, default_shots)
    seeds = head.take("seeds", one_or_list(integer(0, SEED_LIMIT), "a seed in [0, 2**32)"), [0])
    cv = head.take("cv", integer(2), DEFAULT_CV)
    timeout = float(head.take("timeout", number(0, MAX_TIMEOUT, open_low=True), DEFAULT_TIMEOUT))
    memory_limit = head.take("memory_limit", byte_size, None)
    budget = _budget(head)
    mitigation = head.take("mitigation", string(MITIGATIONS), None)

    datasets = [_dataset(t, cv) for t in top.tables("datasets", DATASET_KEYS)]
    models = [_model(t) for t in top.tables("models", MODEL_KEYS)]
    _unique(head, "models", [m.name for m in models])
    backends = _backends(head, required=any(m.kind != "baseline" for m in models), modes=modes)
    backend_options = _backend_options(head, backends)
    exclude = [_exclude(t) for t in top.tables("exclude", EXCLUDE_KEYS, required=False)]
    return Suite(path=path, name=name, description=description, datasets=datasets, models=models,
                 backends=backends, modes=modes, seeds=seeds, cv=cv, timeout=timeout, memory_limit=memory_limit,
                 plugins=plugins, backend_options=backend_options, exclude=exclude, budget=budget,
                 mitigation=mitigation)


def _toml_position(message: str, text: str) -> str:
    """``at line L, column C: problem`` from tomllib's message (which says "end of document" for the last position)."""
    what = re.sub(r"\s*\(at .*\)$", "", message)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if m:
        return f"at line {m.group(1)}, column {m.group(2)}: {what}"
    if "end of document" in message:
        lines = text.split("\n")
        return f"at line {len(lines)}, column {len(lines[-1]) + 1} (end of file): {what}"
    return f": {message}"


def _plugin(head: Table, i: int, ref: str, path: Path) -> str:
    try:
        return resolve_plugin_ref(ref, path.parent)
    except QBenchError as exc:
        head.fail(f"{head.key('plugins')}[{i}]", str(exc))


def _unique(t: Table, what: str, names: list[str]) -> None:
    seen = set()
    for n in names:
        if n in seen:
            t.fail(what, f"name {n!r} is used twice; names must be unique")
        seen.add(n)


def _registry_name(t: Table, key: str, check) -> str:
    """Run a registry lookup and report an unknown name at the key path."""
    value = t.take(key, string())
    try:
        check(value)
    except QBenchError as exc:
        t.fail(t.key(key), str(exc))
    return value


# ------------------------------------------------------------------ datasets
def _dataset(t: Table, cv: int) -> DatasetSpec:
    name = _registry_name(t, "name", P.dataset_entry)
    entry = P.dataset_entry(name)
    n_samples = t.take("n_samples", one_or_list(integer(4), "an integer >= 4"), [None])
    n_features = t.take("n_features", one_or_list(integer(1), "a positive integer"), [None])
    test_size = t.take("test_size", _test_size, 0.25)
    data_seed = t.take("data_seed", integer(0, SEED_LIMIT), None)
    params = t.take("params", table, {})
    accepted = _accepted(entry.obj, exclude=("seed", "n_samples", "n_features"))
    if accepted is not None:
        for key in params:
            if key not in accepted:
                t.fail(f"{t.key('params')}.{key}", f"data set {name!r} has no parameter {key!r}; "
                       f"valid: {', '.join(accepted) or '(none)'}")
    # a data set registered as already in angle units (ad hoc) is not rescaled unless the suite asks
    scaling = t.take("scaling", string(SCALINGS), "none" if entry.meta.get("angle_units") else "minmax")
    reduction = t.take("reduction", string(REDUCTIONS), "none")
    n_qubits = t.take("n_qubits", integer(1), None)
    if reduction == "pca" and n_qubits is None:
        t.fail(t.key("n_qubits"), 'reduction = "pca" needs n_qubits (the number of PCA components)')
    ds = DatasetSpec(name=name, n_samples=n_samples, n_features=n_features, test_size=test_size, data_seed=data_seed,
                     params=params, scaling=None if scaling == "none" else scaling,
                     reduction=None if reduction == "none" else reduction, n_qubits=n_qubits)
    _check_loads(t, ds, cv)
    return ds


def _test_size(v):
    if isinstance(v, float) and 0.0 < v < 1.0:
        return v
    if isinstance(v, int) and not isinstance(v, bool) and v >= 2:
        return v
    raise Expected("a fraction in (0, 1) or a number of test samples >= 2", v)


def _check_loads(t: Table, ds: DatasetSpec, cv: int) -> None:
    """Load each data-set configuration once (they are cheap) to catch bad parameters and impossible splits now."""
    import numpy as np

    from qbench.datasets import load_dataset
    from qbench.models.preprocessing import resolve_width

    for n in ds.n_samples:
        for d in ds.n_features:
            several = len(ds.n_samples) + len(ds.n_features) > 2
            where = t.path + (f" (n_samples={n}, n_features={d})" if several else "")
            try:
                X, y = load_dataset(ds.name, n_samples=n, n_features=d, seed=ds.data_seed or 0, **ds.params)
                resolve_width(X.shape[1], X.shape[0], ds.n_qubits, ds.reduction)
            except QBenchError as exc:
                t.fail(where, str(exc))
            except Exception as exc:  # a loader's own validation (ValueError, ...) is still bad input
                t.fail(where, f"data set {ds.name!r} cannot be loaded: {type(exc).__name__}: {exc}")
            n_test = ds.test_size if isinstance(ds.test_size, int) else int(round(ds.test_size * len(y)))
            if n_test >= len(y) - 1:
                t.fail(t.key("test_size"), f"test_size {ds.test_size} leaves no training data from {len(y)} samples")
            smallest = int(np.unique(y, return_counts=True)[1].min())
            if smallest * (len(y) - n_test) / len(y) < cv:
                t.fail(where, f"{cv}-fold CV (suite.cv) needs at least {cv} training samples of each class; "
                          f"{where} has about {int(smallest * (len(y) - n_test) / len(y))} in its smallest class")


# ------------------------------------------------------------------ models
def _model(t: Table) -> ModelSpec:
    name = t.take("name", string(pattern=NAME_PATTERN, what="a name of letters, digits, '_', '.', '-'"))
    kind = t.take("kind", string(model_kinds() + (BASELINE,)))
    baseline = t.take("baseline", string(), None)
    params = t.take("params", table, {})
    grid = t.take("grid", grid_table, {})
    points = math.prod(len(values) for values in grid.values())
    if points > MAX_GRID_POINTS:
        t.fail(t.key("grid"), f"{points:,} grid points (the product of its lists' lengths); at most "
                              f"{MAX_GRID_POINTS:,}, each fit once per CV fold")
    if kind == "baseline":
        where = t.key("baseline") if baseline else t.key("name")
        try:
            baseline = P.baseline_entry(baseline or name).name
        except QBenchError as exc:
            t.fail(where, str(exc) + ("" if where.endswith("baseline") else '; or set baseline = "<name>"'))
        accepted = _accepted(P.baseline_entry(baseline).obj, exclude=("random_state", "cv"))
        for section, values in (("params", params), ("grid", grid)):
            for key in values:
                if accepted is not None and key not in accepted:
                    t.fail(f"{t.key(section)}.{key}", f"baseline {baseline!r} has no parameter {key!r}; "
                           f"valid: {', '.join(accepted) or '(none)'}")
        for key in set(params) & set(grid):
            t.fail(f"{t.key('grid')}.{key}", "set both in params and grid; give it in one place")
        check = getattr(P.baseline_entry(baseline).obj, "check_params", None)  # a baseline's optional value check
        if check is not None:
            try:
                check(params)
            except QBenchError as exc:
                t.fail(t.key("params"), str(exc))
        return ModelSpec(name=name, kind=kind, params=params, grid=grid, baseline=baseline)
    if baseline is not None:
        t.fail(t.key("baseline"), f'only a model with kind = "baseline" names a baseline (this one is {kind!r})')
    cls = estimator_class(kind)
    accepted = _accepted(cls, exclude=RUNNER_PARAMS)
    for section, values in (("params", params), ("grid", grid)):
        for key in values:
            if key in RUNNER_PARAMS:
                t.fail(f"{t.key(section)}.{key}", "is set by the suite (backends, modes, seeds, the data set's "
                       "scaling/reduction/n_qubits); remove it here")
            if key not in accepted:
                t.fail(f"{t.key(section)}.{key}",
                       f"{cls.__name__} has no parameter {key!r}; valid: {', '.join(accepted)}")
    for key in set(params) & set(grid):
        t.fail(f"{t.key('grid')}.{key}", "set both in params and grid; give it in one place")
    _check_estimator_values(t, cls, params, grid)
    return ModelSpec(name=name, kind=kind, params=params, grid=grid)


def _accepted(func, exclude=()) -> list[str] | None:
    """Keyword parameters ``func`` accepts (``None`` when it takes ``**kwargs``)."""
    sig = inspect.signature(func)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return None
    return [n for n, p in sig.parameters.items() if n not in exclude and n != "self"
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


_TEMPLATE_PARAMS = {"feature_map": "feature_map_params", "ansatz": "ansatz_params", "observable": "observable_params"}


def _check_estimator_values(t: Table, cls: type, params: dict, grid: dict) -> None:
    """Template names and their parameters, and parameter values, for every grid point."""
    from sklearn.model_selection import ParameterGrid
    from sklearn.utils._param_validation import validate_parameter_constraints

    defaults = {n: p.default for n, p in inspect.signature(cls).parameters.items()}

    def where(key: str, point: dict) -> str:
        return f"{t.key('grid')}.{key}" if key in point else f"{t.key('params')}.{key}"

    points = itertools.islice(ParameterGrid(grid), 1000) if grid else [{}]
    for point in points:
        values = {**defaults, **params, **point}
        for kind, pkey in _TEMPLATE_PARAMS.items():
            if kind not in values:
                continue
            name, tparams = values[kind], values.get(pkey) or {}
            if not isinstance(tparams, dict):
                t.fail(where(pkey, point), f"expected a table of template parameters, got {describe(tparams)}")
            try:
                P.template_entry(kind, name)
            except QBenchError as exc:
                t.fail(where(kind, point), str(exc))
            if kind != "observable":
                try:
                    P.make_template(kind, name, **tparams)
                except QBenchError as exc:
                    t.fail(where(pkey, point), str(exc))
        est = cls(**{**params, **point})
        # the estimator's own declaration (scikit-learn's _parameter_constraints), key by key so the error names the key
        constraints = getattr(est, "_parameter_constraints", {})
        for key, value in {**params, **point}.items():
            if key not in constraints:
                continue
            try:
                validate_parameter_constraints({key: constraints[key]}, {key: value}, cls.__name__)
            except (ValueError, TypeError) as exc:
                t.fail(where(key, point), f"expected {constraint_phrase(str(exc))}, got {describe(value)}")
            must = bool_for_number(est, key, value)  # scikit-learn's intervals take true as 1
            if must:
                t.fail(where(key, point), f"expected {must}, got {describe(value)}")
        if hasattr(est, "check_schedule"):  # parameters that only go together (qbench.models.training.PassesOrSteps)
            try:
                est.check_schedule()
            except QBenchError as exc:
                t.fail(where("convergence_interval", point), str(exc))
        if builds_its_template(est):  # the model's circuit template from its parameters (sizes, ranges, clashes)
            try:
                est._feature_map()
            except QBenchError as exc:
                named = [k for k in {**params, **point} if re.search(rf"\b{re.escape(k)}\b", str(exc))]
                t.fail(where(named[0], point) if named else t.key("grid") if point else t.key("params"), str(exc))


def constraint_phrase(message: str) -> str:
    """What scikit-learn's ``The 'C' parameter of X must be <phrase>. Got 0 instead.`` says a value must be."""
    m = re.search(r" must be (.*)\. Got .* instead\.?$", " ".join(message.split()))
    return m.group(1) if m else " ".join(message.split())


# ------------------------------------------------------------------ backends and modes
def declared_plugins() -> dict[str, str]:
    """Entry-point plugin names of the ``qbench`` group mapped to why they are not loaded ('' when loaded)."""
    P.host.load()
    out = {}
    for ep in md.entry_points(group=P.ENTRY_POINT_GROUP):
        if ep.name in P.host.broken:
            out[ep.name] = f"plugin {ep.name!r} failed to load ({P.host.broken[ep.name]})"
        elif not P.host.pm.has_plugin(ep.name):
            out[ep.name] = f"plugin {ep.name!r} is disabled by {P.ALLOW_ENV}"
        else:
            out[ep.name] = ""
    return out


def resolve_backend(name: str) -> BackendRef:
    """A registered backend, or one whose plugin is declared but not loaded (a skipped job, not an error)."""
    regs = P.host.registries()["backend"]
    if name in regs:
        entry = regs.get(name)
        return BackendRef(entry.name, entry.obj.framework)
    framework = name.split(".")[0]
    why = declared_plugins().get(framework)
    if why:
        return BackendRef(name, framework, f"{why}; install: pip install \"qbench[{framework}]\"")
    raise QBenchError(f"unknown backend {name!r}; valid names: {', '.join(regs.names()) or '(none)'}, "
                      f"or {' / '.join(BACKEND_GROUPS)}")


def _backends(head: Table, required: bool, modes: list[ModeSpec] = ()) -> list[BackendRef]:
    names = head.take("backends", one_or_list(string(), "a backend name"), None)
    if names is None:
        if required:
            head.fail(head.key("backends"), 'required for kernel and qnn models, e.g. backends = ["numpy"]')
        return []
    out: list[BackendRef] = []
    regs = P.host.registries()["backend"]
    for i, name in enumerate(names):
        if name in BACKEND_GROUPS:
            refs = [BackendRef(e.name, e.obj.framework) for e in regs.entries()
                    if name == "all" or e.obj.available]
        else:
            try:
                refs = [resolve_backend(name)]
            except QBenchError as exc:
                head.fail(f"{head.key('backends')}[{i}]", str(exc))
            if required:
                _check_declared_modes(head, i, refs[0], modes)
        out += [r for r in refs if r.name not in {o.name for o in out}]
    return out


def _check_declared_modes(head: Table, i: int, ref: BackendRef, modes: list[ModeSpec]) -> None:
    """A backend named in the suite must declare every mode the suite asks for (read from its registration,
    so no framework is imported).  A group (``all``, ``available``) instead records such jobs as skipped."""
    if ref.skip_reason:
        return
    caps = P.backend_spec(ref.name).declared()
    if caps is None:
        return
    missing = [m.name for m in modes if m.name not in caps.modes]
    if missing:
        head.fail(f"{head.key('backends')}[{i}]",
                  f"backend {ref.name!r} does not support mode {missing[0]!r} (it declares: {', '.join(caps.modes)}); "
                  f"drop the mode, or use backends = [\"all\"] to record unsupported combinations as skipped")


def _modes(head: Table, default_shots: list[int]) -> list[ModeSpec]:
    raw = head.take("modes", lambda v: v if isinstance(v, list) else [v], ["exact"])
    if not raw:
        head.fail(head.key("modes"), "expected a non-empty list of modes")
    out = []
    for i, item in enumerate(raw):
        where = f"{head.key('modes')}[{i}]"
        noise = None
        if isinstance(item, str):
            name, shots = item, None
        else:
            sub = Table(head.file, where, item, MODE_KEYS)
            name = sub.take("name", string(MODES))
            shots = sub.take("shots", one_or_list(integer(1, MAX_SHOTS + 1), "a positive integer"), None)
            noise = sub.take("noise", lambda v: v, None)
            if noise is not None:
                if name != "noisy":
                    head.fail(f"{where}.noise", f"noise applies only to the noisy mode, not {describe(name)}")
                try:
                    noise = parse_noise(noise).as_dict()
                except QBenchError as exc:
                    head.fail(f"{where}.noise", str(exc))
        if name not in MODES:
            head.fail(where, f"expected one of {', '.join(repr(m) for m in MODES)}, got {describe(name)}")
        if name == "exact":
            if shots:
                head.fail(where, "exact mode takes no shots")
            shots = [None]
        elif shots is None:
            shots = default_shots if name in SHOT_MODES else [None]
        if name in {m.name for m in out}:
            head.fail(where, f"mode {name!r} is listed twice")
        out.append(ModeSpec(name, shots, noise))
    return out


def _budget(head: Table) -> dict | None:
    """``budget = { shots = N }`` and/or ``{ qpu_seconds = S }``, optionally with ``seconds_per_shot = s`` (else
    each device's own timing, where its plugin knows it offline: qbench.run.plan)."""
    sub = head.sub("budget", BUDGET_KEYS, None)
    if sub is None:
        return None
    out = {"shots": sub.take("shots", integer(1), None),
           "qpu_seconds": sub.take("qpu_seconds", number(0, open_low=True), None),
           "seconds_per_shot": sub.take("seconds_per_shot", number(0, open_low=True), None)}
    if out["shots"] is None and out["qpu_seconds"] is None:
        head.fail(head.key("budget"), "expected shots or qpu_seconds")
    return out


def _backend_options(head: Table, backends: list[BackendRef]) -> dict[str, dict]:
    options = head.take("backend_options", table, {})
    names = {b.name for b in backends}
    for key, value in options.items():
        if key not in names:
            head.fail(f"{head.key('backend_options')}.{key}",
                      f"not one of this suite's backends ({', '.join(sorted(names))})")
        if not isinstance(value, dict):
            head.fail(f"{head.key('backend_options')}.{key}", f"expected a table of options, got {describe(value)}")
        for secret in credential_keys(value):
            head.fail(f"{head.key('backend_options')}.{key}.{secret}",
                      "looks like a credential; a suite's options are stored with its results, so credentials "
                      "are never options: give them through the framework's environment or saved account")
    return options


def non_finite_value(doc: dict, where: str) -> str:
    """The NaN or inf at ``where`` (a path :func:`non_finite` returned), as TOML writes it."""
    value = doc
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", where):
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _exclude(t: Table) -> dict:
    rule = {}
    for key in EXCLUDE_KEYS:
        if t.has(key):
            rule[key] = t.take(key, lambda v: v if isinstance(v, list) else [v])
            for v in rule[key]:
                if isinstance(v, (dict, list)) or isinstance(v, bool):
                    t.fail(t.key(key), f"expected a value, a glob pattern or a list of them, got {describe(v)}")
    if not rule:
        t.fail(t.path, f"an exclude rule needs at least one of: {', '.join(EXCLUDE_KEYS)}")
    return rule


__all__ = ["Suite", "DatasetSpec", "ModelSpec", "ModeSpec", "BackendRef", "SuiteError", "load_suite", "parse_suite",
           "resolve_backend"]
