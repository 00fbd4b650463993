"""Registers the built-in quantum models (by ``"module:Class"``: scikit-learn loads on first use)."""

from qbench.plugin.callbacks import RegisterModel
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_models(register: RegisterModel) -> None:
    register("kernel", "qbench.models.kernel:QuantumKernelClassifier", task="kernel", family="kernel",
             paper="Havlicek et al. 2019; Huang et al. 2021 (kernel='projected')",
             description="quantum kernel SVM: fidelity or projected kernel of a feature map")
    register("qnn", "qbench.models.qnn:QNNClassifier", task="qnn", family="variational",
             paper="Schuld et al. 2020; Perez-Salinas et al. 2020 (reuploads > 1)",
             description="feature map, then trainable ansatz blocks, measured with an observable")
