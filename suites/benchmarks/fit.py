"""``time_fit`` and ``peakmem_fit`` for every model of suites/asv.toml: one class per model, parameters backend x dataset x qubits."""

from . import _suite

globals().update(_suite.classes("fit"))
