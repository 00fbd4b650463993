"""The documented upper bounds on template size, checked before a circuit is built.

A template's repetition parameter (``reps``, ``repeats``, ``layers``, a QNN's ``reuploads``) is an integer of at
most :data:`MAX_REPETITIONS`, refused when the template is made (so a suite file is refused when it is read),
and no template builds a circuit of more than :data:`MAX_GATES` gates (counted before any gate is made).
"""

from __future__ import annotations

import numbers

from qbench.errors import TemplateError

#: The most repetitions (reps, repeats, layers, reuploads) a template takes; the literature uses 1 to 10.
MAX_REPETITIONS = 1000
#: The most gates one template circuit may have (a 20-qubit full ZZ map of 160 reps has 97,600).
MAX_GATES = 100_000


def repetitions(value: object, who: str, key: str, minimum: int = 1) -> int:
    """``value`` as an integer in ``[minimum, MAX_REPETITIONS]``; a one-line :class:`TemplateError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not minimum <= value <= MAX_REPETITIONS:
        raise TemplateError(f"{who}: {key} must be an integer from {minimum} to {MAX_REPETITIONS}, got {value!r}")
    return int(value)


def check_gates(count: int, who: str, n_qubits: int) -> None:
    """Refuse a circuit of more than :data:`MAX_GATES` gates before it is built."""
    if count > MAX_GATES:
        raise TemplateError(f"{who} on {n_qubits} qubits would have {count:,} gates; the limit is {MAX_GATES:,} "
                            f"(use fewer repetitions or qubits)")


def repetition_constraint(minimum: int = 1) -> list:
    """A model's repetition count (layers, copies, channels) as a scikit-learn ``_parameter_constraints`` entry: an
    integer from ``minimum`` to :data:`MAX_REPETITIONS`, refused when parameters are checked (before any data)."""
    from sklearn.utils._param_validation import Interval

    return [Interval(numbers.Integral, minimum, MAX_REPETITIONS, closed="both")]
