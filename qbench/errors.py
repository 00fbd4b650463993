"""Errors the user can act on.  The CLI prints their message on one line and exits non-zero."""


class QBenchError(ValueError):
    """Base class: bad input or an unsupported request, explained in one line."""


class UnknownNameError(QBenchError):
    """A backend, data set, template or baseline name that no plugin registered."""


class CapabilityError(QBenchError):
    """A backend asked for a mode, gradient method or width it does not declare."""


class UnavailableError(QBenchError):
    """A plugin whose framework is not installed."""


class TemplateError(QBenchError):
    """Invalid template parameters."""


class DataError(QBenchError):
    """Invalid input data (NaN, too many features, one class, ...)."""
