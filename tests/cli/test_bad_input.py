"""Every bad input in one table: exit code 2, exactly one ``Error:`` line on stderr, no traceback, the results
store byte-identical and no new file anywhere in the working folder.  ``docs/errors.md`` lists the same cases.

Each CLI case runs in a fresh working folder holding a valid store (``store.db``, also ``$QBENCH_DB``), a foreign
file, a newer-schema store (in rollback-journal and in WAL mode), suites and CSV files; its arguments name them
relative to that folder.  Python API cases must raise one :class:`QBenchError` subclass with a one-line message.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest
from requires import skip_or_fail

from qbench.errors import QBenchError


SUITE_HEAD = '[suite]\nname = "{name}"\nbackends = ["numpy"]\n'
DATA = '[[datasets]]\nname = "moons"\nn_samples = 30\nparams = { noise = 0.1 }\n'
MODELS = ('[[models]]\nname = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }\n'
          '[[models]]\nname = "svc_linear"\nkind = "baseline"\n')
GOOD = SUITE_HEAD.format(name="good") + DATA + MODELS

SUITES = {
    "good.toml": GOOD,
    "malformed.toml": '[suite]\nname = "x"\nbackends = ["numpy"\n',
    "unknown_dataset.toml": GOOD.replace('"moons"', '"mooons"'),
    "unknown_backend.toml": GOOD.replace('["numpy"]', '["numpi"]'),
    "unknown_key.toml": GOOD.replace('kind = "kernel"', 'kind = "kernel"\nflavour = "x"'),
    "negative_samples.toml": GOOD.replace("n_samples = 30", "n_samples = -30"),
    "huge_samples.toml": GOOD.replace("n_samples = 30", "n_samples = 1000000000000000"),
    "bad_grid.toml": GOOD.replace('kind = "kernel"', 'kind = "kernel"\ngrid = { C = [0.5, 0] }'),
    "all_excluded.toml": GOOD + '[[exclude]]\nmodel = "qsvm"\n[[exclude]]\nkind = "baseline"\n',
}

CSVS = {
    "header.csv": "x0,x1,label\n1,2,0\n3,4,1\n2,2,0\n4,4,1\n",
    "word.csv": "1,2,0\n3,four,1\n2,2,0\n4,4,1\n",
    "empty.csv": "",
    "ragged.csv": "1,2,0\n3,4\n2,2,0\n",
    "nan.csv": "1,2,0\nnan,3,1\n2,2,1\n",
    "one_class.csv": "1,2,0\n2,3,0\n4,3,0\n5,5,0\n",
    "one_column.csv": "0\n1\n0\n1\n",
}


def _store(path: Path, journal: str | None = None, schema_ahead: int = 0) -> None:
    """A store as qbench writes it (``journal=None``), or switched to another journal mode; optionally newer."""
    from qbench.results.store import SCHEMA_VERSION, Store

    with Store(path) as store:
        store.record({"job_key": "k", "suite": "old", "status": "done", "test_accuracy": 1.0})
    conn = sqlite3.connect(path)
    if schema_ahead:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + schema_ahead}")
    if journal:
        conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.close()
    for suffix in ("-wal", "-shm"):  # a cleanly closed WAL store has no side files; the refusal must not leave any
        assert not Path(f"{path}{suffix}").exists()


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under ``root`` with its bytes' hash and mtime: what a bad input must not change."""
    return {str(p.relative_to(root)): (None if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest(),
                                       p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


def _immutable(path: Path, on: bool) -> None:
    """Make ``path`` unwritable even for root (``chattr +i``); ``chmod`` does it for everyone else."""
    if os.geteuid() != 0:
        path.chmod((0o555 if path.is_dir() else 0o444) if on else (0o755 if path.is_dir() else 0o644))
        return
    proc = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        skip_or_fail(f"cannot make {path} read-only as root: {proc.stderr.strip() or 'chattr failed'}")


@pytest.fixture
def work(tmp_path, monkeypatch):
    """The working folder every case runs in (its cwd), with the files the cases name."""
    root = tmp_path / "work"
    root.mkdir()
    _store(root / "store.db")
    (root / "foreign.db").write_text("id,name\n1,not a database\n")
    _store(root / "journal.db", journal="DELETE")
    from qbench.results.store import Store

    Store(root / "empty.db").close()
    _store(root / "newer.db", journal="DELETE", schema_ahead=5)
    _store(root / "newer-wal.db", journal="WAL", schema_ahead=5)
    for name, text in {**SUITES, **CSVS}.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "precious").mkdir()
    (root / "precious" / "thesis.tex").write_text("do not overwrite")
    (root / "readonly").mkdir()
    (root / "readonly" / "store.db").write_bytes((root / "store.db").read_bytes())
    locked = [root / "readonly" / "store.db", root / "readonly"]
    for p in locked:
        _immutable(p, True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("QBENCH_DB", str(root / "store.db"))
    yield root
    for p in locked:
        _immutable(p, False)


CLI_CASES = [
    # qbench run: the suite file
    (["run", "malformed.toml", "--db", "store.db"], "malformed TOML at line 4, column 1"),
    (["run", "unknown_dataset.toml", "--db", "store.db"], "datasets[0].name: unknown dataset 'mooons'; valid names:"),
    (["run", "unknown_backend.toml", "--db", "store.db"], "suite.backends[0]: unknown backend 'numpi'; valid names:"),
    (["run", "unknown_key.toml", "--db", "store.db"], "models[0].flavour: unknown key; valid keys here:"),
    (["run", "negative_samples.toml", "--db", "store.db"], "datasets[0].n_samples: expected an integer >= 4, got -30"),
    (["run", "huge_samples.toml", "--db", "store.db"], "n_samples must be between 2 and 1,000,000"),
    (["run", "bad_grid.toml", "--db", "store.db"], "models[0].grid.C: expected a float in the range (0.0, inf), got 0"),
    (["run", "all_excluded.toml", "--db", "store.db"], "the [[exclude]] rules remove every job"),
    (["run", "all_excluded.toml", "--db", "new.db"], "the [[exclude]] rules remove every job"),
    (["run", "no_such.toml", "--db", "store.db"], "no_such.toml: no such suite file"),
    (["run", "quickstrat", "--db", "store.db"], "no shipped suite of that name; shipped suites: "),
    # qbench run: options
    (["run", "good.toml", "--db", "store.db", "--timeout", "0"], "--timeout must be > 0 seconds"),
    (["run", "good.toml", "--db", "store.db", "-j", "0"], "-j/--jobs must be >= 1"),
    (["run", "good.toml", "--db", "store.db", "--address", "tcp://127.0.0.1:1"], "--address is only used with --executor dask"),
    (["run", "good.toml", "--db", "store.db", "--memory-limit", "plenty"], "--memory-limit: expected a positive size"),
    (["run", "good.toml", "--db", "store.db", "--only", "no-such-job"], "--only 'no-such-job' matches none of the suite's"),
    # qbench run: the store
    (["run", "good.toml", "--db", "foreign.db"], "is not a qbench results store"),
    (["run", "good.toml", "--db", "newer.db"], "written by a newer qbench"),
    pytest.param(["run", "good.toml", "--db", "newer-wal.db"], "written by a newer qbench",
                 id="run-newer-wal-store"),
    pytest.param(["run", "good.toml", "--db", "readonly/new.db"], "readonly/new.db",
                 id="run-db-in-read-only-folder"),
    # qbench results
    (["results", "--db", "absent.db"], "no results store at"),
    (["results", "--db", "store.db", "--suite", "nope"], "no results for suite 'nope'"),
    pytest.param(["results", "--db", "journal.db", "--suite", "nope"], "no results for suite 'nope'",
                 id="results-rollback-journal-store-kept-as-is"),
    (["results", "--db", "foreign.db"], "is not a qbench results store"),
    (["results", "--db", "newer.db"], "written by a newer qbench"),
    pytest.param(["results", "--db", "newer-wal.db"], "written by a newer qbench",
                 id="results-newer-wal-store"),
    # qbench report
    (["report", "--db", "absent.db", "--out", "site"], "no results store at"),
    (["report", "--db", "foreign.db", "--out", "site"], "is not a qbench results store"),
    (["report", "--db", "store.db", "--suite", "nope", "--out", "site"], "no results for suite 'nope'"),
    (["report", "--db", "empty.db", "--out", "precious"], "is not empty and not a qbench site"),
    # qbench evaluate
    (["evaluate", "--dataset", "moons", "--samples", "1000000000000000"], "n_samples must be between 2 and 1,000,000"),
    (["evaluate", "--dataset", "moons", "--samples", "1"], "n_samples must be between 2 and 1,000,000, got 1"),
    (["evaluate", "--dataset", "moons", "--features", "0"], "n_features must be at least 1, got 0"),
    (["evaluate", "--dataset", "breast_cancer", "--n-qubits", "4"], "30 features but the model has 4 qubits"),
    (["evaluate", "--dataset", "nope"], "unknown dataset 'nope'; valid names:"),
    (["evaluate", "--dataset", "iris", "--backend", "nope"], "unknown backend 'nope'; valid names: "),
    (["evaluate", "--dataset", "iris", "--feature-map", "nope"], "unknown feature map 'nope'; valid names: angle"),
    (["evaluate", "--dataset", "iris", "--mode", "hardware"], "does not support mode 'hardware' (it supports: exact, shots, noisy)"),
    (["evaluate", "--dataset", "iris", "--mode", "noisy", "--noise", "p1=2"], "p1"),
    (["evaluate", "--dataset", "iris", "--noise", "p1=0.01"], "--noise applies only to --mode noisy"),
    (["evaluate"], "give exactly one of --dataset NAME or --data FILE.csv"),
    (["evaluate", "--data", "header.csv"], "header.csv: line 1, column 1: 'x0' is not a number (a header row?"),
    (["evaluate", "--data", "word.csv"], "word.csv: line 2, column 2: 'four' is not a number"),
    (["evaluate", "--data", "empty.csv"], "empty.csv: the file is empty"),
    (["evaluate", "--data", "ragged.csv"], "ragged.csv: line 2 has 2 columns, line 1 has 3"),
    (["evaluate", "--data", "nan.csv"], "nan.csv contains NaN or infinite values"),
    (["evaluate", "--data", "one_class.csv"], "one_class.csv has only one class"),
    (["evaluate", "--data", "one_column.csv"], "expected numeric columns with the label last"),
    (["evaluate", "--data", "absent.csv"], "cannot read absent.csv"),
    # qbench check
    (["check", "nope"], "unknown backend 'nope'"),
    (["check", "numpy", "--mode", "hardware"], "does not support mode 'hardware'"),
    # qbench bench
    (["bench", "kernel", "--backend", "nope", "--qubits", "2", "--samples", "8", "--repeat", "1"], "unknown backend 'nope'"),
    (["bench", "kernel", "--mode", "hardware", "--qubits", "2", "--samples", "8", "--repeat", "1"], "does not support mode 'hardware'"),
]


def _case_id(case) -> str:
    args = case.values[0] if hasattr(case, "values") else case[0]
    return "-".join(a.replace("--", "").replace("/", "_") for a in args)[:60]


@pytest.mark.parametrize("args, fragment", CLI_CASES,
                         ids=[c.id if hasattr(c, "id") and c.id else _case_id(c) for c in CLI_CASES])
def test_cli_bad_input(cli, work, args, fragment):
    before = _snapshot(work)
    code, out, err = cli(*args)
    assert code == 2, f"exit {code}: {err or out}"
    assert "Traceback" not in err and "Warning" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert fragment in lines[0], lines[0]
    assert _snapshot(work) == before, "the working folder changed"


def test_results_reads_a_valid_store_on_a_read_only_mount(cli, work):
    """Not bad input at all: a store nobody may write is still readable, so ``qbench results`` shows it."""
    before = _snapshot(work)
    code, out, err = cli("results", "--db", "readonly/store.db", "--jobs")
    assert code == 0, err
    assert "old" in out
    assert _snapshot(work) == before


# ------------------------------------------------------------------ the Python API
def _breast_cancer():
    from qbench.datasets import load_dataset

    return load_dataset("breast_cancer", seed=0)


def _api_cases():
    from qbench.datasets import load_csv, load_dataset
    from qbench.models import QNNClassifier, QuantumKernelClassifier
    from qbench.plugin.manager import open_backend
    from qbench.run.runner import run_suite

    X2, y2 = np.random.default_rng(0).normal(size=(8, 2)), np.arange(8) % 2
    return [
        ("qnn-gradient-in-backend-options", lambda w: QNNClassifier(backend_options={"gradient": "adjoint"}).fit(X2, y2),
         "gradient=..., not in backend_options"),
        ("kernel-too-many-features", lambda w: QuantumKernelClassifier(n_qubits=4).fit(*_breast_cancer()),
         "30 features but the model has 4 qubits"),
        ("kernel-nan", lambda w: QuantumKernelClassifier().fit(np.array([[np.nan, 1.0], [1.0, 2.0]]), [0, 1]), "NaN"),
        ("qnn-one-class", lambda w: QNNClassifier().fit(np.ones((4, 2)), [1, 1, 1, 1]), "only one class"),
        ("qnn-three-classes", lambda w: QNNClassifier().fit(np.random.default_rng(0).normal(size=(6, 2)), [0, 1, 2] * 2),
         "Only binary"),
        ("kernel-unknown-backend", lambda w: QuantumKernelClassifier(backend="nope").fit(X2, y2), "unknown backend 'nope'"),
        ("load-dataset-huge", lambda w: load_dataset("moons", n_samples=10**15), "n_samples must be between"),
        ("load-dataset-unknown", lambda w: load_dataset("nope"), "unknown dataset 'nope'"),
        ("load-csv-header", lambda w: load_csv(w / "header.csv"), "is not a number (a header row?"),
        ("load-csv-empty", lambda w: load_csv(w / "empty.csv"), "the file is empty"),
        ("open-backend-bad-mode", lambda w: open_backend("numpy", mode="hardware"), "does not support mode 'hardware'"),
        ("open-backend-noise-in-exact", lambda w: open_backend("numpy", mode="exact", noise={"p1": 0.01}), "noise"),
        ("open-backend-unknown-noise-key", lambda w: open_backend("numpy", mode="noisy", noise={"p3": 0.01}), "p3"),
        ("run-suite-all-excluded", lambda w: run_suite(w / "all_excluded.toml", db=w / "store.db", progress=False),
         "the [[exclude]] rules remove every job"),
    ]


@pytest.mark.parametrize("name, call, fragment", _api_cases(),
                         ids=[c.values[0] if hasattr(c, "values") else c[0] for c in _api_cases()])
def test_api_bad_input(work, name, call, fragment):
    before = _snapshot(work)
    with pytest.raises(QBenchError) as exc:
        call(work)
    message = str(exc.value)
    assert "\n" not in message and fragment in message, message
    assert _snapshot(work) == before


def test_the_table_is_big_enough():
    assert len(CLI_CASES) + len(_api_cases()) >= 30
