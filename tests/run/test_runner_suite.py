"""Suite files: the schema, its one-line errors (file, key path, what was expected) and the job expansion."""

from __future__ import annotations

import pytest
from runner_helpers import BASELINE, FAULTY, KERNEL, QNN, TINY_DATA, suite_text

from qbench.models.kinds import model_kinds
from qbench.plugin.manager import host
from qbench.suite.jobs import expand, scrub, select
from qbench.suite.parse import SuiteError, load_suite, parse_suite
from qbench.suite.catalog import find_suite, shipped_suites


def parse(text: str):
    return parse_suite(text, "s.toml")


def test_cartesian_product_with_exclude_and_shared_splits():
    text = suite_text("grid", """
        backends = ["numpy"]
        modes = ["exact", { name = "shots", shots = [64, 256] }]
        seeds = [0, 1]
    """, TINY_DATA.replace("n_samples = 30", "n_samples = [30, 40]") + KERNEL + QNN + BASELINE + """
        [[exclude]]
        model = "qnn"
        mode = "shots"
        shots = 64

        [[exclude]]
        dataset = "moo*"
        n_samples = 40
        backend = "numpy"
        mode = "exact"
    """)
    suite = parse(text)
    jobs = expand(suite)
    # per size: kernel 3 mode settings x 2 seeds + qnn (3 - 1) x 2 + baseline 2 seeds; size 40 loses the exact quantum jobs
    per_size = 3 * 2 + 2 * 2 + 2
    assert len(jobs) == per_size + (per_size - 2 * 2)
    assert len({j.key for j in jobs}) == len(jobs)
    assert not [j for j in jobs if j.model == "qnn" and j.shots == 64]
    assert {j.shots for j in jobs if j.mode == "exact"} == {None}
    base = [j for j in jobs if j.kind == "baseline"]
    assert {(j.backend, j.mode) for j in base} == {("classical", "classical")}
    # quantum and classical jobs of the same data set and seed share data, split and preprocessing
    q = next(j for j in jobs if j.kind == "kernel" and j.seed == 1 and j.n_samples == 30)
    b = next(j for j in base if j.seed == 1 and j.n_samples == 30)
    same = ("dataset", "n_samples", "n_features", "test_size", "data_seed", "dataset_params", "preprocess", "cv", "seed")
    assert all(getattr(q, f) == getattr(b, f) for f in same)


def test_job_key_is_a_hash_of_the_normalized_config():
    a = expand(parse(suite_text("keys", 'backends = ["numpy"]')))
    b = expand(parse(suite_text("keys", 'backends = ["numpy"]\nseeds = [0]\ntimeout = 5')))
    assert [j.key for j in a] == [j.key for j in b]  # execution settings are not part of a job's identity
    c = expand(parse(suite_text("keys", 'backends = ["numpy"]', TINY_DATA + KERNEL.replace("0.5", "0.25") + BASELINE)))
    assert a[0].key != c[0].key and a[-1].key == c[-1].key
    d = expand(parse(suite_text("other", 'backends = ["numpy"]')))
    assert not {j.key for j in a} & {j.key for j in d}


def test_only_selects_by_label():
    jobs = expand(parse(suite_text("only", 'backends = ["numpy"]\nseeds = [0, 1]')))
    assert [j.label for j in select(jobs, ["seed=1"])] == [j.label for j in jobs if j.seed == 1]
    assert {j.model for j in select(jobs, ["*/svc_linear/*"])} == {"svc_linear"}
    assert select(jobs, ["nothing-matches"]) == []


def _with_options(text: str, backend: str, options: dict) -> list:
    """The suite's jobs on ``backend`` given ``options`` after parsing (a suite file may not carry credentials,
    so a credential reaches a job only from code; scrubbing is the second line of defence)."""
    import dataclasses

    return [dataclasses.replace(j, backend_options={**j.backend_options, **options})
            for j in expand(parse(text)) if j.backend == backend]


