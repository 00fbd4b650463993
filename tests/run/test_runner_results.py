"""Comparison with the classical baselines, and the quickstart suite from ``qbench run`` to ``qbench results``."""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from qbench.results.tables import compare, export, paired_test, verdict


def job(model, kind, backend, seed, acc, fit, status="done", mode="exact", dataset="d"):
    return {"dataset": dataset, "n_samples": 100, "n_features": 2, "test_size": 0.25, "dataset_params": {},
            "preprocess": {"scaling": "minmax"}, "model": model, "kind": kind, "backend": backend, "mode": mode,
            "shots": None, "seed": seed, "status": status, "test_accuracy": acc if status == "done" else None,
            "fit_time": fit if status == "done" else None, "error_type": None if status == "done" else "Timeout",
            "error_message": None if status == "done" else "too slow",
            "cv_score": acc - 0.02 if status == "done" else None}


def frame():
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(6):
        svc, lr = 0.80 + 0.01 * seed, 0.70
        rows += [job("svc", "baseline", "classical", seed, svc, 0.1), job("lr", "baseline", "classical", seed, lr, 0.05)]
        rows.append(job("good", "kernel", "numpy", seed, svc + 0.10 + 0.01 * rng.normal(), 1.0))
        rows.append(job("good", "kernel", "slowsim", seed, svc + 0.10 + 0.01 * rng.normal(), 4.0))
        rows.append(job("bad", "qnn", "numpy", seed, svc - 0.20 + 0.01 * rng.normal(), 2.0))
        rows.append(job("same", "qnn", "numpy", seed, svc + (0.02 if seed % 2 else -0.02), 2.0))
    rows.append(job("bad", "qnn", "slowsim", 0, None, None, status="failed"))
    rows.append(job("svc", "baseline", "classical", 0, 0.3, 0.1, dataset="other"))
    return pd.DataFrame(rows)


def test_paired_test_and_verdicts():
    diff, p = paired_test(np.array([0.9, 0.8, 0.85, 0.95]), np.array([0.7, 0.65, 0.7, 0.72]))
    assert diff == pytest.approx(0.1825) and p < 0.01 and verdict(diff, p, 4) == "better"
    diff, p = paired_test(np.array([0.7, 0.9, 0.7, 0.9]), np.array([0.8, 0.8, 0.8, 0.8]))
    assert diff == pytest.approx(0.0) and verdict(diff, p, 4) == "indistinguishable"
    assert paired_test(np.array([0.5, 0.5, 0.5]), np.array([0.5, 0.5, 0.5])) == (0.0, 1.0)
    assert math.isnan(paired_test(np.array([0.5, 0.5]), np.array([0.5, 0.5]))[1])  # under 3 pairs: no test
    assert verdict(0.1, math.nan, 1) == "too few seeds (n=1)"


def test_compare_against_the_best_baseline_on_the_same_splits():
    table = compare(frame()).set_index(["dataset", "model", "backend"])
    good = table.loc[("d", "good", "numpy")]
    assert good["baseline"] == "svc"  # svc beats lr on this data set, so it is the reference
    assert good["seeds"] == 6 and good["accuracy"] == pytest.approx(0.925, abs=0.02)
    assert good["diff"] == pytest.approx(0.10, abs=0.02) and good["verdict"] == "better"
    assert 0 < good["ci95"] < 0.05
    assert table.loc[("d", "bad", "numpy")]["verdict"] == "worse"
    assert table.loc[("d", "same", "numpy")]["verdict"] == "indistinguishable"
    # fit time against the baseline's and against the numpy reference of the same model and mode
    assert good["fit_vs_baseline"] == pytest.approx(10.0)
    assert good["fit_vs_numpy"] == pytest.approx(1.0)
    assert table.loc[("d", "good", "slowsim")]["fit_vs_numpy"] == pytest.approx(4.0)
    # a group with nothing done still shows, with why
    failed = table.loc[("d", "bad", "slowsim")]
    assert failed["seeds"] == 0 and failed["failed"] == 1 and "Timeout: too slow" in failed["note"]
    # baselines of another data set are never used as the reference
    assert table.loc[("other", "svc", "classical")]["accuracy"] == pytest.approx(0.3)


def test_exports():
    table = compare(frame())
    assert pd.read_csv(io.StringIO(export(table, "csv"))).shape[0] == len(table)
    assert len(json.loads(export(table, "json"))) == len(table)
    assert pd.read_parquet(io.BytesIO(export(table, "parquet"))).shape[0] == len(table)
    text = export(table, "table")
    assert re.search(r"good +numpy +6 0\.\d{3} ± 0\.\d{3} +\+0\.095 better", text), text
    assert re.search(r"bad +numpy +6 0\.\d{3} ± 0\.\d{3} +-0\.202 worse", text) and "(1f/0s)" in text


