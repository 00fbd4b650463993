"""One exact Gram matrix computed as tiles across a Dask cluster, into a memory-mapped ``.npy`` file.

No process holds the whole matrix or all states: a task computes the states of one row tile and
one column tile on a worker (any backend with state vectors) and returns their overlap tile;
the client writes each tile into the file as it arrives, with a bounded number of tiles in
flight.  With ``write="worker"`` (a filesystem every worker sees, as on one machine) workers write
their tiles into the file themselves and return nothing.  The cluster is a ``LocalCluster`` by
default, an existing scheduler by ``address``, or any ``distributed.Client`` (a SLURM cluster from
``dask-jobqueue``, say; docs/runner.md).  zarr is not installed here, hence ``.npy``.

Until every tile is in, the matrix is ``NAME.unfinished.npy`` with a journal ``NAME.tiles`` listing
the finished tiles (each appended after its tile is flushed to the file); a re-run with the same
inputs resumes from them and computes only the missing tiles.  The finished matrix is renamed to
``NAME.npy`` and the journal removed, so a file named ``NAME.npy`` is always complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from itertools import islice
from pathlib import Path

import numpy as np

from qbench.backends.gram import overlap_block
from qbench.errors import QBenchError


def _tile_states(backend: str, options: dict, circuit, angles: np.ndarray) -> np.ndarray:
    from qbench.plugin.manager import open_backend

    return open_backend(backend, **options).states(circuit, angles)


def compute_tile(backend: str, options: dict, circuit, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    """|<phi(r)|phi(c)>|^2 for one tile; ``cols=None`` is a diagonal tile of a symmetric Gram."""
    sa = _tile_states(backend, options, circuit, rows)
    sb = sa.copy() if cols is None else _tile_states(backend, options, circuit, cols)
    return overlap_block(sa, sb)


def _write_tile(path: str, i: int, j: int, block: np.ndarray, mirror: bool) -> None:
    out = np.load(path, mmap_mode="r+")
    out[i:i + block.shape[0], j:j + block.shape[1]] = block
    if mirror:
        out[j:j + block.shape[1], i:i + block.shape[0]] = block.T
    out.flush()
    del out


def _worker_tile(backend, options, circuit, rows, cols, path, i, j, mirror) -> tuple[int, int]:
    _write_tile(path, i, j, compute_tile(backend, options, circuit, rows, cols), mirror)
    return i, j


def tile_jobs(n_a: int, n_b: int | None, tile: int) -> list[tuple[int, int]]:
    """Tile origins (i, j); for a symmetric Gram (``n_b=None``) the upper block triangle only."""
    if n_b is None:
        return [(i, j) for i in range(0, n_a, tile) for j in range(i, n_a, tile)]
    return [(i, j) for i in range(0, n_a, tile) for j in range(0, n_b, tile)]


def tiled_gram(circuit, angles_a: np.ndarray, angles_b: np.ndarray | None = None, *, path: str | Path,
               backend: str = "numpy", backend_options: dict | None = None, tile: int = 2048, client=None,
               address: str | None = None, n_workers: int = 2, memory_limit: str = "2GB", write: str = "client",
               max_in_flight: int | None = None) -> np.memmap:
    """K[i, j] = |<phi(a_i)|phi(b_j)>|^2 into ``path`` (a ``.npy`` file), tile by tile on Dask; returns it memory-mapped.

    ``client``: a ``distributed.Client`` to use; else ``address`` of a running scheduler; else a
    ``LocalCluster`` of ``n_workers`` single-threaded workers with ``memory_limit`` each, closed afterwards.
    """
    from distributed import Client, LocalCluster, as_completed

    if write not in ("client", "worker"):
        raise QBenchError(f"write must be 'client' or 'worker', got {write!r}")
    if int(tile) < 1:
        raise QBenchError(f"tile must be a positive number of samples, got {tile}")
    tile, options = int(tile), dict(backend_options or {})
    a = np.asarray(angles_a, dtype=float)
    b = None if angles_b is None else np.asarray(angles_b, dtype=float)
    symmetric = b is None
    shape = (len(a), len(a) if symmetric else len(b))
    final = Path(path).with_suffix(".npy")
    jobs = tile_jobs(len(a), None if symmetric else len(b), tile)
    fingerprint = _fingerprint(circuit, a, b, tile, backend, options)
    partial, journal, finished = _resume_or_start(final, shape, fingerprint)
    final.unlink(missing_ok=True)  # an older matrix under this name must not look like this one, finished
    path = str(partial)
    todo = [job for job in jobs if job not in finished]
    own = None
    if client is None:
        if address is not None:
            client = own = Client(address)
        else:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, memory_limit=memory_limit,
                                   dashboard_address=None)
            client = own = Client(cluster)
    try:
        n_workers_now = max(len(client.scheduler_info().get("workers", {})), 1)
        window = max_in_flight or 2 * n_workers_now
        circuit_f = client.scatter(circuit, broadcast=True, hash=False)

        def submit(i, j):
            rows = a[i:i + tile]
            cols = None if symmetric and i == j else (a if symmetric else b)[j:j + tile]
            mirror = symmetric and i != j
            if write == "worker":
                return client.submit(_worker_tile, backend, options, circuit_f, rows, cols, path, i, j, mirror, pure=False)
            fut = client.submit(compute_tile, backend, options, circuit_f, rows, cols, pure=False)
            fut.origin = (i, j, mirror)
            return fut

        pending = iter(todo)
        running = as_completed([submit(*job) for job in islice(pending, window)])
        t0 = time.perf_counter()
        for fut in running:
            if write == "client":
                i, j, mirror = fut.origin
                _write_tile(path, i, j, fut.result(), mirror)
            else:
                i, j = fut.result()
            _journal_tile(journal, i, j)  # only after the tile is in the file: a re-run skips it
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                running.add(submit(*nxt))
        tiled_gram.last_seconds = time.perf_counter() - t0
    finally:
        if own is not None:
            cluster = getattr(own, "cluster", None)
            own.close()
            if cluster is not None and address is None:
                cluster.close()
    os.replace(partial, final)  # complete: only now does the file get its name
    journal.unlink(missing_ok=True)
    return np.load(final, mmap_mode="r")


def unfinished_paths(final: Path) -> tuple[Path, Path]:
    """Where an unfinished Gram lives (``NAME.unfinished.npy``) and its journal of finished tiles."""
    return final.with_name(f"{final.stem}.unfinished.npy"), final.with_name(f"{final.stem}.tiles")


def _fingerprint(circuit, a: np.ndarray, b: np.ndarray | None, tile: int, backend: str, options: dict) -> str:
    """What determines the tiles: a journal of other inputs is never resumed from."""
    h = hashlib.sha256()
    for part in (pickle.dumps(circuit), a.tobytes(), repr(a.shape), b"-" if b is None else b.tobytes(),
                 repr(None if b is None else b.shape), repr(tile), backend, json.dumps(options, sort_keys=True,
                                                                                        default=repr)):
        h.update(part if isinstance(part, bytes) else part.encode())
    return h.hexdigest()


def _resume_or_start(final: Path, shape: tuple[int, int], fingerprint: str) -> tuple[Path, Path, set]:
    """The unfinished file, its journal and the tiles it records as finished (none when starting afresh)."""
    partial, journal = unfinished_paths(final)
    if partial.exists() and journal.exists():
        lines = journal.read_text(encoding="ascii", errors="replace").split("\n")[:-1]  # a torn last line: not done
        if lines and lines[0] == f"qbench tiled gram {fingerprint} {shape[0]} {shape[1]}":
            done = set()
            for line in lines[1:]:
                parts = line.split()
                if len(parts) == 2 and all(p.isdigit() for p in parts):
                    done.add((int(parts[0]), int(parts[1])))
            return partial, journal, done
    out = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float64, shape=shape)
    del out
    journal.write_text(f"qbench tiled gram {fingerprint} {shape[0]} {shape[1]}\n", encoding="ascii")
    return partial, journal, set()


def _journal_tile(journal: Path, i: int, j: int) -> None:
    with open(journal, "a", encoding="ascii") as fh:
        fh.write(f"{i} {j}\n")
        fh.flush()
        os.fsync(fh.fileno())
