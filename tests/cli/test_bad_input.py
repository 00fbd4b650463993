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
import types
from pathlib import Path

import numpy as np
import pytest
from requires import skip_or_fail

from qbench.errors import QBenchError
from qbench.plugin.manager import host


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
    # non-finite numbers anywhere in a suite
    "nan_timeout.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\ntimeout = nan'),
    "inf_param.toml": GOOD.replace("reps = 1 }", "reps = 1 }, C = inf"),
    "nan_data_param.toml": GOOD.replace("noise = 0.1", "noise = nan"),
    "inf_grid.toml": GOOD.replace('kind = "kernel"', 'kind = "kernel"\ngrid = { C = [1.0, -inf] }'),
    # seeds are random states: [0, 2**32)
    "seed_negative.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nseeds = [-1]'),
    "seed_2_32.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nseeds = [0, 4294967296]'),
    "seed_2_63.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nseeds = [9223372036854775807]'),
    "data_seed_2_32.toml": GOOD.replace("n_samples = 30", "n_samples = 30\ndata_seed = 4294967296"),
    # oversized templates, runs and timeouts
    "huge_reps.toml": GOOD.replace("reps = 1", "reps = 1000000000"),
    "float_reps.toml": GOOD.replace("reps = 1", "reps = 1.5"),
    "huge_layers.toml": GOOD.replace('name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
                                     'name = "qnn"\nkind = "qnn"\ngrid = { ansatz_params = [{ layers = 1 }, { layers = 5000 }] }'),
    "huge_reuploads.toml": GOOD.replace('name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
                                        'name = "qnn"\nkind = "qnn"\nparams = { reuploads = 100000 }'),
    "huge_batch.toml": GOOD.replace('name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
                                    'name = "vqnn"\nkind = "vanilla_qnn"\nparams = { batch_size = 1000000000000 }'),
    "huge_episodes.toml": GOOD.replace('name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
                                       'name = "qks"\nkind = "quantum_kitchen_sinks"\nparams = { n_episodes = 1000000000000 }'),
    "huge_encoding_layers.toml": GOOD.replace(
        'name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
        'name = "sk"\nkind = "separable_kernel"\nparams = { encoding_layers = 100000000000 }'),
    "bool_count.toml": GOOD.replace('name = "qsvm"\nkind = "kernel"\nparams = { feature_map = "zz", feature_map_params = { reps = 1 } }',
                                    'name = "cc"\nkind = "circuit_centric"\nparams = { n_input_copies = true }'),
    "huge_grid.toml": GOOD.replace('kind = "kernel"', 'kind = "kernel"\ngrid = { C = [%s], bandwidth = [%s] }' % (
        ", ".join(str(i + 1) for i in range(101)), ", ".join(str(0.01 * (i + 1)) for i in range(101)))),
    "many_jobs.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nseeds = [%s]' % (
        ", ".join(str(i) for i in range(50_001)))),
    "huge_shots.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nmodes = [{ name = "shots", shots = 10000000000 }]'),
    "huge_timeout.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\ntimeout = 1e12'),
    "huge_memory_limit.toml": GOOD.replace('backends = ["numpy"]', 'backends = ["numpy"]\nmemory_limit = "99999999 TiB"'),
    # credential-like options
    "token_option.toml": GOOD + '[suite.backend_options.numpy]\ntoken = "tok-5ecret-998877"\n',
    "nested_credential.toml": GOOD + '[suite.backend_options.numpy]\nservice = { api_key = "k-999888" }\n',
}

