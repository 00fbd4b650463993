"""Bad input to ``qbench run`` / ``qbench results``: one ``Error:`` line, exit 2, nothing run, the store untouched."""

from __future__ import annotations

import sqlite3

import pytest

from qbench.plugin.manager import host
from runner_helpers import KERNEL, TINY_DATA, file_state, newer_schema_store, one_line_error, suite_text

from qbench.results.store import Store

GOOD = suite_text("good", 'backends = ["numpy"]')


@pytest.fixture
def existing_store(tmp_path):
    """A store holding one row, in rollback-journal mode so its bytes say everything about it."""
    db = tmp_path / "existing.db"
    with Store(db) as store:
        store.record({"job_key": "k", "suite": "old", "status": "done", "test_accuracy": 1.0})
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return db


BAD_SUITES = [
    ('[suite]\nname = "x"\nbackends = ["numpy"\n', "suite.toml: malformed TOML at line 4, column 1 (end of file): Unclosed array"),
    (GOOD.replace('"moons"', '"mooons"'), "datasets[0].name: unknown dataset 'mooons'; valid names: ad_hoc,"),
    (GOOD.replace('backends = ["numpy"]', 'backends = ["numpi"]'), "suite.backends[0]: unknown backend 'numpi'; valid names:"),
    (GOOD.replace('name = "svc_linear"', 'name = "svm"\nbaseline = "svm_rbf"'),
     "models[1].baseline: unknown baseline 'svm_rbf'; valid names: " + ", ".join(host.registries()["baseline"].names())),
    (GOOD.replace('kind = "kernel"', 'kind = "kernel"\nflavour = "x"'), "models[0].flavour: unknown key; valid keys here:"),
    (GOOD.replace("n_samples = 30", "n_samples = -30"), "datasets[0].n_samples: expected an integer >= 4, got -30"),
    (GOOD.replace("reps = 1", "reps = 0"), "models[0].params.feature_map_params: zz: reps must be an integer from 1 to 1000, got 0"),
]


@pytest.mark.parametrize("text, fragment", BAD_SUITES, ids=[case[-1].removeprefix('suite.toml: ').split(': ')[0][:48] for case in BAD_SUITES])
def test_bad_suites_exit_2_without_touching_the_store(cli, write_suite, existing_store, tmp_path, text, fragment):
    new_db = tmp_path / "never.db"
    for db in (existing_store, new_db):
        before = file_state(db)
        code, out, err = cli("run", write_suite(text), "--db", db)
        one_line_error(code, err, fragment)
        assert file_state(db) == before
    assert not new_db.exists()


BAD_OPTIONS = [
    (["--timeout", "0"], "--timeout must be > 0 seconds"),
    (["-j", "0"], "-j/--jobs must be >= 1"),
    (["--address", "tcp://127.0.0.1:1"], "--address is only used with --executor dask"),
    (["--memory-limit", "plenty"], "--memory-limit: expected a positive size"),
    (["--only", "no-such-job"], "--only 'no-such-job' matches none of the suite's 2 jobs"),
]


@pytest.mark.parametrize("args, fragment", BAD_OPTIONS, ids=[case[-1].split(': ')[0][:48] for case in BAD_OPTIONS])
def test_bad_options_exit_2(cli, write_suite, existing_store, args, fragment):
    before = file_state(existing_store)
    code, out, err = cli("run", write_suite(GOOD), "--db", existing_store, *args)
    one_line_error(code, err, fragment)
    assert file_state(existing_store) == before


def test_unknown_suite_name(cli, tmp_path):
    code, out, err = cli("run", "quickstrat", "--db", tmp_path / "x.db")
    one_line_error(code, err, "no shipped suite of that name; shipped suites: ")
    assert "quickstart" in err


@pytest.mark.parametrize("command", ["run", "results"])
def test_foreign_and_newer_stores_exit_2_untouched(cli, write_suite, tmp_path, command):
    foreign = tmp_path / "foreign.db"
    foreign.write_text("id,name\n1,not a database\n")
    newer = newer_schema_store(tmp_path / "newer.db", versions_ahead=5)
    suite = write_suite(GOOD)
    for db, fragment in ((foreign, "is not a qbench results store"), (newer, "written by a newer qbench")):
        before = file_state(db)
        args = ("run", suite, "--db", db) if command == "run" else ("results", "--db", db)
        code, out, err = cli(*args)
        one_line_error(code, err, fragment)
        assert file_state(db) == before


def test_results_of_a_missing_store_or_suite(cli, existing_store, tmp_path):
    code, out, err = cli("results", "--db", tmp_path / "absent.db")
    one_line_error(code, err, "no results store at")
    assert not (tmp_path / "absent.db").exists()
    code, out, err = cli("results", "--db", existing_store, "--suite", "nope")
    one_line_error(code, err, "no results for suite 'nope'")


def test_invalid_suite_errors_come_before_any_work(cli, write_suite, tmp_path):
    # a valid suite but for one value deep inside: the error names it and no store appears
    text = suite_text("deep", 'backends = ["numpy"]', TINY_DATA + KERNEL.replace("grid = { C = [0.5, 5.0] }",
                                                                                  "grid = { C = [0.5, 0] }"))
    code, out, err = cli("run", write_suite(text), "--db", tmp_path / "d.db")
    one_line_error(code, err, "models[0].grid.C: expected a float in the range (0.0, inf), got 0")
    assert not (tmp_path / "d.db").exists()
