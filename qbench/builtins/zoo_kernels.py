"""Registers the model zoo's kernel-side pieces (Bowles et al. 2024): quantum kitchen sinks, the separable
kernel and their circuit templates, the perceptron baseline, and the data sets MNIST PCA / coarse-grained,
spin blobs and Ising.

Everything is named ``"module:attr"`` or imported from light modules, so listing plugins imports neither
scikit-learn nor SciPy.  ``paper`` names qml-benchmarks' class, which the docs and speed scripts map to.
"""

from qbench.circuits import zoo_kernel_maps
from qbench.plugin.callbacks import RegisterBaseline, RegisterDataset, RegisterModel, RegisterTemplate
from qbench.plugin.hookspecs import hookimpl

_BOWLES = "Bowles et al. 2024"


@hookimpl
def qbench_register_templates(register: RegisterTemplate) -> None:
    register("separable", "feature_map", zoo_kernel_maps.SeparableFeatureMap,
             description="Bowles et al. 2024 separable embedding: layers x [RX(-pi/4), RY(-x)] per qubit (layers)")
    register("kitchen_sink", "feature_map", zoo_kernel_maps.KitchenSinkCircuit,
             description="Wilson et al. 2018 kitchen-sink episode: RX(x) per qubit, CNOT pairs, CNOT(i, i+2)")


@hookimpl
def qbench_register_models(register: RegisterModel) -> None:
    register("quantum_kitchen_sinks", "qbench.models.kitchen_sinks:QuantumKitchenSinks", task="qnn", family="kernel",
             paper="Wilson et al. 2018; Bowles et al. 2024: QuantumKitchenSinks",
             description="logistic regression on the measured bits of random fixed circuits (n_episodes, n_qfeatures)")
    register("separable_kernel", "qbench.models.separable_kernel:SeparableKernelClassifier", task="kernel",
             family="kernel", paper="Bowles et al. 2024: SeparableKernelClassifier",
             description="SVM on a product of one-qubit fidelity kernels (encoding_layers, C)")


@hookimpl
def qbench_register_baselines(register: RegisterBaseline) -> None:
    register("perceptron", "qbench.models.baselines:perceptron",
             description="Bowles et al. 2024: Perceptron; a linear classifier, eta0 chosen by CV")


@hookimpl
def qbench_register_datasets(register: RegisterDataset) -> None:
    register("mnist_pca", "qbench.datasets.mnist_like:mnist_pca", source=f"{_BOWLES} (scikit-learn's 8x8 digits)")
    register("mnist_cg", "qbench.datasets.mnist_like:mnist_cg", source=f"{_BOWLES} (scikit-learn's 8x8 digits)")
    register("spin_blobs", "qbench.datasets.spins:spin_blobs", source="qml-benchmarks generator")
    register("ising", "qbench.datasets.spins:ising", source="qml-benchmarks sampler, labelled by phase")
