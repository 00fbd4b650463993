"""The CLI: exit codes and one-line errors for bad input (never a traceback)."""

import subprocess
import sys

import pytest

from qbench.plugin.manager import host


def qbench(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "qbench", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def assert_one_line_error(out, fragment):
    assert out.returncode == 2, out
    assert "Traceback" not in out.stderr, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], out.stderr


def test_version_and_listings():
    assert qbench("--version").stdout.startswith("qbench, version")
    out = qbench("plugins")
    assert out.returncode == 0 and "register_backends" in out.stdout and "numpy" in out.stdout
    assert "ad_hoc" in qbench("datasets").stdout
    assert "strongly_entangling" in qbench("templates").stdout


def test_check_numpy_passes():
    out = qbench("check", "numpy")
    assert out.returncode == 0 and "33 of 33 checks passed" in out.stdout


@pytest.mark.parametrize("args, fragment", [
    (["evaluate", "--dataset", "breast_cancer", "--n-qubits", "4"], "30 features but the model has 4 qubits"),
    (["evaluate", "--dataset", "nope"], "unknown dataset 'nope'; valid names:"),
    (["evaluate", "--dataset", "iris", "--backend", "nope"], "unknown backend 'nope'; valid names: "),
    (["evaluate", "--dataset", "iris", "--feature-map", "nope"], "unknown feature map 'nope'; valid names: "
     + ", ".join(host.registries()["feature_map"].names())),
    (["evaluate", "--dataset", "iris", "--mode", "hardware"], "does not support mode 'hardware' (it supports: exact, shots, noisy)"),
    (["check", "nope"], "unknown backend 'nope'"),
    (["check", "numpy", "--mode", "hardware"], "does not support mode 'hardware'"),
])
def test_bad_input(args, fragment):
    assert_one_line_error(qbench(*args), fragment)


def test_bad_data_files(tmp_path):
    nan = tmp_path / "nan.csv"
    nan.write_text("1,2,0\nnan,3,1\n2,2,1\n")
    assert_one_line_error(qbench("evaluate", "--data", str(nan)), "NaN or infinite")
    inf = tmp_path / "inf.csv"
    inf.write_text("1,2,0\ninf,3,1\n2,2,1\n")
    assert_one_line_error(qbench("evaluate", "--data", str(inf)), "NaN or infinite")
    one = tmp_path / "one.csv"
    one.write_text("1,2,0\n2,3,0\n4,3,0\n5,5,0\n")
    assert_one_line_error(qbench("evaluate", "--data", str(one)), "only one class")


def test_evaluate_compares_with_the_baseline():
    out = qbench("evaluate", "--dataset", "iris", "--n-qubits", "2", "--pca")
    assert out.returncode == 0, out.stderr
    assert "kernel[numpy/exact]" in out.stdout and "svc_rbf" in out.stdout


@pytest.mark.parametrize("model", ["weinet", "quanvolutional"])
def test_evaluate_runs_the_models_built_without_a_feature_map(model):
    """Image models have no feature map to check before the data is read; they used to fail with a traceback."""
    out = qbench("evaluate", "--model", model, "--dataset", "bars_and_stripes", "--features", "16", "--samples", "40",
                 "--param", "max_iter=2")
    assert out.returncode == 0, out.stderr
    assert f"{model}[numpy/exact]" in out.stdout
    assert_one_line_error(qbench("evaluate", "--model", model, "--dataset", "linearly_separable", "--features", "15"),
                          "not a square")


@pytest.mark.parametrize("model", ["kernel", "qnn"])
def test_the_amplitude_map_is_refused_by_the_models_that_give_each_feature_a_qubit(model):
    """Amplitude encoding puts 2**n features on n qubits; the kernel and QNN would build a circuit of one qubit per
    feature and fail on the angles' shape (as they did)."""
    assert_one_line_error(qbench("evaluate", "--model", model, "--feature-map", "amplitude", "--dataset",
                                 "linearly_separable", "--features", "4", "--samples", "40"), "2**n features on n qubits")