def test_credentials_in_a_suite_file_are_refused():
    for body in ('token = "abc-secret-1"', 'nested = { api_key = "k-999" }'):
        text = suite_text("creds", f'backends = ["numpy", "test.secret"]\nplugins = ["{FAULTY}"]\n'
                          f'[suite.backend_options."test.secret"]\n{body}')
        with pytest.raises(SuiteError, match=r"backend_options\.test\.secret\.(token|nested\.api_key): looks like a "
                                             r"credential") as exc:
            parse(text)
        assert "abc-secret-1" not in str(exc.value) and "k-999" not in str(exc.value)


def test_credentials_are_scrubbed_from_the_identity():
    text = suite_text("creds", f'backends = ["numpy", "test.secret"]\nplugins = ["{FAULTY}"]')
    jobs = _with_options(text, "test.secret", {"token": "abc-secret-1", "nested": {"api_key": "k-999"}})
    assert jobs and jobs[0].backend_options["token"] == "abc-secret-1"  # the worker gets it ...
    identity = repr(jobs[0].identity())
    assert "abc-secret-1" not in identity and "k-999" not in identity  # ... the key and the store never do
    assert scrub({"password": 1, "x": [{"secret": 2}], "ok": 3}) == {"password": "***", "x": [{"secret": "***"}], "ok": 3}


def test_all_and_installed_backend_groups():
    text = suite_text("groups", f'backends = ["all"]\nplugins = ["{FAULTY}"]', TINY_DATA + KERNEL)
    names = {b.name for b in parse(text).backends}
    assert {"numpy", "test.raises", "test.missing"} <= names
    installed = {b.name for b in parse(text.replace('"all"', '"installed"')).backends}
    assert "numpy" in installed and "test.missing" not in installed


SCHEMA_ERRORS = [
    ('backends = ["numpy"]\nbogus = 1', None, "s.toml: suite.bogus: unknown key; valid keys here: name, description"),
    ('backends = ["nope"]', None, "s.toml: suite.backends[0]: unknown backend 'nope'; valid names: "),
    ('backends = ["numpy"]\nseeds = [0, "1"]', None, "s.toml: suite.seeds[1]: expected an integer >= 0 and < 2**32, got '1'"),
    ('backends = ["numpy"]\ncv = 1', None, "s.toml: suite.cv: expected an integer >= 2, got 1"),
    ('backends = ["numpy"]\ntimeout = -3', None, "s.toml: suite.timeout: expected a number > 0"),
    ('backends = ["numpy"]\nmodes = ["warp"]', None, "s.toml: suite.modes[0]: expected one of 'exact', 'shots'"),
    ('backends = ["numpy"]\nmodes = [{ name = "shots", shots = 0 }]', None, "suite.modes[0].shots: expected an integer >= 1 and <= 1,000,000,000, got 0"),
    ('backends = ["numpy"]\nmemory_limit = "lots"', None, "suite.memory_limit: expected a positive size"),
    ('backends = ["numpy"]', TINY_DATA.replace("moons", "moonz") + KERNEL,
     "s.toml: datasets[0].name: unknown dataset 'moonz'; valid names: ad_hoc, "),
    ('backends = ["numpy"]', TINY_DATA.replace("noise", "nois") + KERNEL,
     "s.toml: datasets[0].params.nois: data set 'moons' has no parameter 'nois'; valid: noise"),
    ('backends = ["numpy"]', TINY_DATA.replace("n_samples = 30", "n_samples = 30\ntest_size = 1.5") + KERNEL,
     "datasets[0].test_size: expected a fraction in (0, 1) or a number of test samples >= 2, got 1.5"),
    ('backends = ["numpy"]', TINY_DATA + KERNEL.replace('"zz"', '"zzz"'),
     "s.toml: models[0].params.feature_map: unknown feature map 'zzz'; valid names: "
     + ", ".join(host.registries()["feature_map"].names())),
    ('backends = ["numpy"]', TINY_DATA + KERNEL.replace("C = [0.5, 5.0]", "C = [0.5, -5.0]"),
     "s.toml: models[0].grid.C: expected a float in the range (0.0, inf), got -5.0"),
    ('backends = ["numpy"]', TINY_DATA + KERNEL.replace("grid = {", "grid = { Cee = [1], "),
     "s.toml: models[0].grid.Cee: QuantumKernelClassifier has no parameter 'Cee'; valid: feature_map"),
    ('backends = ["numpy"]', TINY_DATA + KERNEL.replace("params = {", "params = { backend = 'qiskit', "),
     "s.toml: models[0].params.backend: is set by the suite"),
    ('backends = ["numpy"]', TINY_DATA + KERNEL.replace('"kernel"', '"svm"'),
     "s.toml: models[0].kind: expected one of " + ", ".join(repr(k) for k in model_kinds() + ("baseline",))
     + ", got 'svm'"),
    ('backends = ["numpy"]', TINY_DATA + BASELINE.replace('name = "svc_linear"', 'name = "svm_lin"'),
     "s.toml: models[0].name: unknown baseline 'svm_lin'; valid names: "),
    ('backends = ["numpy"]', TINY_DATA + KERNEL + KERNEL, "s.toml: models: name 'qsvm' is used twice"),
    ('', TINY_DATA + KERNEL, "s.toml: suite.backends: required for kernel and qnn models"),
    ('backends = ["numpy"]', KERNEL, "s.toml: datasets: required; add at least one [[datasets]] table"),
    ('backends = ["numpy"]', TINY_DATA + KERNEL + "[[exclude]]\ncolour = 'red'\n",
     "s.toml: exclude[0].colour: unknown key; valid keys here: dataset, model"),
    ('backends = ["numpy"]\ncv = 20', None, "datasets[0]: 20-fold CV (suite.cv) needs at least 20 training samples"),
]


