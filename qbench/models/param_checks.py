"""Checks of an estimator's parameters that scikit-learn's ``_parameter_constraints`` leave out, shared by the suite
parser (``qbench run``) and ``qbench evaluate --param`` so both refuse the same values with the same words."""

from __future__ import annotations


def builds_its_template(est) -> bool:
    """Whether ``est._feature_map()`` makes a circuit template from the estimator's own parameters (so calling it
    checks their sizes and ranges before any data): a model of a feature map given as ``feature_map_params``, or one
    that builds its circuit itself (the kitchen sinks, the separable kernel)."""
    from qbench.models.encoding import QuantumModelMixin

    make = getattr(type(est), "_feature_map", None)
    return make is not None and (hasattr(est, "feature_map_params") or make is not QuantumModelMixin._feature_map)


def takes_bool(constraints) -> bool:
    """Whether a ``_parameter_constraints`` entry means to take a bool (scikit-learn's numeric intervals take
    ``True`` as 1 all the same)."""
    if not isinstance(constraints, list):
        return True  # "no_validation"
    return any(c in ("boolean", "verbose", "no_validation") or c is bool or c is object for c in constraints)


def bool_for_number(est, key: str, value) -> str | None:
    """``None``, or what ``key`` must be when ``value`` is a bool that the estimator would read as the number 0 or 1
    (``true`` for a layer count in a suite file, say)."""
    from sklearn.utils._param_validation import Interval

    constraints = getattr(est, "_parameter_constraints", {}).get(key)
    if not isinstance(value, bool) or constraints is None or takes_bool(constraints):
        return None
    return " or ".join(str(c) for c in constraints if isinstance(c, Interval)) or "not a bool"


__all__ = ["bool_for_number", "builds_its_template", "takes_bool"]
