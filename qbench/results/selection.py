"""Which stored rows a reader looks at, and in which order: the one selection every table, plot and page uses.

:func:`select_rows` keeps the current definition of each suite (rows whose configuration is not in the latest
definition their suite was run with are left out unless ``history=True``), identifies every row by what
determines its result (its configuration identity, never its display name), and keeps one row per suite,
configuration and seed (a finished row before a failed one, the latest first).  `qbench results`, its
``--diagnostics`` views, every dashboard table and plot and the landing page read rows only through it, so an
edited re-run counts the same seeds everywhere.

:func:`display_order` is the one row order: per data-set configuration (by name and size), classical baselines
first, then quantum models by name, then backends in :data:`BACKEND_ORDER` (others by name after them), then mode.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qbench.models.kinds import task_of
from qbench.suite.jobs import config_id, config_identity, job_key

REFERENCE_BACKEND = "numpy"
DATA_KEY = ("dataset", "n_samples", "n_features", "test_size", "dataset_params", "preprocess")
#: Stored columns that make up a configuration, for rows without a stored ``config`` (frames built by hand).
CONFIG_COLUMNS = DATA_KEY + ("model", "kind", "baseline", "model_params", "grid", "cv", "backend", "mode", "shots")
#: The fixed order of backends in every table: the reference first, then each framework's default before its variants.
BACKEND_ORDER = ("numpy", "qiskit", "qiskit.aer", "pennylane", "pennylane.lightning", "cirq", "cirq.qsim")
MODE_ORDER = ("exact", "shots", "noisy")


def _plain(v):
    if isinstance(v, (dict, list)):
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def identities(r: dict) -> tuple[str, str, str]:
    """(configuration, data-set configuration, same configuration on the numpy reference backend) ids of a row."""
    config = r.get("config")
    if isinstance(config, dict):
        ident = config_identity(config)
        data = ident.get("dataset")
        stored = r.get("config_id")
        cid = stored if isinstance(stored, str) else job_key(ident)
    else:
        ident = {c: _plain(r.get(c)) for c in CONFIG_COLUMNS}
        data = {c: ident[c] for c in DATA_KEY}
        cid = job_key(ident)
    ref = {**ident, "backend": REFERENCE_BACKEND}
    if "backend_options" in ref:
        ref["backend_options"] = {}
    return cid, job_key(data), job_key(ref)


def task(kind) -> str:
    """The backend task of a stored kind ("kernel", "qnn", "baseline"; an unknown kind reads as its own name)."""
    return task_of(str(kind)) if isinstance(kind, str) else "baseline"


def select_rows(df: pd.DataFrame, history: bool = False) -> pd.DataFrame:
    """The rows every reader uses: current definitions (all with ``history``), one per suite, configuration and seed.

    Adds ``config_id`` (filled where a frame lacks it), ``data_id`` (the data-set configuration), ``ref_id`` (the
    same configuration on numpy), ``task`` (from the model kind's registration) and ``superseded`` (bool).
    """
    cols = list(df.columns) + [c for c in ("data_id", "ref_id", "task") if c not in df.columns]
    if df.empty:
        out = df.reindex(columns=cols)
        if "superseded" not in out:
            out["superseded"] = pd.Series(dtype=bool)
        return out
    flags = df["superseded"] if "superseded" in df else pd.Series(False, index=df.index)
    flags = [isinstance(f, (bool, np.bool_)) and bool(f) for f in flags]
    df = df.assign(superseded=flags)
    if not history:
        df = df[~df["superseded"]]
    recs = df.to_dict("records")
    ids = [identities(r) for r in recs]
    df = df.assign(config_id=[i[0] for i in ids], data_id=[i[1] for i in ids], ref_id=[i[2] for i in ids],
                   task=[task(k) for k in df["kind"]])
    suites = df["suite"].astype(str) if "suite" in df else pd.Series("", index=df.index)
    rank = pd.DataFrame({"suite": suites, "config": df["config_id"], "seed": df["seed"].astype(str),
                         "done": (df["status"] == "done").astype(int),
                         "finished": df["finished_at"].astype(str) if "finished_at" in df else "",
                         "pos": range(len(df))}, index=df.index)
    rank = rank.sort_values(["done", "finished", "pos"], ascending=[False, False, True], kind="stable")
    keep = rank.drop_duplicates(["suite", "config", "seed"]).sort_values("pos").index
    return df.loc[keep]


def _backend_rank(backend) -> tuple:
    b = str(backend)
    return (BACKEND_ORDER.index(b), "") if b in BACKEND_ORDER else (len(BACKEND_ORDER), b)


def _mode_rank(mode) -> tuple:
    m = str(mode)
    return (MODE_ORDER.index(m), "") if m in MODE_ORDER else (len(MODE_ORDER), m)


def display_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the one stable order: suite, data set (name, n, d), baselines, quantum by model, backend, mode, shots."""
    if table.empty:
        return table

    def num(v) -> float:
        return -1.0 if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else float(v)

    keys = []
    for i, r in enumerate(table.to_dict("records")):
        keys.append((str(r.get("suite", "")), str(r["dataset"]), num(r.get("n_samples")), num(r.get("n_features")),
                     r["kind"] != "baseline", str(r["model"]), _backend_rank(r["backend"]), _mode_rank(r["mode"]),
                     num(r.get("shots")), bool(r.get("superseded")), str(r.get("config_id", "")), i))
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    return table.iloc[order]