@pytest.mark.parametrize("head, body, fragment", SCHEMA_ERRORS, ids=[case[-1].removeprefix('s.toml: ').split(': ')[0][:48] for case in SCHEMA_ERRORS])
def test_schema_errors_name_file_key_and_expectation(head, body, fragment):
    with pytest.raises(SuiteError) as exc:
        parse(suite_text("bad", head, body if body is not None else TINY_DATA + KERNEL))
    message = str(exc.value)
    assert fragment in message, message
    assert "\n" not in message


def test_malformed_toml_gives_line_and_column():
    with pytest.raises(SuiteError, match=r"s\.toml: malformed TOML at line 3, column 12: Invalid value"):
        parse('[suite]\nname = "x"\nseeds = [0,, 1]\n')


def test_shipped_suites_are_valid():
    found = {p.stem: p for p in shipped_suites()}
    assert {"quickstart", "frameworks", "scaling", "havlicek2019", "bowles2024"} <= set(found)
    for name, path in found.items():
        suite = load_suite(path)
        jobs = expand(suite)
        assert suite.name == name and jobs, name
    assert find_suite("quickstart") == found["quickstart"]
    with pytest.raises(SuiteError, match="no shipped suite of that name; shipped suites: .*bowles2024, diagnostics, frameworks"):
        find_suite("quickstrat")


def test_rows_never_carry_credential_values():
    from qbench.run.runner import row_for

    text = suite_text("creds", f'backends = ["test.secret"]\nplugins = ["{FAULTY}"]')
    job = _with_options(text, "test.secret", {"password": "hunter2-pw"})[0]
    crash = {"status": "failed", "error_type": "Segfault", "error_message": "died while using hunter2-pw",
             "artifacts": {"error": {"traceback": 'File "x", line 1, in login("hunter2-pw")'}}}
    row = row_for(job, crash)
    assert "hunter2-pw" not in repr(row)
    assert row["error_message"] == "died while using ***" and row["status"] == "failed"
