"""Comparisons group by configuration identity and seed: edits supersede, two suites count once, honest statistics."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from results_helpers import sql, suite

from qbench.results.tables import compare, export, load

DATA = {"name": "d", "n_samples": 40, "n_features": 2, "test_size": 0.25, "data_seed": None, "params": {},
        "preprocess": {"scaling": "minmax"}}


def row(model, kind, seed, acc, cv=None, suite="s", params=None, backend="numpy", status="done", superseded=False):
    backend = "classical" if kind == "baseline" else backend
    config = {"suite": suite, "seed": seed, "dataset": DATA, "backend": backend, "mode": "exact", "shots": None,
              "backend_options": {}, "model": {"name": model, "kind": kind, "params": params or {}, "grid": {}}}
    return {"suite": suite, "dataset": "d", "n_samples": 40, "n_features": 2, "model": model, "kind": kind,
            "backend": backend, "mode": "exact", "shots": None, "seed": seed, "status": status,
            "test_accuracy": acc, "cv_score": cv, "fit_time": 1.0, "error_type": None, "error_message": None,
            "config": config, "superseded": superseded, "finished_at": f"2026-01-01T00:00:0{seed}"}


def by_model(table: pd.DataFrame, model: str) -> pd.Series:
    rows = table[table["model"] == model]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_the_best_baseline_is_chosen_on_cross_validation_never_on_test_accuracy():
    rows = []
    for seed in range(4):
        rows.append(row("lucky", "baseline", seed, acc=0.90, cv=0.60))  # best on the test split, worst in CV
        rows.append(row("solid", "baseline", seed, acc=0.80, cv=0.85))
        rows.append(row("qsvm", "kernel", seed, acc=0.82 + 0.01 * seed))
    q = by_model(compare(pd.DataFrame(rows)), "qsvm")
    assert q["baseline"] == "solid" and q["baseline_cv_score"] == pytest.approx(0.85)
    assert q["baseline_accuracy"] == pytest.approx(0.80) and q["diff"] == pytest.approx(0.035)


def test_a_lone_baseline_without_a_cv_score_is_the_comparison_and_two_need_one():
    rows = []
    for seed in range(3):
        rows.append(row("cnn", "baseline", seed, acc=0.80))  # no grid, so no CV score
        rows.append(row("qnn", "qnn", seed, acc=0.85 + 0.01 * seed))
    q = by_model(compare(pd.DataFrame(rows)), "qnn")
    assert q["baseline"] == "cnn" and q["diff"] == pytest.approx(0.06)
    # a second baseline without CV scores: which is better would be read off the test split, so none is chosen
    rows += [row("mlp", "baseline", seed, acc=0.70) for seed in range(3)]
    q = by_model(compare(pd.DataFrame(rows)), "qnn")
    assert q["baseline"] is None or pd.isna(q["baseline"])
    assert "no baseline with a cross-validation score" in q["note"]


def test_a_configuration_stored_twice_counts_each_seed_once_and_each_suite_is_its_own_family():
    single, doubled, twice = [], [], []
    rng = np.random.default_rng(0)
    for seed in range(3):
        base = row("svc", "baseline", seed, acc=0.75 + 0.02 * seed, cv=0.7)
        q = row("qsvm", "kernel", seed, acc=0.78 + 0.03 * rng.normal())
        single += [base, q]
        twice += [base, q, {**q, "finished_at": "2025-01-01T00:00:00"}]  # the same job stored again, earlier
        # the same configurations reached from a second suite: same config, other suite name
        doubled += [base, q, {**base, "suite": "t", "config": {**base["config"], "suite": "t"}},
                    {**q, "suite": "t", "config": {**q["config"], "suite": "t"}}]
    one, two, again = compare(pd.DataFrame(single)), compare(pd.DataFrame(doubled)), compare(pd.DataFrame(twice))
    assert len(one) == len(again) == 2 and len(two) == 4 and sorted(two["suite"]) == ["s", "s", "t", "t"]
    for col in ("seeds", "accuracy", "ci95", "diff", "diff_ci95", "p_value", "p_adjusted", "effect_size"):
        for suite_name in ("s", "t"):
            assert by_model(two[two["suite"] == suite_name], "qsvm")[col] == pytest.approx(by_model(one, "qsvm")[col])
        assert by_model(again, "qsvm")[col] == pytest.approx(by_model(one, "qsvm")[col]), col
    assert (two["seeds"] == 3).all() and (two[two["kind"] != "baseline"]["family_size"] == 1).all()


def test_an_edited_parameter_is_another_group_and_superseded_rows_show_only_with_history():
    rows = []
    for seed in range(3):
        rows.append(row("svc", "baseline", seed, acc=0.7, cv=0.7))
        rows.append(row("qsvm", "kernel", seed, acc=0.8 + 0.01 * seed, params={"reps": 1}, superseded=True))
        rows.append(row("qsvm", "kernel", seed, acc=0.6 + 0.01 * seed, params={"reps": 2}))
    now = compare(pd.DataFrame(rows))
    assert by_model(now, "qsvm")["seeds"] == 3 and by_model(now, "qsvm")["accuracy"] == pytest.approx(0.61)
    history = compare(pd.DataFrame(rows), history=True)
    q = history[history["model"] == "qsvm"].set_index("superseded")
    assert sorted(q.index) == [False, True] and (q["seeds"] == 3).all()
    assert q.loc[True, "accuracy"] == pytest.approx(0.81) and q.loc[True, "config_id"] != q.loc[False, "config_id"]


def test_p_values_are_holm_adjusted_across_the_table_and_the_verdict_uses_the_adjusted_one():
    rng = np.random.default_rng(7)
    rows = []
    for seed in range(5):
        rows.append(row("svc", "baseline", seed, acc=0.7, cv=0.7))
        for m in range(6):  # six models, each a little better than the baseline
            rows.append(row(f"q{m}", "kernel", seed, acc=0.72 + 0.02 * rng.normal()))
    table = compare(pd.DataFrame(rows))
    q = table[table["kind"] != "baseline"].sort_values("p_value")
    m = len(q)
    expected = np.maximum.accumulate(np.minimum(1, (m - np.arange(m)) * q["p_value"].to_numpy()))
    assert q["p_adjusted"].to_numpy() == pytest.approx(expected)
    raw_only = q[(q["p_value"] < 0.05) & (q["p_adjusted"] >= 0.05)]
    assert len(raw_only) >= 1, q[["p_value", "p_adjusted"]]  # the seed gives one that only the raw p would call
    assert set(raw_only["verdict"]) == {"indistinguishable"}
    csv = pd.read_csv(io.StringIO(export(table, "csv")))
    assert {"p_value", "p_adjusted", "diff_ci95", "effect_size", "effect_size_low", "effect_size_high"} <= set(csv)
    assert csv["p_adjusted"].notna().sum() == m


@pytest.mark.slow
def test_editing_a_suite_between_two_runs(cli, write_suite, tmp_path):
    """Done when: after an edit, `qbench results` shows the new configuration with its own 3 seeds, the old one only
    with --history; the old rows stay in the store."""
    db = tmp_path / "r.db"
    path = write_suite(suite("edit", reps=1))
    assert cli("run", path, "--db", db)[0] == 0
    path.write_text(suite("edit", reps=2))
    code, out, err = cli("run", path, "--db", db)
    assert code == 0 and "3 done, 0 failed, 0 skipped, 3 already done" in err  # the baseline did not change

    code, out, err = cli("results", "--db", db, "--format", "json")
    records = json.loads(out)
    assert code == 0 and sorted(r["model"] for r in records) == ["qsvm", "svc_linear"]
    q = next(r for r in records if r["model"] == "qsvm")
    assert q["seeds"] == 3 and q["superseded"] is False and q["baseline"] == "svc_linear"
    assert q["p_value"] is not None and q["p_adjusted"] is not None

    code, out, err = cli("results", "--db", db, "--history", "--format", "json")
    old = [r for r in json.loads(out) if r["superseded"]]
    assert [(r["model"], r["seeds"]) for r in old] == [("qsvm", 3)] and old[0]["config_id"] != q["config_id"]
    code, out, err = cli("results", "--db", db, "--history")
    assert "superseded" in out
    code, out, err = cli("results", "--db", db)
    assert "superseded" not in out

    assert sql(db, "SELECT count(*) FROM jobs")[0][0] == 9
    jobs = load(db, suite="edit")
    assert jobs["superseded"].sum() == 3 and jobs["config_id"].notna().all()
    assert cli("results", "--db", db, "--jobs", "--format", "json")[1].count('"job_key"') == 6
    assert cli("results", "--db", db, "--jobs", "--history", "--format", "json")[1].count('"job_key"') == 9


@pytest.mark.slow
def test_one_configuration_run_from_two_suites_is_one_group_in_each_suite(cli, write_suite, tmp_path):
    db = tmp_path / "r.db"
    for name in ("first", "second"):
        assert cli("run", write_suite(suite(name), f"{name}.toml"), "--db", db)[0] == 0
    assert sql(db, "SELECT count(*) FROM jobs")[0][0] == 12
    both = json.loads(cli("results", "--db", db, "--format", "json")[1])
    alone = json.loads(cli("results", "--db", db, "--suite", "first", "--format", "json")[1])
    # one row per suite and configuration, baselines first within a data set (the table's order); each suite is
    # its own Holm family, so a suite's numbers do not depend on the other
    assert [(r["suite"], r["model"], r["seeds"]) for r in both] == [
        ("first", "svc_linear", 3), ("first", "qsvm", 3), ("second", "svc_linear", 3), ("second", "qsvm", 3)]
    assert [(r["model"], r["seeds"]) for r in alone] == [("svc_linear", 3), ("qsvm", 3)]
    for key in ("p_value", "p_adjusted", "ci95", "verdict", "config_id"):
        assert both[1][key] == both[3][key] == alone[1][key], key


@pytest.mark.slow
def test_a_results_query_for_a_suite_not_in_the_store(cli, write_suite, tmp_path):
    db = tmp_path / "r.db"
    assert cli("run", write_suite(suite("here", seeds=[0])), "--db", db, "--only", "classical")[0] == 0
    code, out, err = cli("results", "--db", db, "--suite", "elsewhere")
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "no results for suite 'elsewhere'" in lines[0] and "here" in lines[0]
