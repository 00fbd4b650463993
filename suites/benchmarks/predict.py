"""``time_predict`` for every model of suites/asv.toml (the model is fitted, untimed, in ``setup``)."""

from . import _suite

globals().update(_suite.classes("predict"))
