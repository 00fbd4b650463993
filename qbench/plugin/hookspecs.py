"""Every qbench hook, in one place.  Each is documented in docs/plugins.md.

Registry hooks hand the plugin a ``register`` callback (typed in :mod:`qbench.plugin.callbacks`),
so the core owns names, aliases and duplicate detection.  An implementation may accept a
subset of a hook's arguments (each is passed by name), so hooks only ever gain arguments.
"""

from __future__ import annotations

import pluggy

from qbench.plugin.callbacks import (RegisterBackend, RegisterBaseline, RegisterDataset, RegisterDrawer,
                                     RegisterModel, RegisterTemplate)

hookspec = pluggy.HookspecMarker("qbench")
hookimpl = pluggy.HookimplMarker("qbench")


@hookspec
def qbench_register_backends(register: RegisterBackend) -> None:
    """Register backends: a framework's implementation of the kernel and QNN tasks.

    :param register: ``register(name, loader, *, framework, capabilities, requires=(),
        install=None, extra=None, description="", aliases=())``.  ``loader`` is
        ``"module:Class"`` (imported only when the backend is used, so the plugin loads
        without its framework) or a :class:`qbench.backends.Backend` subclass.
        ``capabilities`` is the backend's :class:`qbench.backends.Capabilities`, the very
        object its class uses (required with a ``"module:Class"`` loader), so suites are
        checked without importing the framework.  ``requires`` lists importable module
        names; when one is missing the backend shows as unavailable with the ``install``
        hint (default ``pip install "qbench[extra]"``, or the missing modules).
    """


@hookspec
def qbench_register_datasets(register: RegisterDataset) -> None:
    """Register data sets.

    :param register: ``register(name, loader, *, description="", source="generated",
        defaults=None, aliases=(), angle_units=False)``.  ``loader`` (a function, or ``"module:function"``
        imported on first use) is called as ``loader(n_samples, n_features, seed, **params)``
        and returns ``(X, y)``; it must be deterministic for a seed and work offline.  ``angle_units=True``
        marks features that are already angles: suites do not rescale them by default.
    """


@hookspec
def qbench_register_baselines(register: RegisterBaseline) -> None:
    """Register classical baselines.

    :param register: ``register(name, factory, *, description="", aliases=())``.
        ``factory`` (a function, or ``"module:function"`` imported on first use) is called as
        ``factory(random_state=None, cv=5, **params)`` and returns an unfitted
        scikit-learn classifier (hyperparameter search included, if any).
    """


@hookspec
def qbench_register_templates(register: RegisterTemplate) -> None:
    """Register circuit templates: feature maps, ansaetze and observables.

    :param register: ``register(name, kind, factory, *, description="", aliases=())``
        with ``kind`` one of ``"feature_map"``, ``"ansatz"``, ``"observable"``.
        Feature maps and ansaetze: ``factory(**params)`` returns an object with
        ``circuit(n_qubits)`` (and ``angles(X)`` for feature maps).  Observables:
        ``factory(n_qubits, **params)`` returns a :class:`qbench.circuits.Observable`.
    """


@hookspec
def qbench_register_drawers(register: RegisterDrawer) -> None:
    """Register circuit drawers: how a framework draws a framework-neutral circuit.

    :param register: ``register(framework, drawer, *, requires=(), description="")``.
        ``drawer`` is ``"module:function"`` (imported on first use) or a callable
        ``drawer(circuit, fmt) -> str | bytes`` with ``fmt`` one of ``"text"``, ``"svg"``,
        ``"png"``; it raises :class:`qbench.errors.QBenchError` for a format it cannot
        write.  ``qbench draw --backend B`` uses the drawer of B's framework.
    """


@hookspec
def qbench_register_models(register: RegisterModel) -> None:
    """Register quantum models: the scikit-learn estimators a suite's ``[[models]] kind`` names.

    :param register: ``register(name, estimator, *, task, family="", paper="", description="",
        aliases=(), supported_backends=None, supported_modes=None)``.  ``estimator`` is ``"module:Class"`` (imported on first use) or the class:
        a scikit-learn classifier that accepts the runner's parameters (``n_qubits``, ``reduction``,
        ``scaling``, ``backend``, ``mode``, ``shots``, ``backend_options``, ``random_state``), as
        :class:`qbench.models.encoding.QuantumModelMixin` provides.  ``task`` is the backend task it
        needs, ``"kernel"`` (Gram matrices) or ``"qnn"`` (expectation values and gradients);
        ``family`` groups models in listings (``"kernel"``, ``"variational"``, ...); ``paper`` cites
        the model's source.  ``supported_backends`` / ``supported_modes``: the only backends and
        modes the model runs on (``None``: all that declare its task), as its estimator class
        declares them; ``qbench models`` reads them here without importing the estimator.
    """
