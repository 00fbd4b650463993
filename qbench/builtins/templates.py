"""Registers the built-in feature maps, ansaetze and observables."""

from qbench.circuits import ansatze, feature_maps, observables
from qbench.plugin.callbacks import RegisterTemplate
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_templates(register: RegisterTemplate) -> None:
    register("zz", "feature_map", feature_maps.ZZFeatureMap, description="Havlicek et al. 2019 ZZ feature map (reps, entanglement, entangling)",
             aliases=("zz_feature_map", "havlicek"))
    register("iqp", "feature_map", feature_maps.IQPFeatureMap, description="IQP embedding as PennyLane's IQPEmbedding (repeats, entangling)")
    register("angle", "feature_map", feature_maps.AngleFeatureMap, description="Angle encoding, RX or RY per feature (rotation)")
    register("hardware_efficient", "ansatz", ansatze.HardwareEfficientAnsatz,
             description="RY layers with a CNOT or CZ ladder (layers, entangler, entangling)", aliases=("hea",))
    register("strongly_entangling", "ansatz", ansatze.StronglyEntanglingAnsatz,
             description="PennyLane's StronglyEntanglingLayers (layers, entangling)", aliases=("sel",))
    register("z", "observable", observables.z_observable, description="Z on one qubit (wire)")
    register("parity", "observable", observables.parity_observable, description="Z on every qubit")
    register("mean_z", "observable", observables.mean_z_observable, description="Mean of Z over all qubits")
