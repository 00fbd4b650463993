"""A process-wide cache of Gram matrices keyed by the data, the circuit and the backend configuration.

It lets a grid search over C (and repeated predictions) reuse one Gram matrix per
(feature-map setting, fold) instead of recomputing it for every candidate.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=64)
def _config_digest(config_json: str) -> bytes:
    return hashlib.blake2b(config_json.encode(), digest_size=20).digest()


@lru_cache(maxsize=256)
def _circuit_digest(circuit) -> bytes:
    """A circuit's digest, computed once per circuit (its ``repr`` lists every gate)."""
    return hashlib.blake2b(repr(circuit).encode(), digest_size=20).digest()


class KernelCache:
    """LRU cache bounded by bytes; counts hits and computations."""

    def __init__(self, max_bytes: int = 512 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._store: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(config: dict, circuit, a: np.ndarray, b: np.ndarray | None) -> str:
        """Digest of what determines a Gram matrix: backend configuration, circuit and data (bytes, not copies)."""
        h = hashlib.blake2b(digest_size=20)
        h.update(_config_digest(json.dumps(config, sort_keys=True, default=str)))
        h.update(_circuit_digest(circuit))
        for arr in (a, b):
            if arr is None:
                h.update(b"none")
            else:
                arr = np.ascontiguousarray(arr, dtype=float)
                h.update(str(arr.shape).encode())
                h.update(memoryview(arr).cast("B"))
        return h.hexdigest()

    def get_or_compute(self, key: str, compute) -> np.ndarray:
        if key in self._store:
            self.hits += 1
            self._store.move_to_end(key)
            return self._store[key]
        self.misses += 1
        value = np.asarray(compute())
        value.setflags(write=False)
        if value.nbytes <= self.max_bytes:
            self._store[key] = value
            self._bytes += value.nbytes
            while self._bytes > self.max_bytes:
                _, old = self._store.popitem(last=False)
                self._bytes -= old.nbytes
        return value

    def stats(self) -> dict:
        return {"hits": self.hits, "computations": self.misses, "entries": len(self._store), "bytes": self._bytes}

    def clear(self) -> None:
        self._store.clear()
        self._bytes = 0
        self.hits = self.misses = 0


#: The cache the estimators use when ``cache=True``.
default_cache = KernelCache()
