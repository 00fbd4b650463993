"""Re-export (stable public path): the hook specifications live in :mod:`qbench.plugin.hookspecs`."""

from qbench.plugin.hookspecs import *  # noqa: F401,F403  -- re-export
from qbench.plugin.hookspecs import hookimpl, hookspec  # noqa: F401  -- re-export
