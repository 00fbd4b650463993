"""A model kind registered by a plugin shows up in the plots and tables of its backend task (``task_of``)."""

from __future__ import annotations

import types

import pytest

from qbench.plugin import manager as plugins
from qbench.plugin.hookspecs import hookimpl
from qbench.report import answer, kernels, qnn, runtime
from qbench.report.suite_data import SuiteData
from qbench.results import tables as results
from report_helpers import SUITE

RENAMED = {"kernel": "renamed_kernel", "qnn": "renamed_qnn"}


def _register(register) -> None:
    from qbench.models.kernel import QuantumKernelClassifier
    from qbench.models.qnn import QNNClassifier

    register("renamed_kernel", QuantumKernelClassifier, task="kernel", family="kernel")
    register("renamed_qnn", QNNClassifier, task="qnn", family="variational")


def plugin() -> types.ModuleType:
    mod = types.ModuleType("plugin_renamed_models")
    mod.qbench_register_models = hookimpl(_register)
    return mod


def renamed_suite(store_path) -> SuiteData:
    jobs = results.load(store_path, suite=SUITE)
    jobs["kind"] = jobs["kind"].map(lambda k: RENAMED.get(k, k))
    return SuiteData(SUITE, jobs, results.compare(jobs))


def drawn(suite: SuiteData) -> dict[str, bool]:
    figures = [*kernels.heatmaps(suite)[0], kernels.concentration(suite), qnn.loss_curves(suite),
               qnn.gradient_variance(suite), *runtime.runtime_figures(suite)]
    return {f.id: bool(f.data) and not f.empty for f in figures}


def test_registered_kinds_are_drawn_with_their_task(store_path):
    with plugins.registered(plugin()):
        suite = renamed_suite(store_path)
        figures = drawn(suite)
        speed = answer.speed_ratios([suite])
    for fig in ("kernel-heatmap-0", "kernel-concentration", "qnn-loss", "qnn-gradient", "runtime-qubits-kernel",
                "runtime-qubits-qnn"):
        assert figures.get(fig), (fig, figures)
    assert set(speed["kind"]) == {"kernel", "qnn"}


def test_an_unregistered_kind_is_not_drawn_as_a_kernel_or_a_qnn(store_path):
    figures = drawn(renamed_suite(store_path))  # no plugin: task_of reads the unknown kind as its own name
    assert not figures.get("kernel-concentration") and not figures.get("qnn-loss")
