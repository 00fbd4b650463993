"""Resource bounds: the default per-job memory limit, the memory floor checked before a fit builds anything,
template sizes, and the ``QBENCH_*`` variables read in one place (``qbench.settings``)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import numpy as np
import pytest
from runner_helpers import TINY_DATA, KERNEL, suite_text

from qbench import settings
from qbench.backends.memory import check_fits, estimate_fit_bytes
from qbench.circuits import AngleFeatureMap, HardwareEfficientAnsatz, IQPFeatureMap, ZZFeatureMap
from qbench.circuits.bounds import MAX_GATES, MAX_REPETITIONS
from qbench.errors import CapabilityError, QBenchError, TemplateError
from qbench.models import QNNClassifier, QuantumKernelClassifier


class RecordingExecutor:
    """An executor that runs nothing: it records the limits it was given and reports every job failed."""

    def __init__(self) -> None:
        self.limits = []

    def run(self, jobs, timeout, memory_limit, claim=None):
        self.limits.append(memory_limit)
        for job in jobs:
            if claim is None or claim(job):
                yield job, {"status": "failed", "error_type": "NotRun", "error_message": "recorded only"}

    def close(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


def _run_with(tmp_path, head: str = "", db: str = "r.db"):
    from qbench.results.store import Store
    from qbench.run.runner import run_jobs
    from qbench.suite.jobs import expand
    from qbench.suite.parse import parse_suite

    suite = parse_suite(suite_text("limits", 'backends = ["numpy"]\n' + head, TINY_DATA + KERNEL), tmp_path / "s.toml")
    ex = RecordingExecutor()
    with Store(tmp_path / db) as store:
        run_jobs(suite, expand(suite), store, ex, progress=False)
    return ex.limits


def test_jobs_get_the_default_memory_limit_when_nothing_sets_one(tmp_path, monkeypatch):
    monkeypatch.delenv("QBENCH_MEMORY_LIMIT", raising=False)
    total = settings.physical_memory()
    assert total and _run_with(tmp_path) == [int(total * settings.DEFAULT_MEMORY_FRACTION)]


def test_the_default_memory_limit_is_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", "300 MiB")
    assert _run_with(tmp_path) == [300 * 2**20]
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", "none")
    assert _run_with(tmp_path, db="none.db") == [None]
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", "300 MiB")  # the suite's own limit wins over the variable
    assert _run_with(tmp_path, 'memory_limit = "1 GiB"', db="suite.db") == [2**30]


@pytest.mark.parametrize("value", ["abc", "-1", "0", "nan", "inf", "-inf", "1e-9", "86401", "1e30"])
def test_lease_seconds_outside_its_range_is_refused(monkeypatch, value):
    monkeypatch.setenv("QBENCH_LEASE_SECONDS", value)
    with pytest.raises(QBenchError, match="QBENCH_LEASE_SECONDS must be a number of seconds from 0.1 to 86400"):
        settings.lease_seconds()


@pytest.mark.parametrize("value, seconds", [(None, 60.0), ("0.6", 0.6), (" 5 ", 5.0), ("86400", 86400.0)])
def test_lease_seconds_in_range(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv("QBENCH_LEASE_SECONDS", raising=False)
    else:
        monkeypatch.setenv("QBENCH_LEASE_SECONDS", value)
    assert settings.lease_seconds() == seconds


@pytest.mark.parametrize("text, size", [("512 MiB", 512 * 2**20), ("2GB", 2 * 10**9), ("1.5 KiB", 1536), (4096, 4096)])
def test_byte_sizes_are_parsed_once(text, size):
    from qbench.suite.schema import parse_byte_size

    assert settings.parse_bytes(text) == size == parse_byte_size(text)


@pytest.mark.parametrize("text", ["0", "-1 GiB", "nan", "inf GiB", "1 XB", "", True, 0, 2**61, "99999999 TiB"])
def test_bad_byte_sizes_are_refused(text):
    with pytest.raises(ValueError):
        settings.parse_bytes(text)


# ------------------------------------------------------------------ templates and the memory floor
@pytest.mark.parametrize("make", [lambda n: ZZFeatureMap(reps=n), lambda n: IQPFeatureMap(repeats=n),
                                  lambda n: HardwareEfficientAnsatz(layers=n)])
def test_template_repetitions_are_bounded(make):
    make(MAX_REPETITIONS)  # the bound itself is allowed ...
    for bad in (MAX_REPETITIONS + 1, 10**9, 2.5, True, "3"):
        with pytest.raises(TemplateError, match=f"must be an integer from [01] to {MAX_REPETITIONS}"):
            make(bad)


def test_gates_are_counted_before_a_circuit_is_built():
    for fm, n in ((ZZFeatureMap(reps=3), 7), (ZZFeatureMap(reps=2, entanglement="circular"), 5),
                  (IQPFeatureMap(repeats=4), 6), (AngleFeatureMap(), 9), (HardwareEfficientAnsatz(layers=3), 5)):
        fm.circuit(n)  # the closed-form counts agree with what is built: a template near the limit is built
    wide = ZZFeatureMap(reps=MAX_REPETITIONS)
    with pytest.raises(TemplateError, match=f"the limit is {MAX_GATES:,}"):
        wide.circuit(20)


def test_a_fit_whose_floor_is_above_the_limit_is_refused_before_its_angles(monkeypatch):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.arange(40) % 2
    circuit = IQPFeatureMap().circuit(3)
    floor = estimate_fit_bytes(circuit, 40, "exact", "kernel")
    assert floor >= 3 * 40 * 40 * 8  # the Gram matrices at least
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", str(floor - 1))
    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        with pytest.raises(CapabilityError, match="needs at least .*; QBENCH_MEMORY_LIMIT"):
            QuantumKernelClassifier().fit(X, y)
        qnn = AngleFeatureMap().circuit(3).then(HardwareEfficientAnsatz().circuit(3))
        monkeypatch.setenv("QBENCH_MEMORY_LIMIT", str(estimate_fit_bytes(qnn, 40, "exact", "qnn") - 1))
        with pytest.raises(CapabilityError, match="a qnn fit of 40 samples"):
            QNNClassifier(max_iter=1).fit(X, y)
    monkeypatch.setenv("QBENCH_MEMORY_LIMIT", str(floor + 2**20))
    assert check_fits(circuit, 40, "exact", "kernel") == floor
    QuantumKernelClassifier().fit(X, y)


def test_a_noisy_state_counts_as_a_density_matrix():
    c = AngleFeatureMap().circuit(10)
    assert estimate_fit_bytes(c, 1, "noisy", "qnn") - estimate_fit_bytes(c, 1, "exact", "qnn") == (4**10 - 2**10) * 16


def test_the_worker_limit_is_what_a_fit_is_checked_against():
    """In a process with an address-space limit (a runner's worker), the floor is checked against what is left."""
    code = (
        "import resource, numpy as np\n"
        "from qbench.errors import CapabilityError\n"
        "from qbench.models import QuantumKernelClassifier\n"
        "from qbench.backends.memory import available_bytes, _status_bytes\n"
        "resource.setrlimit(resource.RLIMIT_AS, (_status_bytes('VmSize') + 64 * 2**20, resource.RLIM_INFINITY))\n"
        "left, source = available_bytes()\n"
        "assert source == \"the job's memory limit\" and 0 < left <= 64 * 2**20, (left, source)\n"
        "X = np.random.default_rng(0).normal(size=(2000, 2)); y = np.arange(2000) % 2\n"
        "try:\n"
        "    QuantumKernelClassifier().fit(X, y)\n"
        "except CapabilityError as exc:\n"
        "    print('refused:', exc)\n"
    )
    env = {**os.environ, "QBENCH_MEMORY_LIMIT": "none"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "refused: a kernel fit of 2000 samples" in out.stdout and "the job's memory limit leaves" in out.stdout


# ------------------------------------------------------------------ the model zoo's templates and parameters
def _zoo_templates():
    from qbench.circuits.embeddings import QuanvFilterMap
    from qbench.circuits.variational import RingEmbedding
    from qbench.circuits.zoo_kernel_maps import SeparableFeatureMap

    return [lambda n: RingEmbedding(layers=n), lambda n: SeparableFeatureMap(layers=n),
            lambda n: QuanvFilterMap(depth=n), lambda n: QuanvFilterMap(rotations=n)]


@pytest.mark.parametrize("make", _zoo_templates())
def test_zoo_template_repetitions_are_bounded(make):
    make(MAX_REPETITIONS)
    for bad in (MAX_REPETITIONS + 1, 10**9, 2.5, True):
        with pytest.raises(TemplateError, match=f"must be an integer from [01] to {MAX_REPETITIONS}"):
            make(bad)


def test_zoo_circuits_count_their_gates_before_building(monkeypatch):
    """Each zoo circuit's closed-form count is what it builds, and one over the limit is refused before a gate is
    made (a 30-qubit amplitude encoding would be 2**31 gates)."""
    from qbench.circuits import variational, zoo_kernel_maps
    from qbench.circuits.variational import (QCNNAnsatz, RingEmbedding, TreeTensorAnsatz, amplitude_circuit,
                                             dressed_circuit, reuploading_circuit, separable_circuit)
    from qbench.circuits.zoo_kernel_maps import KitchenSinkCircuit, SeparableFeatureMap

    counted = {}
    for module in (variational, zoo_kernel_maps):
        monkeypatch.setattr(module, "check_gates", lambda count, who, n: counted.__setitem__(who, count))
    for n in range(1, 8):
        for layers in range(4):
            for entangling in (True, False):
                assert len(reuploading_circuit(n, layers, entangling).gates) == counted["reuploading"]
                assert len(dressed_circuit(n, layers, entangling).gates) == counted["dressed"]
            assert len(separable_circuit(n, layers).gates) == counted["separable"]
        assert len(amplitude_circuit(n).gates) == counted["amplitude"]
        assert len(RingEmbedding(layers=3).circuit(n).gates) == counted["ring"]
        assert len(SeparableFeatureMap(layers=2).circuit(n).gates) == counted["separable"]
        assert len(KitchenSinkCircuit().circuit(n).gates) == counted["kitchen_sink"]
        assert len(QCNNAnsatz().circuit(n).gates) == counted["qcnn"]
    for n in (1, 2, 4, 8, 16):
        assert len(TreeTensorAnsatz().circuit(n).gates) == counted["tree_tensor"]
    monkeypatch.undo()
    for build in (lambda: amplitude_circuit(30), lambda: reuploading_circuit(20, 1000),
                  lambda: RingEmbedding(layers=1000).circuit(60), lambda: dressed_circuit(20, 10**6),
                  lambda: TreeTensorAnsatz().circuit(2**20), lambda: QCNNAnsatz().circuit(10**5)):
        with pytest.raises(TemplateError, match=f"the limit is {MAX_GATES:,}"):
            build()


@pytest.mark.parametrize("kind, param", [("data_reuploading", "n_layers"), ("dressed_circuit", "n_layers"),
                                         ("separable_variational", "encoding_layers"),
                                         ("vanilla_qnn", "variational_layers"), ("iqp_variational", "n_layers"),
                                         ("circuit_centric", "n_input_copies"), ("metric_learner", "n_layers"),
                                         ("quanvolutional", "rand_rot"), ("quanvolutional", "n_qchannels")])
def test_zoo_repetition_parameters_are_refused_before_any_data(kind, param):
    from qbench.models.kinds import estimator_class

    """The declared constraint (what a suite file is checked against when it is read) bounds the count."""
    from sklearn.utils._param_validation import InvalidParameterError

    estimator_class(kind)(**{param: MAX_REPETITIONS})._validate_params()
    with pytest.raises(InvalidParameterError, match=rf"{param}.*\[[01], {MAX_REPETITIONS}\]"):
        estimator_class(kind)(**{param: 10**8})._validate_params()


def test_zoo_models_check_their_qubits_and_sizes_before_allocating():
    from qbench.models.cnn import MAX_PARAMETERS, ConvolutionalNeuralNetwork
    from qbench.models.kitchen_sinks import MAX_EPISODES, QuantumKitchenSinks
    from qbench.models.quanvolution import QuanvolutionalNeuralNetwork

    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(24, 64)), np.arange(24) % 2
    with pytest.raises(CapabilityError, match="at most 20 qubits .* needs 30 \\(n_qfeatures"):
        QuantumKitchenSinks(n_qfeatures=30).fit(X[:, :2], y)
    with pytest.raises(QBenchError, match=f"n_episodes must be an integer from 1 to {MAX_EPISODES:,}"):
        QuantumKitchenSinks(n_episodes=MAX_EPISODES + 1).fit(X[:, :2], y)
    with pytest.raises(CapabilityError, match="needs 25 \\(qkernel_shape"):
        QuanvolutionalNeuralNetwork(qkernel_shape=5).fit(X, y)
    with pytest.raises(QBenchError, match="kernel_shape must be at most 2 \\* side \\+ 1 = 17"):
        ConvolutionalNeuralNetwork(kernel_shape=18).fit(X, y)
    with pytest.raises(QBenchError, match=f"the limit is {MAX_PARAMETERS:,}"):
        ConvolutionalNeuralNetwork(output_channels=(10**5, 10**5)).fit(X, y)


def test_the_kitchen_sinks_and_the_bench_check_their_memory_floor_first(monkeypatch):
    """A kitchen-sink fit holds (samples, episodes x qubits) features; ``qbench bench kernel`` a Gram matrix: both
    are refused with one line when the floor is above the limit (a MemoryError traceback, or 15 TiB, before)."""
    from qbench.backends import memory
    from qbench.cli.workloads import kernel_step
    from qbench.models.kitchen_sinks import QuantumKitchenSinks

    # the limit itself (an address-space limit, else QBENCH_MEMORY_LIMIT) is test_a_fit_whose_floor_...'s subject;
    # here only what is checked against it, so the limit is set directly and the test runs under any rlimit
    limit = {"bytes": 2**20}
    monkeypatch.setattr(memory, "available_bytes", lambda: (limit["bytes"], "the test's limit"))
    X = np.random.default_rng(0).uniform(size=(200, 2))
    y = np.arange(200) % 2
    with pytest.raises(CapabilityError, match="a kitchen-sink fit of 200 samples and 1,000 episodes on 2 qubits needs"):
        QuantumKitchenSinks(n_episodes=1000).fit(X, y)
    with pytest.raises(CapabilityError, match="a kernel fit of 1000 samples"):
        kernel_step("numpy", 4, 1000)
    limit["bytes"] = 2**30
    QuantumKitchenSinks(n_episodes=10).fit(X, y)
    kernel_step("numpy", 4, 100)
