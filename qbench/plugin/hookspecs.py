"""Every qbench hook, in one place.  Each is documented in docs/plugins.md.

Registry hooks hand the plugin a ``register`` callback, so the core owns names,
aliases and duplicate detection.  An implementation may accept a subset of a
hook's arguments, so hooks only ever gain arguments.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("qbench")
hookimpl = pluggy.HookimplMarker("qbench")


@hookspec
def qbench_register_backends(register) -> None:
    """Register backends: a framework's implementation of the kernel and QNN tasks.

    :param register: ``register(name, loader, *, framework, requires=(), extra=None,
        description="", aliases=())``.  ``loader`` is ``"module:Class"`` (imported only
        when the backend is used, so the plugin loads without its framework) or a
        :class:`qbench.backends.Backend` subclass.  ``requires`` lists importable
        module names; when one is missing the backend shows as unavailable with the
        ``pip install "qbench[extra]"`` hint.
    """


@hookspec
def qbench_register_datasets(register) -> None:
    """Register data sets.

    :param register: ``register(name, loader, *, description="", source="generated",
        defaults=None, aliases=())``.  ``loader(n_samples, n_features, seed, **params)``
        returns ``(X, y)``; it must be deterministic for a seed and work offline.
    """


@hookspec
def qbench_register_baselines(register) -> None:
    """Register classical baselines.

    :param register: ``register(name, factory, *, description="", aliases=())``.
        ``factory(random_state=None, cv=5, **params)`` returns an unfitted
        scikit-learn classifier (hyperparameter search included, if any).
    """


@hookspec
def qbench_register_templates(register) -> None:
    """Register circuit templates: feature maps, ansaetze and observables.

    :param register: ``register(name, kind, factory, *, description="", aliases=())``
        with ``kind`` one of ``"feature_map"``, ``"ansatz"``, ``"observable"``.
        Feature maps and ansaetze: ``factory(**params)`` returns an object with
        ``circuit(n_qubits)`` (and ``angles(X)`` for feature maps).  Observables:
        ``factory(n_qubits, **params)`` returns a :class:`qbench.circuits.Observable`.
    """


@hookspec
def qbench_register_drawers(register) -> None:
    """Register circuit drawers: how a framework draws a framework-neutral circuit.

    :param register: ``register(framework, drawer, *, requires=(), description="")``.
        ``drawer`` is ``"module:function"`` (imported on first use) or a callable
        ``drawer(circuit, fmt) -> str | bytes`` with ``fmt`` one of ``"text"``, ``"svg"``,
        ``"png"``; it raises :class:`qbench.errors.QBenchError` for a format it cannot
        write.  ``qbench draw --backend B`` uses the drawer of B's framework.
    """