CSVS = {
    "header.csv": "x0,x1,label\n1,2,0\n3,4,1\n2,2,0\n4,4,1\n",
    "word.csv": "1,2,0\n3,four,1\n2,2,0\n4,4,1\n",
    "empty.csv": "",
    "ragged.csv": "1,2,0\n3,4\n2,2,0\n",
    "nan.csv": "1,2,0\nnan,3,1\n2,2,1\n",
    "one_class.csv": "1,2,0\n2,3,0\n4,3,0\n5,5,0\n",
    "one_column.csv": "0\n1\n0\n1\n",
    "two_rows.csv": "1,2,0\n3,4,1\n",
    "float_labels.csv": "".join(f"{i},{i % 3},{0.5 + i % 2}\n" for i in range(12)),
    "small_class.csv": "".join(f"{i},{i % 3},{int(i == 0)}\n" for i in range(12)),
    "nan_label.csv": "".join(f"{i},{i % 3},{i % 2}\n" for i in range(11)) + "1,2,nan\n",
    # 1,000 feature columns and 40 rows (360 kB): refused against the 20-qubit limit before its angles exist
    "wide.csv": "".join(",".join(f"{(r * 7 + c) % 10 / 10:.1f}" for c in range(1000)) + f",{r % 2}\n" for r in range(40)),
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
    (root / "latin1.csv").write_bytes(b"1,2,0\n3,\xe9,1\n")
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
    (["evaluate", "--dataset", "moons", "--features", "0"], "n_features must be at least 1 and at most 10,000, got 0"),
    (["evaluate", "--dataset", "breast_cancer", "--n-qubits", "4"], "30 features but the model has 4 qubits"),
    (["evaluate", "--dataset", "nope"], "unknown dataset 'nope'; valid names:"),
    (["evaluate", "--dataset", "iris", "--backend", "nope"], "unknown backend 'nope'; valid names: "),
    (["evaluate", "--dataset", "iris", "--feature-map", "nope"], "unknown feature map 'nope'; valid names: "
     + ", ".join(host.registries()["feature_map"].names())),
    (["evaluate", "--dataset", "iris", "--mode", "hardware"], "does not support mode 'hardware' (it supports: exact, shots, noisy)"),
    (["evaluate", "--dataset", "iris", "--mode", "noisy", "--noise", "p1=2"], "p1"),
    (["evaluate", "--dataset", "iris", "--noise", "p1=0.01"], "--noise applies only to --mode noisy"),
    (["evaluate"], "give exactly one of --dataset NAME or --data FILE.csv"),
    (["evaluate", "--dataset", "iris", "--model", "circuit_centric", "--param", "n_input_copies=true"],
     "--param n_input_copies: expected an int in the range [1, 1000], got True"),
    (["evaluate", "--dataset", "iris", "--model", "separable_kernel", "--param", "encoding_layers=100000"],
     "'encoding_layers' parameter of SeparableKernelClassifier must be an int in the range [1, 1000]"),
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


#: Bad input by class: (args, environment, fragment).  Each class is a promise for every input like it, so a
#: new case of a class belongs here, in its class.
NON_FINITE = [
    (["run", "nan_timeout.toml", "--db", "store.db"], {}, "suite.timeout: expected a finite number, got nan"),
    (["run", "inf_param.toml", "--db", "store.db"], {}, "models[0].params.C: expected a finite number, got inf"),
    (["run", "nan_data_param.toml", "--db", "store.db"], {}, "datasets[0].params.noise: expected a finite number, got nan"),
    (["run", "inf_grid.toml", "--db", "store.db"], {}, "models[0].grid.C[1]: expected a finite number, got -inf"),
    (["run", "good.toml", "--db", "store.db", "--timeout", "nan"], {}, "--timeout must be > 0 seconds, at most 604800"),
    (["run", "good.toml", "--db", "store.db", "--timeout", "inf"], {}, "--timeout must be > 0 seconds, at most 604800"),
    (["run", "good.toml", "--db", "new.db", "--timeout", "-inf"], {}, "--timeout must be > 0 seconds"),
    (["evaluate", "--dataset", "iris", "--param", "C=NaN"], {}, "--param C: expected a finite number, got NaN"),
    (["evaluate", "--dataset", "iris", "--param", "C=1e999"], {}, "--param C: expected a finite number, got 1e999"),
    (["evaluate", "--dataset", "iris", "--param", "gamma=-Infinity"], {}, "--param gamma: expected a finite number"),
    (["draw", "zz", "--qubits", "2", "--param", "bandwidth=Infinity"], {}, "--param bandwidth: expected a finite number"),
    (["check", "numpy", "--option", "memory_budget=NaN"], {}, "--option memory_budget: expected a finite number"),
]
SEEDS = [
    (["run", "seed_negative.toml", "--db", "store.db"], {}, "suite.seeds[0]: expected an integer >= 0 and < 2**32, got -1"),
    (["run", "seed_2_32.toml", "--db", "store.db"], {}, "suite.seeds[1]: expected an integer >= 0 and < 2**32, got 4294967296"),
    (["run", "seed_2_63.toml", "--db", "new.db"], {}, "suite.seeds[0]: expected an integer >= 0 and < 2**32"),
    (["run", "data_seed_2_32.toml", "--db", "store.db"], {}, "datasets[0].data_seed: expected an integer >= 0 and < 2**32"),
    (["evaluate", "--dataset", "iris", "--seed", "-1"], {}, "'--seed': -1 is not in the range 0<=x<=4294967295"),
    (["evaluate", "--dataset", "iris", "--seed", str(2**64)], {}, "is not in the range 0<=x<=4294967295"),
    (["evaluate", "--dataset", "iris", "--param", "random_state=-5"], {}, "--param random_state: set it with --seed"),
]
OVERSIZED = [
    (["run", "huge_reps.toml", "--db", "store.db"], {}, "zz: reps must be an integer from 1 to 1000, got 1000000000"),
    (["run", "float_reps.toml", "--db", "store.db"], {}, "zz: reps must be an integer from 1 to 1000, got 1.5"),
    (["run", "huge_layers.toml", "--db", "store.db"], {}, "hardware_efficient: layers must be an integer from 0 to 1000"),
    (["run", "huge_reuploads.toml", "--db", "store.db"], {}, "models[0].params.reuploads: expected an int in the range [1, 1000]"),
    (["run", "huge_batch.toml", "--db", "store.db"], {}, "models[0].params.batch_size: expected an int in the range [1, 100000]"),
    (["run", "huge_episodes.toml", "--db", "store.db"], {}, "models[0].params.n_episodes: n_episodes must be an integer from 1 to"),
    (["run", "huge_encoding_layers.toml", "--db", "store.db"], {},
     "models[0].params.encoding_layers: expected an int in the range [1, 1000]"),
    (["run", "bool_count.toml", "--db", "new.db"], {}, "models[0].params.n_input_copies: expected an int in the range [1, 1000], got True"),
    (["run", "huge_grid.toml", "--db", "store.db"], {}, "models[0].grid: 10,201 grid points (the product of its lists'"),
    (["plan", "huge_grid.toml"], {}, "models[0].grid: 10,201 grid points"),
    (["run", "many_jobs.toml", "--db", "new.db"], {}, "the suite expands to 100,002 jobs before exclusions; at most 100,000"),
    (["plan", "many_jobs.toml"], {}, "the suite expands to 100,002 jobs before exclusions"),
    (["run", "huge_shots.toml", "--db", "store.db"], {}, "shots: expected an integer >= 1 and <= 1,000,000,000"),
    (["run", "huge_timeout.toml", "--db", "store.db"], {}, "suite.timeout: expected a number > 0 and <= 604800"),
    (["run", "huge_memory_limit.toml", "--db", "store.db"], {}, "suite.memory_limit: expected a positive size"),
    (["run", "good.toml", "--db", "store.db", "-j", "99999999999"], {}, "-j/--jobs must be at most 1024"),
    (["run", "good.toml", "--db", "store.db", "--memory-limit", "0"], {}, "--memory-limit: expected a positive size"),
    (["evaluate", "--dataset", "iris", "--param", 'feature_map_params={"repeats": 1000000000}'], {},
     "iqp: repeats must be an integer from 1 to 1000, got 1000000000"),
    (["evaluate", "--dataset", "moons", "--features", "1000000000"], {}, "n_features must be at least 1 and at most 10,000"),
    (["evaluate", "--dataset", "moons", "--samples", "1000000", "--features", "10000"], {}, "is more than 50,000,000 values"),
    (["evaluate", "--dataset", "moons", "--samples", "3"], {}, "class 0 has 1 sample of 3; a stratified test split and "
                                                                "3-fold CV need at least 4 of each class"),
    (["evaluate", "--data", "two_rows.csv"], {}, "two_rows.csv: class 0 has 1 sample of 2"),
    (["evaluate", "--data", "small_class.csv"], {}, "small_class.csv: class 1 has 1 sample of 12"),
    (["evaluate", "--data", "float_labels.csv"], {}, "float_labels.csv: labels must be classes (whole numbers), got 0.5"),
    (["evaluate", "--data", "nan_label.csv"], {}, "nan_label.csv contains NaN or infinite labels"),
    (["evaluate", "--data", "latin1.csv"], {}, "cannot read latin1.csv: not UTF-8 text"),
    (["evaluate", "--data", "wide.csv"], {}, "backend 'numpy' supports at most 20 qubits in exact mode; the model needs 1000"),
    (["evaluate", "--data", "wide.csv", "--model", "qnn"], {}, "supports at most 20 qubits in exact mode; the model needs 1000"),
    (["evaluate", "--data", "/dev/zero"], {}, "cannot read /dev/zero: not a regular file"),
    (["evaluate", "--data", "wide.csv"], {"QBENCH_DATA_LIMIT": "64 KiB"}, "wide.csv is 0.2 MiB; the limit is 0.1 MiB (QBENCH_DATA_LIMIT)"),
    (["evaluate", "--dataset", "iris", "--mode", "noisy", "--n-qubits", "4", "--param", 'feature_map_params={"repeats": 3}'],
     {"QBENCH_MEMORY_LIMIT": "4 KiB"}, "needs at least"),
    (["draw", "zz", "--qubits", "2", "--param", "reps=1000000000"], {}, "zz: reps must be an integer from 1 to 1000"),
    (["draw", "zz", "--qubits", "500"], {}, "zz on 500 qubits would have 750,500 gates; the limit is 100,000"),
    (["bench", "qnn", "--qubits", "2", "--samples", "8", "--repeat", "1", "--layers", "1000000000"], {},
     "--layers must be at least 1 and at most 1000, got 1000000000"),
    (["bench", "kernel", "--qubits", "2", "--samples", "100000000", "--repeat", "1"], {},
     "--samples must be at least 1 and at most 1,000,000, got 100000000"),
]
ENVIRONMENT = [
    *[(["run", "good.toml", "--db", "store.db"], {"QBENCH_LEASE_SECONDS": v},
       f"QBENCH_LEASE_SECONDS must be a number of seconds from 0.1 to 86400, got '{v}'")
      for v in ("abc", "-1", "0", "nan", "inf", "1e-9", "1e30", "")[:-1]],
    (["run", "good.toml", "--db", "new.db"], {"QBENCH_LEASE_SECONDS": "nan"}, "QBENCH_LEASE_SECONDS must be"),
    (["run", "good.toml", "--db", "store.db", "--list"], {"QBENCH_LEASE_SECONDS": "abc"}, "QBENCH_LEASE_SECONDS must be"),
    (["run", "good.toml", "--db", "store.db"], {"QBENCH_MEMORY_LIMIT": "lots"}, "QBENCH_MEMORY_LIMIT must be a positive size"),
    (["run", "good.toml", "--db", "store.db"], {"QBENCH_MEMORY_LIMIT": "-1 GiB"}, "QBENCH_MEMORY_LIMIT must be a positive size"),
    (["run", "good.toml"], {"QBENCH_DB": " "}, "QBENCH_DB must be a file path, got an empty value"),
    (["evaluate", "--data", "header.csv"], {"QBENCH_DATA_LIMIT": "nan"}, "QBENCH_DATA_LIMIT must be a positive size"),
]
USAGE = [
    (["results", "--db", "precious"], {}, "Invalid value for '--db': File 'precious' is a directory (see 'qbench results --help')"),
    (["results", "--format", "xyz"], {}, "Invalid value for '--format': 'xyz' is not one of"),
    (["results", "-o", "precious"], {}, "Invalid value for '-o' / '--output': File 'precious' is a directory"),
    (["report", "--out", "store.db"], {}, "Invalid value for '--out': Directory 'store.db' is a file"),
    (["evaluate", "--data", "precious"], {}, "Invalid value for '--data': File 'precious' is a directory"),
    (["evaluate", "--dataset", "iris", "--seed", "abc"], {}, "Invalid value for '--seed': 'abc' is not a valid integer"),
    (["draw", "nope"], {}, "Missing option '--qubits' (see 'qbench draw --help')"),
    (["run"], {}, "Missing argument 'SUITE' (see 'qbench run --help')"),
    (["nope"], {}, "No such command 'nope'"),
    (["results", "--db", "store.db", "-o", "missing/x.csv"], {}, "-o/--output missing/x.csv: the folder missing does not exist"),
    (["report", "--db", "store.db", "--out", "missing/deeper/site"], {}, "--out missing/deeper/site: the folder missing/deeper "
                                                                       "does not exist"),
    (["report", "--db", "store.db", "--out", "/proc/qbench-site"], {}, "cannot write the site to /proc/qbench-site"),
    (["results", "--db", "store.db", "-o", "readonly/x.csv"], {}, "-o/--output readonly/x.csv"),
]
CREDENTIALS = [
    (["run", "token_option.toml", "--db", "store.db"], {}, "suite.backend_options.numpy.token: looks like a credential"),
    (["run", "nested_credential.toml", "--db", "store.db"], {}, "suite.backend_options.numpy.service.api_key: looks like a credential"),
    (["evaluate", "--dataset", "iris", "--param", "token=tok-5ecret-998877"], {}, "--param token: looks like a credential"),
    (["check", "numpy", "--option", "password=hunter2-pw"], {}, "--option password: looks like a credential"),
    (["bench", "kernel", "--qubits", "2", "--samples", "8", "--repeat", "1", "--backend", "numpy", "--option", "api_key=k"], {},
     "--option api_key: looks like a credential"),
]
CLASS_CASES = {"non-finite": NON_FINITE, "seed": SEEDS, "oversized": OVERSIZED, "env": ENVIRONMENT, "usage": USAGE,
               "credential": CREDENTIALS}


def _class_params():
    for name, cases in CLASS_CASES.items():
        for i, (args, env, fragment) in enumerate(cases):
            label = "-".join(f"{k}={v}" for k, v in env.items()) or " ".join(args[:4])
            yield pytest.param(args, env, fragment, id=f"{name}-{i}-{label}"[:70])


@pytest.mark.parametrize("args, env, fragment", list(_class_params()))
def test_bad_input_by_class(cli, work, monkeypatch, args, env, fragment):
    """Each class: exit 2, one line naming the problem, no traceback or warning, the working folder untouched."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    before = _snapshot(work)
    code, out, err = cli(*args)
    assert code == 2, f"exit {code}: {err or out}"
    assert "Traceback" not in err and "Warning" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert fragment in lines[0], lines[0]
    assert "tok-5ecret-998877" not in err and "hunter2-pw" not in err and "k-999888" not in err
    assert _snapshot(work) == before, "the working folder changed"


def test_every_class_has_cases():
    assert all(len(cases) >= 5 for cases in CLASS_CASES.values()), {k: len(v) for k, v in CLASS_CASES.items()}


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
    from qbench.circuits import ZZFeatureMap
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
        ("template-huge-reps", lambda w: ZZFeatureMap(reps=10**9), "reps must be an integer from 1 to 1000"),
        ("kernel-negative-C", lambda w: QuantumKernelClassifier(C=-1).fit(X2, y2), "The 'C' parameter of"),
        ("qnn-unknown-gradient", lambda w: QNNClassifier(gradient="magic").fit(X2, y2), "The 'gradient' parameter of"),
        ("load-csv-device", lambda w: load_csv("/dev/zero"), "not a regular file"),
        ("load-dataset-too-wide", lambda w: load_dataset("moons", n_features=10**6), "at most 10,000"),
        ("run-suite-nan-timeout", lambda w: run_suite(w / "good.toml", db=w / "store.db", timeout=float("nan"),
                                                      progress=False), "timeout must be > 0 seconds"),
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


# ================================================================== storage faults (issue 21, storage half)
# A full disk (a small tmpfs mounted for the test; skipped where mounting is not permitted, failed under CI)
# and a store with damaged pages behind a valid header.  Each case: its exit code, one ``Error:`` line, no
# traceback, the store byte-identical (or, for a fault mid-run, consistent: no placeholder, no lease left).

FULL_SUITE = SUITE_HEAD.format(name="full") + "seeds = [0, 1, 2, 3, 4, 5, 6, 7]\n" + DATA + MODELS


def _one_error_line(err: str, fragment: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs at ``tmp_path/disk``; ``small_disk.fill(free)`` leaves ``free`` bytes free on it."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        skip_or_fail(f"cannot mount a small tmpfs to fill a disk here (needs root): {done.stderr.strip()}")

    def fill(free: int) -> None:
        stat = os.statvfs(mnt)
        with open(mnt / "filler", "wb") as fh:
            fh.write(b"\0" * max(stat.f_bavail * stat.f_frsize - free, 0))
        try:  # tmpfs rounds to pages: top up until the last bytes are taken, when asked for a full disk
            with open(mnt / "filler", "ab") as fh:
                while free == 0:
                    fh.write(b"\0" * 512)
                    fh.flush()
        except OSError:
            pass

    yield types.SimpleNamespace(path=mnt, fill=fill)
    subprocess.run(["umount", str(mnt)], check=True)


def test_full_disk_creating_a_store_leaves_no_file(cli, work, small_disk):
    small_disk.fill(0)
    before = _snapshot(work), sorted(os.listdir(small_disk.path))
    code, out, err = cli("run", "good.toml", "--db", small_disk.path / "sub" / "new.db")
    assert code == 2
    _one_error_line(err, "the disk is full")
    assert (_snapshot(work), sorted(os.listdir(small_disk.path))) == before  # no 0-byte store, no folder


def test_full_disk_writing_the_site_leaves_no_partial_site(cli, work, small_disk):
    small_disk.fill(64 * 1024)  # room for the first files, not for plotly.js
    before = _snapshot(work)
    code, out, err = cli("report", "--db", "store.db", "--out", small_disk.path / "site")
    assert code == 2
    _one_error_line(err, "the disk is full")
    assert sorted(os.listdir(small_disk.path)) == ["filler"]  # no site, no marker, no staging folder
    assert _snapshot(work) == before


def test_full_disk_mid_run_is_one_line_exit_1_and_releases_every_lease(cli, work, small_disk):
    from qbench.results.store import RESERVE_BYTES, Store

    db = small_disk.path / "r.db"
    Store(db).close()
    (work / "full.toml").write_text(FULL_SUITE, encoding="utf-8")
    small_disk.fill(RESERVE_BYTES + 128 * 1024)  # the runner's reserve, the definition and a few rows, not 16 jobs
    code, out, err = cli("run", "full.toml", "--db", db)
    assert code == 1, err
    line = _one_error_line(err, "the disk is full")
    assert "the run stopped" in line and "every stored result is kept" in line
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute("SELECT status, lease_owner, lease_expires FROM jobs").fetchall()
    conn.close()
    assert all(status in ("done", "failed") and owner is None and expires is None
               for status, owner, expires in rows), rows
    assert 0 < len(rows) < 16, rows  # it stopped mid-run, after some jobs were stored
    assert not [name for name in os.listdir(small_disk.path) if "reserve" in name]  # the runner's reserve freed
    # space again: the next run resumes, running only the jobs not stored
    (small_disk.path / "filler").unlink()
    code, out, err = cli("run", "full.toml", "--db", db)
    assert code == 0 and f"{16 - len(rows)} done, 0 failed, 0 skipped, {len(rows)} already done" in err, err


def _damaged_store(path: Path) -> None:
    """A store whose header is valid and whose b-tree pages (from the third on) are overwritten."""
    from qbench.results.store import Store

    with Store(path) as store:
        for i in range(30):
            store.record({"job_key": f"k{i}", "suite": "old", "status": "done", "test_accuracy": 1.0,
                          "error_message": "x" * 500})
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page, len(data), page):
        data[offset:offset + 64] = bytes(range(64, 128))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("args", [["results"], ["results", "--jobs"], ["report", "--out", "site"],
                                  ["run", "good.toml"], ["run", "good.toml", "--list"]], ids=lambda a: "-".join(a))
def test_damaged_store_is_refused_in_one_line_and_never_written(cli, work, args):
    _damaged_store(work / "damaged.db")
    before = _snapshot(work)
    code, out, err = cli(*args, "--db", "damaged.db")
    assert code == 2, err
    _one_error_line(err, "damaged.db is damaged")
    assert _snapshot(work) == before
