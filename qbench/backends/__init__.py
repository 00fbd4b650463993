"""Backends: a framework's implementation of the kernel and QNN tasks."""

from qbench.backends.base import GRADIENT_METHODS, MODES, Backend, Capabilities, Usage

__all__ = ["Backend", "Capabilities", "Usage", "MODES", "GRADIENT_METHODS"]
