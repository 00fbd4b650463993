"""Helpers for the results tests: the v1 fixture copied out, tiny suites, a counting backend's log, store rows."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path

HERE = Path(__file__).parent
V1_STORE = HERE / "store_v1.db"
COUNTING = HERE / "counting_backend.py"


def v1_copy(folder: Path) -> Path:
    """A writable copy of the v1 store (written by qbench before migrations, see the fixture's commit)."""
    path = folder / "v1.db"
    shutil.copy(V1_STORE, path)
    return path


def suite(name: str, seeds=(0, 1, 2), reps: int = 1, backends=("numpy",), extra: str = "") -> str:
    return textwrap.dedent(f"""
        [suite]
        name = "{name}"
        backends = {list(backends)!r}
        seeds = {list(seeds)!r}
        cv = 2
        {extra}
        [[datasets]]
        name = "moons"
        n_samples = 24
        params = {{ noise = 0.1 }}
        [[models]]
        name = "qsvm"
        kind = "kernel"
        params = {{ feature_map = "zz", feature_map_params = {{ reps = {reps} }} }}
        [[models]]
        name = "svc_linear"
        kind = "baseline"
        grid = {{ C = [0.1, 1.0] }}
    """).replace("'", '"')


def sql(db: Path, query: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


#: The suite that wrote the v1 fixture's done rows (its failed row came from a suite on ``test.raises``).
V1_SUITE = """
[suite]
name = "v1fixture"
backends = ["numpy"]
seeds = [0, 1]
cv = 2
[[datasets]]
name = "moons"
n_samples = 24
params = { noise = 0.1 }
[[models]]
name = "qsvm"
kind = "kernel"
params = { feature_map = "zz", feature_map_params = { reps = 1 } }
grid = { C = [0.5, 5.0] }
[[models]]
name = "svc_linear"
kind = "baseline"
grid = { C = [0.1, 1.0] }
"""
