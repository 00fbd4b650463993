"""Reading a parsed TOML document against a schema: typed keys, unknown keys refused, errors that name the key path.

A :class:`Table` wraps one TOML table.  Its ``take(key, check, default)`` pops and checks one
value; any key the schema does not list is an error naming the valid keys.  Every error is a
:class:`SuiteError` of the form ``FILE: KEY.PATH: expected ..., got ...``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from qbench.errors import QBenchError
from qbench.settings import parse_bytes

_MISSING = object()


class SuiteError(QBenchError):
    """A suite file that is not valid TOML or does not match the suite schema."""


def describe(value: Any) -> str:
    """A short description of a bad value for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}" if not isinstance(value, (str, int, float)) else text


class Table:
    """One table of the document being read: ``file`` and ``path`` say where it is."""

    def __init__(self, file: str, path: str, data: Any, keys: tuple[str, ...]) -> None:
        self.file, self.path = file, path
        if not isinstance(data, dict):
            self.fail(path, f"expected a table, got {describe(data)}")
        unknown = [k for k in data if k not in keys]
        if unknown:
            self.fail(self.key(unknown[0]), f"unknown key; valid keys here: {', '.join(keys)}")
        self.data = dict(data)

    def key(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, where: str, problem: str):
        raise SuiteError(f"{self.file}: {where or '(top level)'}: {problem}")

    def has(self, key: str) -> bool:
        return key in self.data

    def take(self, key: str, check: Callable[[Any], Any], default: Any = _MISSING) -> Any:
        """The checked value of ``key``; ``default`` when absent (absent without a default is an error)."""
        if key not in self.data:
            if default is _MISSING:
                self.fail(self.key(key), "required key is missing")
            return default
        value = self.data.pop(key)
        try:
            return check(value)
        except Expected as exc:
            self.fail(self.key(key) + exc.subpath, f"expected {exc.expected}, got {describe(exc.value)}")

    def sub(self, key: str, keys: tuple[str, ...], default: Any = _MISSING) -> "Table | None":
        """A nested table read with its own schema."""
        if key not in self.data:
            if default is _MISSING:
                self.fail(self.key(key), "required table is missing")
            return default
        return Table(self.file, self.key(key), self.data.pop(key), keys)

    def tables(self, key: str, keys: tuple[str, ...], required: bool = True) -> list["Table"]:
        """An array of tables (``[[key]]``)."""
        if key not in self.data:
            if required:
                self.fail(self.key(key), f"required; add at least one [[{key}]] table")
            return []
        items = self.data.pop(key)
        if not isinstance(items, list) or (required and not items):
            self.fail(self.key(key), f"expected a non-empty array of tables ([[{key}]]), got {describe(items)}")
        return [Table(self.file, f"{self.key(key)}[{i}]", item, keys) for i, item in enumerate(items)]


class Expected(Exception):
    """Raised by a check: what the value should have been (``subpath`` points inside lists and tables)."""

    def __init__(self, expected: str, value: Any, subpath: str = "") -> None:
        self.expected, self.value, self.subpath = expected, value, subpath


# ------------------------------------------------------------------ checks
def integer(minimum: int | None = None, below: int | None = None) -> Callable[[Any], int]:
    """An integer ``>= minimum`` and ``< below`` (either bound optional)."""
    what = "an integer" + (f" >= {minimum}" if minimum is not None else "")
    if below is not None:
        power = below.bit_length() - 1
        what += f" and < 2**{power}" if below == 2**power and power > 16 else f" and <= {below - 1:,}"

    def check(v):
        if isinstance(v, bool) or not isinstance(v, int) or (minimum is not None and v < minimum) \
                or (below is not None and v >= below):
            raise Expected(what, v)
        return v
    return check


def non_finite(value: Any, path: str = "") -> str | None:
    """The key path of the first NaN or infinite number anywhere in a parsed document (None when there is none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        found = non_finite(v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else str(k))
        if found is not None:
            return found
    return None


def number(low: float | None = None, high: float | None = None, open_low: bool = False) -> Callable[[Any], float]:
    what = "a number" + (f" > {low}" if open_low and low is not None else f" >= {low}" if low is not None else "") + \
        (f" and <= {high}" if high is not None else "")

    def check(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise Expected(what, v)
        if low is not None and (v <= low if open_low else v < low):
            raise Expected(what, v)
        if high is not None and v > high:
            raise Expected(what, v)
        return v
    return check


def string(choices: tuple[str, ...] | None = None, pattern: str | None = None, what: str = "a string"):
    if choices:
        what = "one of " + ", ".join(repr(c) for c in choices)

    def check(v):
        if not isinstance(v, str) or (choices and v not in choices) or (pattern and not re.fullmatch(pattern, v)):
            raise Expected(what, v)
        return v
    return check


def boolean(v):
    if not isinstance(v, bool):
        raise Expected("true or false", v)
    return v


def table(v):
    if not isinstance(v, dict):
        raise Expected("a table", v)
    return dict(v)


def one_or_list(item: Callable[[Any], Any], what: str) -> Callable[[Any], list]:
    """A value or a non-empty list of values, as a list (the suite's axes of the Cartesian product)."""

    def check(v):
        values = v if isinstance(v, list) else [v]
        if not values:
            raise Expected(f"{what} or a non-empty list of them", v)
        out = []
        for i, x in enumerate(values):
            try:
                out.append(item(x))
            except Expected as exc:
                where = (f"[{i}]" if isinstance(v, list) else "") + exc.subpath
                raise Expected(exc.expected, exc.value, where) from None
        if len(set(map(repr, out))) != len(out):
            raise Expected("a list without duplicates", v)
        return out
    return check


def grid_table(v):
    """A hyperparameter grid: every value a non-empty list."""
    if not isinstance(v, dict):
        raise Expected("a table of parameter = [values]", v)
    for k, values in v.items():
        if not isinstance(values, list) or not values:
            raise Expected("a non-empty list of values", values, f".{k}")
    return {k: list(values) for k, values in v.items()}


def byte_size(v):
    """Bytes, from an integer or a string such as ``"512 MiB"`` or ``"2GB"`` (parsed by :func:`qbench.settings.parse_bytes`)."""
    try:
        return parse_bytes(v)
    except ValueError as exc:
        raise Expected(str(exc), v) from None


def parse_byte_size(v: Any, what: str = "memory limit") -> int:
    """:func:`byte_size` for values from the command line or the API."""
    try:
        return byte_size(v)
    except Expected as exc:
        raise QBenchError(f"{what}: expected {exc.expected}, got {describe(v)}") from None