def test_quickstart_runs_and_results_prints_the_table(cli, tmp_path):
    db = tmp_path / "qs.db"
    code, out, err = cli("run", "quickstart", "--db", db, "-j", "2", "--only", "*d=2]/*/numpy/*seed=[012]",
                         "--only", "*d=2]/*/classical/*seed=[012]")
    assert code == 0, err
    assert "quickstart: 12 jobs: 12 done, 0 failed, 0 skipped" in err
    code, out, err = cli("results", "--db", db)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["data", "set", "model", "backend"]
    for model in ("qsvm", "qnn"):
        line = next(line for line in lines if f" {model} " in line and "numpy" in line)
        assert "±" in line and any(v in line for v in ("better", "worse", "indistinguishable"))
    assert any("svc_linear" in line and "(classical)" in line for line in lines)

    code, out, err = cli("run", "quickstart", "--db", db, "--list")
    states = dict(line.split(None, 2)[::2][::-1] for line in out.splitlines())  # label -> status
    assert code == 0 and len(states) == 90
    assert states["linearly_separable[n=200,d=2]/qsvm/numpy/exact/seed=1"] == "done"
    assert states["linearly_separable[n=200,d=2]/qsvm/qiskit/exact/seed=1"] == "pending"

    code, out, err = cli("suites")
    assert code == 0 and any(line.split()[:3] == ["quickstart", "90", "jobs"] for line in out.splitlines())

    code, out, err = cli("results", "--db", db, "--suite", "quickstart", "--format", "json")
    records = json.loads(out)
    qsvm = next(r for r in records if r["model"] == "qsvm")
    assert qsvm["seeds"] == 3 and qsvm["baseline"] == "svc_linear" and qsvm["fit_vs_numpy"] == 1.0

    # the stored row carries metrics, timings, cost, environment and the dashboard's artifacts
    from qbench.results.tables import load

    df = load(db, suite="quickstart")
    k = df[(df["model"] == "qsvm")].iloc[0]
    assert k["best_params"]["C"] in (0.1, 1.0, 10.0) and 0 <= k["cv_score"] <= 1
    assert k["circuit_executions"] > 0 and k["peak_memory"] > 0 and k["kernel_time"] >= 0
    assert k["environment"]["packages"]["numpy"] and k["cpu_model"]
    art = k["artifacts"]
    assert np.array(art["kernel_sample"]).shape == (16, 16) and art["kernel_offdiag_variance"] > 0
    assert art["n_qubits"] == 2 and art["circuit_depth"] > 0 and art["two_qubit_gates"] > 0
    # the grid over 3 values of C computed each fold's train and validation Gram matrices once (3 folds x 2),
    # then the refit's train and test matrices (train accuracy reuses the train Gram); every other request was a hit
    assert art["kernel_cache"]["gram_computations"] == 3 * 2 + 2
    assert art["kernel_cache"]["hits"] >= 3 * 2 * (3 - 1)
    q = df[(df["model"] == "qnn")].iloc[0]["artifacts"]
    assert 0 < len(q["loss_curve"]) <= 200 and q["gradient_variance_over_inits"] > 0


@pytest.mark.slow
@pytest.mark.integration
def test_full_quickstart(cli, tmp_path):
    """Every framework backend of the quickstart runs (a skipped one fails the test: CI installs them all), and
    the same circuits give the same scores: exact kernels agree across frameworks, width by width and seed by seed."""
    from qbench.results.tables import load
    from qbench.suite.catalog import find_suite
    from qbench.suite.jobs import expand
    from qbench.suite.parse import load_suite

    spec = load_suite(find_suite("quickstart"))
    backends = [b.name for b in spec.backends]
    assert {"numpy", "qiskit", "pennylane", "cirq"} <= set(backends)
    jobs = expand(spec)
    db = tmp_path / "qs.db"
    code, out, err = cli("run", "quickstart", "--db", db, "-j", "2")
    assert code == 0, err
    df = load(db, suite="quickstart")
    not_done = df[df["status"] != "done"]
    assert not_done.empty, not_done[["backend", "model", "status", "error_message"]].to_string()
    assert len(df) == len(jobs)
    kernels = df[df["model"] == "qsvm"]
    assert set(kernels["backend"]) == set(backends)
    assert set(kernels["n_qubits"]) == {2, 4, 6}  # the width sweep
    # what determines the kernel scores: the same Gram matrix from every framework, so the same accuracy
    for (seed, width), rows in kernels.groupby(["seed", "n_qubits"]):
        assert rows["test_accuracy"].nunique() == 1, rows[["backend", "test_accuracy"]].to_string()
        reference = np.asarray(rows[rows["backend"] == "numpy"].iloc[0]["artifacts"]["kernel_sample"])
        for _, row in rows.iterrows():
            sample = np.asarray(row["artifacts"]["kernel_sample"])
            assert sample.shape == reference.shape and np.allclose(sample, reference, atol=1e-6), (seed, row["backend"])
    code, out, err = cli("results", "--db", db, "--suite", "quickstart", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert {r["backend"] for r in records if r["model"] == "qsvm"} == set(backends)
    expected_seeds = {(j.model, j.backend, j.n_features): 0 for j in jobs}
    for j in jobs:
        expected_seeds[(j.model, j.backend, j.n_features)] += 1
    for r in records:
        backend = r["backend"] if r["kind"] != "baseline" else next(j.backend for j in jobs if j.model == r["model"])
        assert r["seeds"] == expected_seeds[(r["model"], backend, r["n_features"])], r
        assert not r["skipped"] and not r["failed"], r
    # the speed answer: every framework's quantum time has a ratio to numpy on the same configuration
    assert all(r["quantum_vs_numpy"] > 0 for r in records if r["kind"] == "kernel")
