"""The plugin manager: built-in plugins, entry-point discovery, and a typed facade over the hooks.

Built-in pieces (NumPy backend, data sets, baselines, templates) are ordinary plugin
modules registered through the same hooks.  Third-party plugins are found through the
``qbench`` entry-point group on first use.  ``QBENCH_PLUGINS`` (comma-separated
entry-point names) allow-lists which of them load; unset means all, empty means none.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata as md
import importlib.util
import inspect
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import pluggy

from qbench.plugin import hookspecs
from qbench.errors import QBenchError, UnavailableError
from qbench.plugin.callbacks import DeclaredCapabilities
from qbench.plugin.registry import Entry, Registry

ENTRY_POINT_GROUP = "qbench"
ALLOW_ENV = "QBENCH_PLUGINS"
BUILTIN_PLUGINS = (
    "qbench.builtins.numpy_backend",
    "qbench.builtins.templates",
    "qbench.builtins.datasets",
    "qbench.builtins.baselines",
    "qbench.builtins.models",
    "qbench.builtins.zoo_variational",
    "qbench.builtins.zoo_more",
    "qbench.builtins.zoo_kernels",
)
TEMPLATE_KINDS = ("feature_map", "ansatz", "observable")
#: The backend tasks a registered model can need.
MODEL_TASKS = ("kernel", "qnn")


@dataclass
class BackendSpec:
    """What a plugin registered for a backend; the framework is imported only by :meth:`load`."""

    name: str
    loader: object
    framework: str
    requires: tuple[str, ...]
    extra: str | None
    plugin: str
    #: The declaration the plugin registered: the same object the backend class uses.
    capabilities: DeclaredCapabilities | None = None
    #: The command that installs what is missing, when the plugin names its own package.
    install: str | None = None

    @property
    def missing(self) -> list[str]:
        return [m for m in self.requires if not _importable(m)]

    @property
    def available(self) -> bool:
        return not self.missing

    @property
    def install_hint(self) -> str:
        if self.install:
            return self.install
        if self.extra:
            return f'pip install "qbench[{self.extra}]"'
        return "pip install " + " ".join(self.missing or self.requires)

    def declared(self) -> DeclaredCapabilities | None:
        """The registered capabilities, read without importing the framework.

        A plugin written before ``capabilities=`` existed declares them only on its class: that
        class is loaded here (importing its framework), or ``None`` when it is not installed.
        """
        if self.capabilities is None and self.available:
            return self.load().capabilities
        return self.capabilities

    def load(self) -> type:
        if self.missing:
            raise UnavailableError(
                f"backend {self.name!r} needs {', '.join(self.missing)}, which is not installed; run: {self.install_hint}")
        if isinstance(self.loader, str):
            module, _, attr = self.loader.partition(":")
            cls = getattr(importlib.import_module(module), attr)
        else:
            cls = self.loader
        if getattr(cls, "name", None) != self.name:
            raise QBenchError(f"plugin {self.plugin!r}: backend class {cls.__name__} has name {cls.name!r}, registered as {self.name!r}")
        if self.capabilities is not None and getattr(cls, "capabilities", None) != self.capabilities:
            raise QBenchError(f"plugin {self.plugin!r}: backend class {cls.__name__} declares capabilities that differ "
                              f"from those registered for {self.name!r}; use one declaration for both")
        return cls


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class PluginInfo:
    name: str
    version: str
    hooks: list[str]
    builtin: bool
    error: str | None = None


class PluginHost:
    """One plugin manager and the registries its hooks fill (built lazily, rebuilt after a change)."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("qbench")
        self.pm.add_hookspecs(hookspecs)
        self._loaded = False
        self._registries: dict[str, Registry] | None = None
        self.broken: dict[str, str] = {}
        self.versions: dict[str, str] = {}

    # ------------------------------------------------------------ loading
    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in BUILTIN_PLUGINS:
            self._register_checked(importlib.import_module(module), module)
        allow = os.environ.get(ALLOW_ENV)
        allowed = None if allow is None else {n.strip() for n in allow.split(",") if n.strip()}
        for ep in md.entry_points(group=ENTRY_POINT_GROUP):
            if allowed is not None and ep.name not in allowed:
                continue
            if self.pm.has_plugin(ep.name):
                continue
            try:
                self._register_checked(ep.load(), ep.name)
                self.versions[ep.name] = ep.dist.version if ep.dist else "?"
            except Exception as exc:  # a broken plugin must not crash the program
                self.broken[ep.name] = f"{type(exc).__name__}: {exc}"

    def register(self, plugin, name: str | None = None) -> str:
        """Register a plugin object or module at run time (tests, notebooks, suite plugin modules).

        Checked like every other plugin: a hook qbench does not define, or a hook argument it
        does not pass, is a :class:`~qbench.errors.QBenchError` naming the hook and the module,
        and the plugin is left unregistered.
        """
        self.load()
        registered = self._register_checked(plugin, name)
        self._registries = None
        return registered

    def _register_checked(self, plugin, name: str | None) -> str:
        where = _describe_plugin(plugin, name)
        try:
            registered = self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:  # an argument the hook does not have
            raise QBenchError(f"{where}: {' '.join(str(exc).split())}") from None
        unknown = unknown_hooks(self.pm, plugin)
        if unknown:
            self.pm.unregister(plugin)
            hook = unknown[0]
            close = difflib.get_close_matches(hook, hook_names(), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; qbench's hooks are {', '.join(hook_names())}"
            raise QBenchError(f"{where} implements unknown hook {hook!r}{hint}")
        return registered

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self._registries = None

    # ----------------------------------------------------------- registries
    def registries(self) -> dict[str, Registry]:
        self.load()
        if self._registries is None:
            self._registries = self._collect()
        return self._registries

    def _collect(self) -> dict[str, Registry]:
        regs = {k: Registry(k.replace("_", " ")) for k in ("backend", "dataset", "baseline", "model", "drawer",
                                                           *TEMPLATE_KINDS)}
        hooks = self.pm.hook
        for hook_name, fill in (
            ("qbench_register_backends", self._backend_register),
            ("qbench_register_datasets", self._dataset_register),
            ("qbench_register_baselines", self._baseline_register),
            ("qbench_register_models", self._model_register),
            ("qbench_register_templates", self._template_register),
            ("qbench_register_drawers", self._drawer_register),
        ):
            for impl in getattr(hooks, hook_name).get_hookimpls():
                plugin_name = self.pm.get_name(impl.plugin)
                call_hookimpl(impl, {"register": fill(regs, plugin_name)})
        return regs

    @staticmethod
    def _backend_register(regs, plugin_name):
        def register(name, loader, *, framework, capabilities=None, requires=(), install=None, extra=None,
                     description="", aliases=()):
            if capabilities is None and not isinstance(loader, str):
                capabilities = getattr(loader, "capabilities", None)
            if capabilities is not None and not isinstance(capabilities, DeclaredCapabilities):
                raise QBenchError(f"plugin {plugin_name!r}: backend {name!r}: capabilities= expects a "
                                  f"qbench.backends.Capabilities, got {type(capabilities).__name__}")
            spec = BackendSpec(name, loader, framework, tuple(requires), extra, plugin_name, capabilities, install)
            regs["backend"].add(Entry(name, spec, plugin_name, description, tuple(aliases)))
        return register

    @staticmethod
    def _dataset_register(regs, plugin_name):
        def register(name, loader, *, description="", aliases=(), source="generated", defaults=None,
                     angle_units=False):
            meta = {"source": source, "defaults": dict(defaults or {}), "angle_units": bool(angle_units)}
            regs["dataset"].add(Entry(name, loader, plugin_name, description, tuple(aliases), meta))
        return register

    @staticmethod
    def _baseline_register(regs, plugin_name):
        def register(name, factory, *, description="", aliases=()):
            regs["baseline"].add(Entry(name, factory, plugin_name, description, tuple(aliases)))
        return register

    @staticmethod
    def _model_register(regs, plugin_name):
        def register(name, estimator, *, task, family="", paper="", description="", aliases=(),
                     supported_backends=None, supported_modes=None):
            if name == "baseline":
                raise QBenchError(f"plugin {plugin_name!r}: 'baseline' is reserved for classical baselines")
            if task not in MODEL_TASKS:
                raise QBenchError(f"plugin {plugin_name!r}: model {name!r}: task {task!r} is not one of {MODEL_TASKS}")
            meta = {"task": task, "family": family or task, "paper": paper,
                    "supported_backends": None if supported_backends is None else tuple(supported_backends),
                    "supported_modes": None if supported_modes is None else tuple(supported_modes)}
            regs["model"].add(Entry(name, estimator, plugin_name, description, tuple(aliases), meta))
        return register

    @staticmethod
    def _drawer_register(regs, plugin_name):
        def register(framework, drawer, *, requires=(), description=""):
            regs["drawer"].add(Entry(framework, drawer, plugin_name, description, (), {"requires": tuple(requires)}))
        return register

    @staticmethod
    def _template_register(regs, plugin_name):
        def register(name, kind, factory, *, description="", aliases=()):
            if kind not in TEMPLATE_KINDS:
                raise QBenchError(f"plugin {plugin_name!r}: template kind {kind!r} is not one of {TEMPLATE_KINDS}")
            regs[kind].add(Entry(name, factory, plugin_name, description, tuple(aliases)))
        return register

    # ------------------------------------------------------------ reporting
    def plugin_infos(self) -> list[PluginInfo]:
        self.load()
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            builtin = name in BUILTIN_PLUGINS
            version = md.version("qbench") if builtin else self.versions.get(name, "?")
            infos.append(PluginInfo(name, version, hooks, builtin))
        infos += [PluginInfo(n, "?", [], False, err) for n, err in self.broken.items()]
        return infos


def hook_names() -> list[str]:
    """Every hook qbench defines."""
    return sorted(n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("qbench_"))


def unknown_hooks(pm: pluggy.PluginManager, plugin) -> list[str]:
    """Hooks ``plugin`` implements that have no specification (misspelled names, usually)."""
    return sorted(c.name for c in pm.get_hookcallers(plugin) or []
                  if not c.has_spec() and not all(i.optionalhook for i in c.get_hookimpls() if i.plugin is plugin))


def call_hookimpl(impl: pluggy.HookImpl, kwargs: dict[str, object]):
    """Call one implementation with the arguments it names, from all the hook passes.

    So an implementation may take any subset of a hook's arguments, and a hook can gain one
    without breaking the plugins written before it.
    """
    function: Callable = impl.function
    return function(**{a: kwargs[a] for a in impl.argnames})


def _describe_plugin(plugin, name: str | None) -> str:
    module = getattr(plugin, "__file__", None) or getattr(plugin, "__name__", None) or type(plugin).__name__
    label = name or getattr(plugin, "__name__", None)
    return f"plugin {label!r} ({module})" if label and label != module else f"plugin {module!r}"


#: The process-wide plugin host.
host = PluginHost()


@contextmanager
def registered(plugin, name: str | None = None):
    """Temporarily register a plugin (for tests and notebooks)."""
    registered_name = host.register(plugin, name=name)
    try:
        yield registered_name
    finally:
        host.unregister(registered_name)


# ------------------------------------------------------------------ lookups
def backend_spec(name: str) -> BackendSpec:
    return host.registries()["backend"].get(name).obj


def backend_names() -> list[str]:
    return host.registries()["backend"].names()


def open_backend(name: str, mode: str = "exact", shots: int | None = None, seed: int | None = None,
                 gradient: str | None = None, **options):
    """Instantiate a registered backend; refuses undeclared modes and gradient methods with a clear message."""
    cls = backend_spec(name).load()
    return cls(mode=mode, shots=shots, seed=seed, gradient=gradient, **options)


def _resolved(entry: Entry) -> Entry:
    """Import an entry registered as ``"module:attr"`` (so listing plugins imports none of them)."""
    if isinstance(entry.obj, str):
        module, _, attr = entry.obj.partition(":")
        try:
            entry.obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise QBenchError(f"plugin {entry.plugin!r}: {entry.name!r} points to {module}:{attr}, which cannot be "
                              f"loaded: {exc}") from None
        if not entry.description and entry.obj.__doc__:
            entry.description = entry.obj.__doc__.strip().splitlines()[0]
    return entry


def dataset_entry(name: str) -> Entry:
    """A registered data set; its loader may be given as ``"module:function"``, imported here."""
    return _resolved(host.registries()["dataset"].get(name))


def baseline_entry(name: str) -> Entry:
    """A registered baseline; its factory may be given as ``"module:function"``, imported here."""
    return _resolved(host.registries()["baseline"].get(name))


def model_entry(name: str) -> Entry:
    """A registered quantum model; its estimator may be given as ``"module:Class"``, imported here."""
    return _resolved(host.registries()["model"].get(name))


def template_entry(kind: str, name: str) -> Entry:
    return host.registries()[kind].get(name)


def make_template(kind: str, name: str, **params):
    """A feature map or ansatz instance; unknown names and parameters give a one-line error."""
    factory = template_entry(kind, name).obj
    try:
        return factory(**params)
    except TypeError as exc:
        raise QBenchError(f"{kind.replace('_', ' ')} {name!r}: bad parameters {params}: {exc}") from None


def make_observable(name: str, n_qubits: int, **params):
    factory = template_entry("observable", name).obj
    try:
        obs = factory(n_qubits, **params)
    except TypeError as exc:
        raise QBenchError(f"observable {name!r}: bad parameters {params}: {exc}") from None
    obs.check(n_qubits)
    return obs


def drawer_for(framework: str):
    """The drawer a plugin registered for ``framework``, or ``None`` when there is none or it cannot load."""
    regs = host.registries()["drawer"]
    if framework not in regs:
        return None
    entry = regs.get(framework)
    if not all(_importable(m) for m in entry.meta.get("requires", ())):
        return None
    drawer = entry.obj
    if isinstance(drawer, str):
        module, _, attr = drawer.partition(":")
        try:
            drawer = getattr(importlib.import_module(module), attr)
        except Exception:  # a broken drawer must not break a report; callers fall back to qbench's diagram
            return None
    return drawer
