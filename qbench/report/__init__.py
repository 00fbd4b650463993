"""The dashboard: ``qbench report`` turns the results store into a static HTML site.

Owns: pages and plots.  May import: every earlier stage up to run; it reads stored rows only and never writes.
"""

from qbench.report.site import Site, build_site

__all__ = ["build_site", "Site"]
