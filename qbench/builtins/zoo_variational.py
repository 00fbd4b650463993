"""Registers the variational model zoo of Bowles, Ahmed & Schuld 2024 and its circuit templates.

Each model's ``paper`` names the qml-benchmarks class it follows (``Bowles et al. 2024: <Class>``), so the
docs table and the speed comparison map qbench models to their qml-benchmarks counterparts.
"""

from qbench.circuits import variational
from qbench.plugin.callbacks import RegisterModel, RegisterTemplate
from qbench.plugin.hookspecs import hookimpl

BOWLES = "Bowles et al. 2024: "
#: name -> (estimator, paper, description)
MODELS = {
    "vanilla_qnn": ("vanilla:VanillaQNNClassifier", BOWLES + "VanillaQNN",
                    "RX/CNOT-ring embedding, strongly entangling layers with CZ, <Z0>; sigmoid(6 f) cross-entropy"),
    "iqp_variational": ("iqp:IQPVariationalClassifier", BOWLES + "IQPVariationalClassifier (Havlicek et al. 2019)",
                        "IQP embedding, strongly entangling layers with CZ, <Z0 Z1>; misclassification-probability loss"),
    "separable_variational": ("separable:SeparableVariationalClassifier", BOWLES + "SeparableVariationalClassifier",
                              "unentangled Rot/RY re-uploading per qubit, mean <Z>; sigmoid(6 f) cross-entropy"),
    "tree_tensor": ("amplitude:TreeTensorClassifier", BOWLES + "TreeTensorClassifier (Grant et al. 2018)",
                    "amplitude encoding, tree tensor network of RY/CNOT (power-of-two qubits), <Z0> + b; square loss"),
    "circuit_centric": ("amplitude:CircuitCentricClassifier", BOWLES + "CircuitCentricClassifier (Schuld et al. 2020)",
                        "n_input_copies amplitude-encoded copies, strongly entangling layers, <Z0> + b; square loss"),
    "data_reuploading": ("reuploading:DataReuploadingClassifier",
                         BOWLES + "DataReuploadingClassifier (Perez-Salinas et al. 2020)",
                         "per-layer Rot(x * omega) Rot(theta) with trainable input weights omega, CZs; fidelity cost"),
    "data_reuploading_separable": ("reuploading:DataReuploadingSeparableClassifier",
                                   BOWLES + "DataReuploadingClassifierSeparable",
                                   "the separable ablation of data_reuploading: Rot(x * omega + theta) per layer, no CZs"),
    "dressed_circuit": ("dressed:DressedQuantumCircuitClassifier",
                        BOWLES + "DressedQuantumCircuitClassifier (Mari et al. 2020)",
                        "classical input layer -> RY/CNOT-ring circuit -> <Z_i> -> classical output layer, trained jointly"),
    "dressed_circuit_separable": ("dressed:DressedQuantumCircuitSeparableClassifier",
                                  BOWLES + "DressedQuantumCircuitClassifierSeparable",
                                  "the separable ablation of dressed_circuit: no CNOT rings, same classical layers"),
    "qcnn": ("qcnn:QCNNClassifier", "Cong, Choi & Lukin 2019 (no qml-benchmarks class)",
             "RY encoding, convolution + pooling by controlled RY (no mid-circuit measurement) to one qubit, <Z0>"),
}


@hookimpl
def qbench_register_models(register: RegisterModel) -> None:
    for name, (target, paper, description) in MODELS.items():
        register(name, f"qbench.models.variational.{target}", task="qnn", family="variational", paper=paper,
                 description=description)


@hookimpl
def qbench_register_templates(register: RegisterTemplate) -> None:
    register("amplitude", "feature_map", variational.AmplitudeFeatureMap,
             description="Amplitude encoding by a Mottonen RY/CNOT tree; features padded to a power of two, normalised")
    register("ring", "feature_map", variational.RingEmbedding,
             description="RX(x_i) then a CNOT ring, layers times (Bowles et al. 2024's vanilla QNN embedding)")
    register("tree_tensor", "ansatz", variational.TreeTensorAnsatz,
             description="Tree tensor network of RY and CNOT on a power of two of qubits (Grant et al. 2018)")
    register("qcnn", "ansatz", variational.QCNNAnsatz,
             description="QCNN: convolution blocks and controlled-RY pooling down to qubit 0 (Cong et al. 2019)")
