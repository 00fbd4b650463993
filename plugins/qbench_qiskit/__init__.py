"""qbench plugin for Qiskit: the ``qiskit`` (fast exact / shots / noisy / hardware) and ``qiskit.native`` backends.

Importing this package imports nothing from Qiskit; the backend classes live in
:mod:`qbench_qiskit.backend` and are loaded only when a backend is opened.
"""

__all__: list[str] = []
