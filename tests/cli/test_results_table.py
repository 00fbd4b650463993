"""``qbench results`` fits a 120-column terminal, ``--wide`` shows everything, and every format carries the time split;
``qbench bench`` times numpy with the backends and refuses values that measure nothing."""

from __future__ import annotations

import csv
import io
import textwrap

import pytest

SUITE_TOML = """
[suite]
name = "split"
backends = ["numpy", "pennylane"]
seeds = [0, 1]
cv = 2

[[datasets]]
name = "moons"
n_samples = 24

[[models]]
name = "quantum_kernel_svm_with_a_rather_long_name_to_shorten"
kind = "kernel"
params = { feature_map = "zz", feature_map_params = { reps = 1 } }

[[models]]
name = "logreg"
kind = "baseline"
baseline = "logistic_regression"
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from qbench.run.runner import run_suite

    work = tmp_path_factory.mktemp("split")
    (work / "split.toml").write_text(textwrap.dedent(SUITE_TOML), encoding="utf-8")
    db = work / "results.db"
    run_suite(work / "split.toml", db=db, progress=False)
    return db


def test_default_table_fits_120_columns_and_wide_shows_all(store, cli):
    code, out, err = cli("results", "--db", store)
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 120, "\n".join(lines)
    head = lines[0]
    for column in ("accuracy", "Δ", "verdict", "quantum s", "x numpy"):
        assert column in head
    assert "note" not in head and "fit s" not in head
    # baselines first within the data set (too wide for one line per row: the data set is a heading line, the rows
    # under it are indented, and its name is never cut)
    rows = [line for line in lines[1:] if line.strip()][:3]
    assert "(classical)" in (rows[1] if rows[0] == "moons[n=24]" else rows[0]), rows
    assert "…" not in "".join(line for line in lines if "moons" in line)
    code, wide, _ = cli("results", "--db", store, "--wide")
    assert code == 0
    for column in ("fit s", "classical s", "overhead s", "note"):
        assert column in wide.splitlines()[0]


def test_csv_carries_quantum_classical_and_overhead_seconds(store, cli):
    code, out, err = cli("results", "--db", store, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    for r in rows:
        q, c, o = (float(r[k]) for k in ("quantum_time", "classical_time", "overhead_time"))
        assert q >= 0 and c > 0 and o >= 0
        if r["kind"] == "baseline":
            assert q == 0
        else:
            assert q > 0
            if r["backend"] == "numpy":
                assert float(r["quantum_vs_numpy"]) == 1.0


def test_time_split_adds_up_per_job(store, cli):
    from qbench.results import tables as R

    jobs = R.load(store)
    done = jobs[jobs["status"] == "done"]
    assert len(done) > 0
    for r in done.to_dict("records"):
        parts = r["quantum_time"] + r["classical_time"] + r["overhead_time"]
        assert parts == pytest.approx(r["total_time"], rel=1e-6, abs=1e-6)
        assert r["classical_time"] + r["quantum_time"] >= r["fit_time"]
        if r["kind"] != "baseline":
            assert r["quantum_time"] == pytest.approx(min(r["circuit_time"], r["quantum_time"] + r["classical_time"]))


def test_bench_times_numpy_and_backends_in_one_interleaved_loop(cli, monkeypatch):
    from qbench.cli import workloads

    calls = []
    order = []
    real = workloads.interleaved

    def spy(steps, repeat):
        calls.append(list(steps))
        wrapped = {name: (lambda fn=fn, name=name: (order.append(name), fn())) for name, fn in steps.items()}
        return real(wrapped, repeat)

    monkeypatch.setattr(workloads, "interleaved", spy)
    code, out, err = cli("bench", "kernel", "--qubits", "2", "--qubits", "3", "--samples", "8", "--repeat", "2",
                         "--backend", "numpy", "--backend", "pennylane")
    assert code == 0, err
    # one loop per width, numpy and the backend taking turns in every round
    assert calls == [["numpy", "pennylane"], ["numpy", "pennylane"]]
    assert order == ["numpy", "pennylane"] * 4
    rows = [line.split() for line in out.splitlines()[1:]]
    assert [r[0] for r in rows] == ["numpy", "pennylane"] * 2
    for r in rows:
        if r[0] == "numpy":
            assert r[-1] == "1.00"
        else:
            assert float(r[-1]) > 0


@pytest.mark.parametrize("args, fragment", [
    (["--repeat", "0"], "--repeat must be at least 1"),
    (["--samples", "0"], "--samples must be at least 1"),
    (["--qubits", "0"], "--qubits must be at least 1"),
    (["--qubits", "99"], "above backend 'numpy''s maximum"),
    (["--backend", "nope"], "nope"),
])
def test_bench_nonsense_values_exit_2_with_one_line(cli, args, fragment):
    code, out, err = cli("bench", "kernel", *args)
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], err
    assert out == ""
