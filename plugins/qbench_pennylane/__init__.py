"""qbench plugin for PennyLane: the ``pennylane``, ``pennylane.lightning`` and ``pennylane.native`` backends.

Importing this package (and :mod:`qbench_pennylane.plugin`) does not import PennyLane;
the backends in :mod:`qbench_pennylane.backend` do, and are loaded only when used.
"""

__version__ = "0.1.0"
