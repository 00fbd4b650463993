"""Name registries filled by plugins: the core owns names, aliases and duplicate checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qbench.errors import QBenchError, UnknownNameError


@dataclass
class Entry:
    name: str
    obj: Any
    plugin: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)


class Registry:
    """Names of one kind (``backend``, ``data set``, ...) mapped to the entries plugins registered."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}
        self._aliases: dict[str, str] = {}

    def add(self, entry: Entry) -> None:
        for name in (entry.name, *entry.aliases):
            owner = self._entries.get(name) or self._entries.get(self._aliases.get(name, ""))
            if owner is not None:
                raise QBenchError(
                    f"{self.kind} name {name!r} registered twice: by plugin {owner.plugin!r} and by {entry.plugin!r}")
        self._entries[entry.name] = entry
        for alias in entry.aliases:
            self._aliases[alias] = entry.name

    def get(self, name: str) -> Entry:
        key = self._aliases.get(name, name)
        if key not in self._entries:
            raise UnknownNameError(f"unknown {self.kind} {name!r}; valid names: {', '.join(self.names()) or '(none)'}")
        return self._entries[key]

    def __contains__(self, name: str) -> bool:
        return self._aliases.get(name, name) in self._entries

    def names(self) -> list[str]:
        return sorted(self._entries)

    def entries(self) -> list[Entry]:
        return [self._entries[n] for n in self.names()]
