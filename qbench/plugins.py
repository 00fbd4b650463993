"""Re-export (stable public path): the plugin manager lives in :mod:`qbench.plugin.manager`."""

from qbench.plugin.manager import *  # noqa: F401,F403  -- re-export
from qbench.plugin.manager import (  # noqa: F401  -- re-export
    host, open_backend, registered, backend_spec, backend_names, make_template, make_observable)
