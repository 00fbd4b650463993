"""qbench plugin for Cirq: the ``cirq`` (cirq.Simulator / DensityMatrixSimulator / Google Engine)
and ``cirq.qsim`` (qsimcirq) backends.

The plugin module :mod:`qbench_cirq.plugin` imports nothing from Cirq; the backends are
imported only when used.
"""

__version__ = "0.1.0"
