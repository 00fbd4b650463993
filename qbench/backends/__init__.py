"""Backends: the contract a framework implements for the kernel and QNN tasks, and the numpy reference.

Owns: executing circuits.  May import: errors, settings, plugin, circuits.
"""

from qbench.backends.base import GRADIENT_METHODS, MODES, Backend, Capabilities, Usage

__all__ = ["Backend", "Capabilities", "Usage", "MODES", "GRADIENT_METHODS"]
