"""``track_test_accuracy``, ``track_circuit_executions`` and ``track_kernel_time`` for every model of suites/asv.toml.

The suite's jobs run once per environment in ``setup_cache`` (``qbench.run.evaluate.evaluate``, the numbers
``qbench run`` stores); every class reads that one result.
"""

from . import _suite

globals().update(_suite.classes("quality"))
