"""The Dask executor runs the same jobs as the local pool and gets identical results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from requires import require
from runner_helpers import BASELINE, KERNEL, QNN, TINY_DATA, suite_text

from qbench.run.runner import run_suite

require("distributed", "dask")

SUITE = suite_text("dask", """
    backends = ["numpy"]
    modes = ["exact", { name = "shots", shots = [256] }]
    seeds = [0, 1]
""", TINY_DATA + KERNEL + QNN + BASELINE)

SAME = ["status", "test_accuracy", "balanced_accuracy", "f1", "roc_auc", "train_accuracy", "cv_score",
        "best_params", "circuit_executions", "shots_used", "n_qubits", "n_train", "n_test", "artifacts"]


def plain(value):
    """NaN and NA as None, so that equal columns compare equal; artifacts without their timings."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "timings"}
    return None if value is None or (not isinstance(value, list) and pd.isna(value)) else value


def test_dask_local_cluster_matches_the_local_pool(write_suite, tmp_path):
    suite = write_suite(SUITE)
    local = run_suite(suite, db=tmp_path / "local.db", jobs=2, progress=False)
    dask = run_suite(suite, db=tmp_path / "dask.db", jobs=2, executor="dask", progress=False)
    assert len(local) == len(dask) == 10
    assert set(local["status"]) == {"done"}
    local, dask = local.set_index("job_key").sort_index(), dask.set_index("job_key").sort_index()
    assert list(local.index) == list(dask.index)
    for column in SAME:
        assert [plain(v) for v in local[column]] == [plain(v) for v in dask[column]], column
    # shot-mode jobs are seeded: identical (above), yet different from the exact ones: the estimated kernel
    # matrix and the QNN's loss curve are not the exact ones
    shots, exact = local[local["mode"] == "shots"], local[local["mode"] == "exact"]
    assert len(shots) == len(exact) == 4
    assert (shots["shots_used"] > 0).all() and not (exact["shots_used"].fillna(0) > 0).any()
    for (model, seed), s in shots.groupby(["model", "seed"]):
        e = exact[(exact["model"] == model) & (exact["seed"] == seed)].iloc[0]["artifacts"]
        s = s.iloc[0]["artifacts"]
        key = "kernel_sample" if model == "qsvm" else "loss_curve"
        a, b = np.asarray(s[key], dtype=float), np.asarray(e[key], dtype=float)
        assert a.shape == b.shape and not np.allclose(a, b, atol=1e-6), (model, seed, key)
        if model == "qsvm":  # an estimate of the same kernel: close to it, on the scale of 1/sqrt(shots)
            assert np.max(np.abs(a - b)) < 0.5
