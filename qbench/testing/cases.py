"""The circuits and data the conformance kit runs: every built-in template at 1-6 qubits, random data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbench.circuits import ansatze, feature_maps, observables, zoo_kernel_maps
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
            for n in qubits for fm in FEATURE_MAPS]


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
    return cases
