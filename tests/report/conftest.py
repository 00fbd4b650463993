"""Fixtures for the dashboard tests: one small real run (numpy, a failing backend, a baseline, 2 seeds), a store
with hostile strings added through the store API, the site built from it, and headless Chromium."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from report_helpers import (CHROMIUM, CHROMIUM_ARGS, DISTINCT_BACKEND, EVIL_DATASET, EVIL_MODEL, EVIL_SUITE, HERE,
                            PALETTE_BACKENDS, PALETTE_SUITE, SUITE, SUITE_TOML, WIDE_QUBITS, WIDE_SUITE, Visit)
from requires import skip_or_fail


@pytest.fixture(scope="session")
def store_path(tmp_path_factory) -> Path:
    """A store from a real run of the ``dash`` suite, plus a copy of its rows under hostile names."""
    from qbench.run.runner import run_suite
    from qbench.results.store import Store
    from qbench.suite.jobs import config_id

    work = tmp_path_factory.mktemp("run")
    shutil.copy(HERE / "failing_backend.py", work / "failing_backend.py")
    (work / "dash.toml").write_text(textwrap.dedent(SUITE_TOML), encoding="utf-8")
    db = work / "results.db"
    run_suite(work / "dash.toml", db=db, progress=False)
    with Store(db) as store:
        for row in store.rows(SUITE):
            evil = dict(row, suite=EVIL_SUITE, job_key="evil-" + row["job_key"])
            if row["model"] == "qsvm":
                evil.update(model=EVIL_MODEL, dataset=EVIL_DATASET)
            store.record(evil)
            if row["backend"] == "numpy":
                for backend, framework in PALETTE_BACKENDS.items():
                    # the copy is another configuration (its backend differs), so its identity says so too
                    config = dict(row["config"], backend=backend)
                    copy = dict(row, suite=PALETTE_SUITE, job_key=f"palette-{backend}-{row['job_key']}",
                                backend=backend, framework=framework, config=config, config_id=config_id(config))
                    curve = (row["artifacts"] or {}).get("loss_curve")
                    if backend == DISTINCT_BACKEND and curve:
                        copy["artifacts"] = dict(row["artifacts"], loss_curve=[v * 1.01 for v in curve])
                    store.record(copy)
            elif row["kind"] == "baseline":
                store.record(dict(row, suite=PALETTE_SUITE, job_key="palette-" + row["job_key"]))
            if row["model"] == "qsvm" and row["status"] == "done":
                artifacts = dict(row["artifacts"], n_qubits=WIDE_QUBITS,
                                 feature_map={"name": "zz", "params": {"reps": 2, "entanglement": "full"}})
                store.record(dict(row, suite=WIDE_SUITE, job_key="wide-" + row["job_key"], n_qubits=WIDE_QUBITS,
                                  n_features=WIDE_QUBITS, artifacts=artifacts,
                                  model_params={"feature_map": "zz",
                                                "feature_map_params": {"reps": 2, "entanglement": "full"}}))
    return db


@pytest.fixture(scope="session")
def site(store_path, tmp_path_factory):
    from qbench.report import build_site

    return build_site(store_path, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def visit(browser):
    opened = []

    def open_(url: str) -> Visit:
        v = Visit(browser, url)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


