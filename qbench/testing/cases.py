"""The circuits and data the conformance kit runs: every built-in template at 1-6 qubits, random data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits import ansatze, feature_maps, observables, variational, zoo_kernel_maps
from qbench.circuits.ir import Circuit

FEATURE_MAPS = (
    feature_maps.ZZFeatureMap(reps=2, entanglement="full"),
    feature_maps.ZZFeatureMap(reps=1, entanglement="linear"),
    feature_maps.ZZFeatureMap(reps=2, entanglement="circular"),
    feature_maps.IQPFeatureMap(repeats=2),
    feature_maps.AngleFeatureMap(rotation="X"),
    feature_maps.AngleFeatureMap(rotation="Y"),
)
# zoo-kernels: the separable embedding and the kitchen-sink circuit (Bowles et al. 2024)
FEATURE_MAPS += (zoo_kernel_maps.SeparableFeatureMap(layers=2), zoo_kernel_maps.KitchenSinkCircuit())
ANSATZE = (
    ansatze.HardwareEfficientAnsatz(layers=2, entangler="cnot"),
    ansatze.HardwareEfficientAnsatz(layers=1, entangler="cz"),
    ansatze.StronglyEntanglingAnsatz(layers=2),
)
OBSERVABLES = (observables.z_observable, observables.parity_observable, observables.mean_z_observable)
QUBITS = (1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class Case:
    label: str
    circuit: Circuit
    angles: np.ndarray
    weights: np.ndarray


def _data(rng, fm, n, n_samples):
    lo, hi = fm.feature_range
    return fm.angles(rng.uniform(lo, hi, size=(n_samples, n)))


def feature_map_cases(qubits=QUBITS, n_samples: int = 4, seed: int = 1234) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [Case(f"{fm!r}@{n}q", fm.circuit(n), _data(rng, fm, n, n_samples), np.zeros(0))
            for n in qubits for fm in FEATURE_MAPS] + zoo_more_data_cases(qubits, n_samples, seed)


def zoo_more_data_cases(qubits=QUBITS, n_samples: int = 4, seed: int = 1234) -> list[Case]:
    """The zoo-more models' data-only circuits at up to 4 qubits: a quanvolution filter, amplitude encoding."""
    from qbench.circuits.embeddings import random_filter

    rng = np.random.default_rng(seed + 1)
    cases = []
    for n in (q for q in qubits if q <= 4):
        bits = rng.integers(0, 2, size=(n_samples, n)).astype(float)
        cases.append(Case(f"quanv_filter@{n}q", random_filter(n, 2, 4, np.random.RandomState(seed + n)), bits, np.zeros(0)))
        cases.append(Case(f"amplitude@{n}q", variational.amplitude_circuit(n),
                          variational.amplitude_angles(rng.normal(size=(n_samples, 2**n))), np.zeros(0)))
    return cases


def model_cases(qubits=QUBITS, n_samples: int = 4, seed: int = 4321) -> list[Case]:
    """QNN circuits: a feature map followed by an ansatz, with random weights."""
    rng = np.random.default_rng(seed)
    cases = []
    for n in qubits:
        for fm in (feature_maps.AngleFeatureMap("Y"), feature_maps.IQPFeatureMap(1)):
            for an in ANSATZE:
                circuit = fm.circuit(n).then(an.circuit(n))
                cases.append(Case(f"{fm!r}+{an!r}@{n}q", circuit, _data(rng, fm, n, n_samples),
                                  rng.uniform(-np.pi, np.pi, circuit.n_weights)))
        cases += _zoo_variational_cases(rng, n, n_samples)
    return cases + zoo_more_model_cases(qubits, n_samples, seed)


def zoo_more_model_cases(qubits=QUBITS, n_samples: int = 4, seed: int = 4321) -> list[Case]:
    """The metric learner's compute-uncompute circuit (QAOA embedding and its adjoint, shared weights), up to 4 qubits."""
    from qbench.circuits.embeddings import inverse_gates, qaoa_embedding_gates

    rng = np.random.default_rng(seed + 1)
    cases = []
    for n in (q for q in qubits if 2 <= q <= 4):
        d = n - 1
        first, n_weights = qaoa_embedding_gates(n, d, 2)
        second, _ = qaoa_embedding_gates(n, d, 2, data_offset=d)
        circuit = Circuit(n, tuple(first + inverse_gates(second)), 2 * d, n_weights, "qaoa_overlap")
        cases.append(Case(f"qaoa_overlap@{n}q", circuit, rng.uniform(-np.pi / 2, np.pi / 2, (n_samples, 2 * d)),
                          rng.normal(0, 1, n_weights)))
    return cases


def _zoo_variational_cases(rng, n: int, n_samples: int) -> list[Case]:
    """The variational zoo's templates: amplitude encoding + tree tensor (QCNN off powers of two), ring + QCNN."""
    amp, ring = variational.AmplitudeFeatureMap(), variational.RingEmbedding(layers=2)
    tree = variational.TreeTensorAnsatz() if variational.is_power_of_two(n) else variational.QCNNAnsatz()
    out = []
    for fm, an, width in ((amp, tree, 2**n), (ring, variational.QCNNAnsatz(), n)):
        circuit = fm.circuit(n).then(an.circuit(n))
        angles = fm.angles(rng.uniform(*fm.feature_range, size=(n_samples, width)))
        out.append(Case(f"{fm!r}+{an!r}@{n}q", circuit, angles, rng.uniform(-np.pi, np.pi, circuit.n_weights)))
    return out
