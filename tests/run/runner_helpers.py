"""Helpers for the runner tests: tiny suite snippets, one-line error checks, file fingerprints, store rows."""

from __future__ import annotations

import hashlib
import sqlite3
import textwrap
from pathlib import Path


HERE = Path(__file__).parent
FAULTY = HERE / "faulty_backends.py"

#: A data set and models small enough that a job takes well under a second on the numpy backend.
TINY_DATA = """
[[datasets]]
name = "moons"
n_samples = 30
params = { noise = 0.1 }
"""
KERNEL = """
[[models]]
name = "qsvm"
kind = "kernel"
params = { feature_map = "zz", feature_map_params = { reps = 1 } }
grid = { C = [0.5, 5.0] }
"""
QNN = """
[[models]]
name = "qnn"
kind = "qnn"
params = { ansatz_params = { layers = 1 }, max_iter = 5, batch_size = 32 }
"""
BASELINE = """
[[models]]
name = "svc_linear"
kind = "baseline"
grid = { C = [0.1, 1.0] }
"""


def suite_text(name: str, head: str = "", body: str = TINY_DATA + KERNEL + BASELINE) -> str:
    return f'[suite]\nname = "{name}"\n' + textwrap.dedent(head).strip() + "\n" + textwrap.dedent(body)


def one_line_error(code: int, err: str, fragment: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert fragment in lines[0], lines[0]
    return lines[0]


def file_state(path: Path) -> tuple | None:
    """Bytes hash, size and mtime of a file and whether SQLite side files exist (to prove it was not touched)."""
    if not path.exists():
        return None
    data = path.read_bytes()
    side = tuple(Path(str(path) + s).exists() for s in ("-wal", "-shm", "-journal"))
    return hashlib.sha256(data).hexdigest(), len(data), path.stat().st_mtime_ns, side


def rows(db: Path, where: str = "1") -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM jobs WHERE {where} ORDER BY label")]
    finally:
        conn.close()


def newer_schema_store(path: Path, versions_ahead: int = 1) -> Path:
    """A qbench store whose schema version is ``versions_ahead`` past this qbench's (as a newer release would write)."""
    from qbench.results.store import SCHEMA_VERSION, Store

    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + versions_ahead}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path
