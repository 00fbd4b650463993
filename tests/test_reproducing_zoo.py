"""docs/reproducing.md's zoo section: the paper's transcribed figures, qbench at the paper's chosen hyperparameters.

The fast tests render the section from its two JSON files (``test_models_doc.py`` checks it is in the doc) and
check that an edited figure is caught, that the agreement rule is the stated one and that every transcribed choice
translates into parameters qbench's estimators accept.  The ``bowles`` test re-runs the models (minutes).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "docs" / "scripts"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def zoo():
    return _load("reproducing_zoo")


@pytest.fixture(scope="module")
def at():
    return _load("zoo_at_paper_params")


def _at_table(text: str) -> tuple[int, int]:
    start = text.index("### Every zoo model at the paper's chosen hyperparameters")
    return start, text.index("Not in this table:", start)


def test_a_hand_edited_figure_in_the_paper_params_table_fails_the_check(zoo, tmp_path, monkeypatch):
    doc = tmp_path / "reproducing.md"
    shutil.copy(zoo.DOC, doc)
    monkeypatch.setattr(zoo, "DOC", doc)
    assert zoo.main(["--check"]) == 0
    text = doc.read_text()
    start, end = _at_table(text)
    # qbench's mean of the first run row, last printed digit moved by one
    body = re.sub(r"\| (\d\.\d\d)(\d) ± ", lambda m: f"| {m.group(1)}{(int(m.group(2)) + 1) % 10} ± ",
                  text[start:end], count=1)
    assert body != text[start:end]
    doc.write_text(text[:start] + body + text[end:])
    assert zoo.main(["--check"]) == 1
    # a published figure edited (the IQP variational classifier's mean over the paper's refits)
    assert "| 0.667 (0.65–0.70) |" in text[start:end]
    doc.write_text(text[:start] + text[start:end].replace("| 0.667 (0.65–0.70) |", "| 0.677 (0.65–0.70) |") + text[end:])
    assert zoo.main(["--check"]) == 1


def test_every_run_row_shows_the_json_figures_and_its_verdict(zoo, at):
    published = json.loads(zoo.PUBLISHED.read_text())
    ours = json.loads(zoo.QBENCH.read_text())[at.KEY]["models"]
    lines = zoo.render_at_paper_params(published, json.loads(zoo.QBENCH.read_text()))
    assert ours, "no qbench runs at the paper's hyperparameters: run docs/scripts/zoo_at_paper_params.py"
    for name, summary in ours.items():
        row = next(line for line in lines if line.startswith(f"| `{name}` "))
        assert f"{summary['mean']:.3f} ± {summary['ci']:.3f} ({summary['seeds']} seeds)" in row
        assert np.isclose(summary["mean"], np.mean(summary["test_accuracy"]), atol=1e-4)
        cell = published["models"][name]["linearly_separable"]["2"]
        figure = np.mean(cell["test"]) if "test" in cell else cell["cv"]
        verdict = row.split(" | ")[-2]
        if not summary["comparable"]:
            assert verdict == "n/a"
        else:
            assert verdict.startswith("yes" if at.agreement(figure, summary["mean"], summary["ci"]) else "no")


def test_agreement_is_the_published_mean_inside_the_interval_widened_to_one_test_point(at):
    assert at.agreement(0.90, 0.85, 0.06)
    assert not at.agreement(0.90, 0.80, 0.06)
    # a zero-width interval (five equal seeds) still allows one test point, and no more
    assert at.agreement(1.0, 1.0 - 1 / 60, 0.0)
    assert not at.agreement(1.0, 1.0 - 2 / 60, 0.0)


def test_the_transcription_names_its_files_and_every_number_is_an_accuracy(zoo):
    published = json.loads(zoo.PUBLISHED.read_text())
    assert published["repository"] == "XanaduAI/qml-benchmarks"
    for name, entry in published["models"].items():
        cell = entry["linearly_separable"]["2"]
        if "missing" in cell:
            assert entry["class"] in cell["missing"]
            continue
        assert cell["best_params"], name
        for what, src in cell["files"].items():
            if isinstance(src, dict):
                assert src["path"].startswith(f"paper/results/linearly_separable/{entry['class']}/"), (name, what)
                assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), (name, what)
        values = cell.get("test", []) + ([cell["cv"]] if "cv" in cell else [])
        assert values and all(0 <= v <= 1 for v in values), name
        # accuracies of a 60-point test split are multiples of 1/60; CV means of 48-point folds, of 1/240
        assert all(abs(v * 60 - round(v * 60)) < 1e-9 for v in cell.get("test", [])), name


def test_every_paper_choice_translates_into_parameters_the_estimator_accepts(at):
    """The suite cut to the paper's choices expands, and each job's estimator takes its parameters."""
    from qbench.run.fit import build_estimator
    from qbench.suite.jobs import expand

    names = [n for n in at.TRANSLATE if (at.published_cell(n) or {}).get("best_params")]
    jobs = expand(at.paper_suite(names))
    assert sorted({j.model for j in jobs}) == sorted(names)
    assert {j.seed for j in jobs} == set(at.SEEDS) and {j.n_features for j in jobs} == {2}
    assert all(not j.grid for j in jobs if j.kind != "baseline")
    for job in jobs:
        if job.seed:
            continue
        model = build_estimator(job)
        if hasattr(model, "_parameter_constraints"):  # scikit-learn's check of the declared constraints
            model._validate_params()
        params, _ = at.TRANSLATE[job.model](at.published_cell(job.model)["best_params"])
        if job.kind == "baseline":
            grid = model.steps[-1][1].param_grid
            assert {k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in params.items()} == \
                {k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in grid.items()}
        else:
            got = model.get_params()
            assert all(got[k] == v for k, v in params.items()), job.model


@pytest.mark.bowles
def test_a_fresh_run_gives_the_committed_accuracies(at):
    """Re-runs every model at the paper's hyperparameters (a few minutes) and compares seed by seed."""
    fresh = at.run(progress=lambda line: None)
    committed = json.loads(at.QBENCH.read_text())[at.KEY]["models"]
    assert sorted(fresh) == sorted(committed)
    for name, summary in fresh.items():
        assert summary["test_accuracy"] == committed[name]["test_accuracy"], name
        assert (summary["mean"], summary["ci"]) == (committed[name]["mean"], committed[name]["ci"]), name
