"""Credentials: which option keys hold them, and the one way they are kept out of stored results.

Every stage that handles options or errors (plugins, suite jobs, the runner, the worker)
uses these functions, so there is one word list.  A credential's value is never hashed,
stored or shown: it is replaced by :data:`SCRUBBED`.
"""

from __future__ import annotations

import json
import re

#: Option keys whose values are credentials.
SECRET_KEY = re.compile(r"token|api[_-]?key|apikey|password|passwd|secret|credential|auth", re.IGNORECASE)
SCRUBBED = "***"


def is_secret_key(key: object) -> bool:
    """True for an option name that looks like a credential (``token``, ``api_key``, ``password`` ...)."""
    return isinstance(key, str) and SECRET_KEY.search(key) is not None


def scrub(value):
    """A copy with every credential-like key's value replaced (nested tables and lists included)."""
    if isinstance(value, dict):
        return {k: (SCRUBBED if is_secret_key(k) else scrub(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def secret_values(value) -> list[str]:
    """The credential strings inside ``value`` (to blank them out of error messages and tracebacks)."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if is_secret_key(k) and isinstance(v, (str, int)) and len(str(v)) >= 4:
                out.append(str(v))
            else:
                out += secret_values(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            out += secret_values(v)
    return out


def blank(text: str | None, secrets: list[str]) -> str | None:
    """``text`` with every credential value in it replaced."""
    if text is None:
        return None
    for s in secrets:
        text = text.replace(s, SCRUBBED)
    return text


def blank_row(row: dict, secrets: list[str]) -> dict:
    """Replace every credential value that appears anywhere in a row's text (messages, tracebacks, artifacts)."""
    if not secrets:
        return row
    text = json.dumps(row, default=str)
    if not any(s in text for s in secrets):
        return row
    for s in secrets:
        text = text.replace(json.dumps(s)[1:-1], SCRUBBED)
    return json.loads(text)


__all__ = ["SECRET_KEY", "SCRUBBED", "is_secret_key", "scrub", "secret_values", "blank", "blank_row"]
