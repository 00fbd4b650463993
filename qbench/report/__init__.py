"""The comparison dashboard: ``qbench report`` turns the results store into a static HTML site.

Data flows one way: the store, read through :mod:`qbench.results`, into pages
(:mod:`~qbench.report.overview`, :mod:`~qbench.report.suite_page`) built from one module
per plot family (:mod:`~qbench.report.accuracy`, :mod:`~qbench.report.runtime`,
:mod:`~qbench.report.kernels`, :mod:`~qbench.report.qnn`, :mod:`~qbench.report.circuits`)
and :mod:`~qbench.report.tables`.  Nothing here writes to the store.
"""

from qbench.report.site import Site, build_site

__all__ = ["build_site", "Site"]
