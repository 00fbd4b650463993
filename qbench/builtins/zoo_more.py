"""Registers the zoo-more models of Bowles et al. 2024: the image models, metric learner and Boltzmann machines.

Each ``paper`` entry names the model's qml-benchmarks class, so the docs and speed scripts can map them.
"""

from qbench.plugin.callbacks import RegisterBaseline, RegisterModel, RegisterTemplate
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_models(register: RegisterModel) -> None:
    register("quanvolutional", "qbench.models.quanvolution:QuanvolutionalNeuralNetwork", task="qnn", family="convolutional",
             paper="Henderson et al. 2020; Bowles et al. 2024: QuanvolutionalNeuralNetwork",
             description="fixed random quantum filters over binarised k x k image patches, then a trained CNN head")
    register("weinet", "qbench.models.weinet:WeiNet", task="qnn", family="convolutional",
             paper="Wei et al. 2021; Bowles et al. 2024: WeiNet",
             description="mixture of row/column shifts of an amplitude-encoded image, Z/ZZ correlators, linear head")
    register("metric_learner", "qbench.models.metric_learning:QuantumMetricLearner", task="qnn", family="embedding",
             paper="Lloyd et al. 2020; Bowles et al. 2024: QuantumMetricLearner",
             description="trainable QAOA-style embedding trained to separate the class states; fidelity to class means")
    register("boltzmann", "qbench.models.boltzmann:QuantumBoltzmannMachine", task="qnn", family="boltzmann",
             paper="Zoufal et al. 2021; Bowles et al. 2024: QuantumBoltzmannMachine",
             description="<Z> of the exact Gibbs state of a data-dependent Hamiltonian (numpy backend only)",
             supported_backends=("numpy",), supported_modes=("exact",))
    register("boltzmann_separable", "qbench.models.boltzmann:SeparableQuantumBoltzmannMachine", task="qnn",
             family="boltzmann", paper="Bowles et al. 2024: QuantumBoltzmannMachineSeparable",
             description="product of single-qubit Gibbs states of data-dependent fields (numpy backend only)",
             supported_backends=("numpy",), supported_modes=("exact",))


@hookimpl
def qbench_register_baselines(register: RegisterBaseline) -> None:
    register("cnn", "qbench.models.cnn:cnn", aliases=("convolutional_neural_network",),
             description="Bowles et al. 2024: ConvolutionalNeuralNetwork - two conv + max-pool layers, dense head (NumPy)")


@hookimpl
def qbench_register_templates(register: RegisterTemplate) -> None:
    from qbench.circuits.embeddings import QuanvFilterMap

    register("quanv_filter", "feature_map", QuanvFilterMap,
             description="a quanvolution filter: RY(pi * bit), then random rotation/CNOT layers (depth, rotations, seed)")
