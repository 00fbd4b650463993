"""qbench's asv benchmarks, generated from ``suites/asv.toml`` (see docs/asv.md).

* ``fit.<model>.time_fit`` / ``fit.<model>.peakmem_fit``
* ``predict.<model>.time_predict``
* ``quality.<model>.track_test_accuracy`` / ``track_circuit_executions`` / ``track_kernel_time``

each parameterized by ``backend``, ``dataset`` and ``qubits``.  ``_suite.py`` generates the
classes; ``_compare_envs.py`` compares one commit's results between two environments of the
version matrix in ``asv.conf.json``.
"""
