"""The qiskit-machine-learning tutorial's ad hoc data through qbench's ZZ-kernel SVC, with and without rescaling.

Draws the tutorial's exact data (``ad_hoc_data(training_size=20, test_size=5, n=2, gap=0.3)``
after ``algorithm_globals.random_seed = 12345``), scores qiskit's own kernel as the tutorial
does, and qbench's QuantumKernelClassifier with the ad hoc default (no rescaling) and with the
min-max scaling to (0, pi) that was qbench's default before input scaling became a
hyperparameter.  Used in docs/reproducing.md:
    python suites/benchmarks/scripts/adhoc_tutorial.py
"""

from __future__ import annotations

import numpy as np
from qiskit.circuit.library import zz_feature_map
from qiskit_machine_learning.datasets import ad_hoc_data
from qiskit_machine_learning.kernels import FidelityStatevectorKernel
from qiskit_machine_learning.utils import algorithm_globals
from sklearn.svm import SVC

from qbench.models import QuantumKernelClassifier


def main() -> None:
    algorithm_globals.random_seed = 12345
    X_train, y_train, X_test, y_test = ad_hoc_data(training_size=20, test_size=5, n=2, gap=0.3,
                                                   plot_data=False, one_hot=False)
    kernel = FidelityStatevectorKernel(feature_map=zz_feature_map(feature_dimension=2, reps=2, entanglement="linear"))
    svc = SVC(kernel="precomputed").fit(kernel.evaluate(X_train), y_train)
    print(f"qiskit tutorial kernel (precomputed SVC): test accuracy "
          f"{svc.score(kernel.evaluate(X_test, X_train), y_test):.3f}")
    zz = {"feature_map": "zz", "feature_map_params": {"reps": 2, "entanglement": "linear"}, "C": 1.0}
    for label, extra in (("qbench, no rescaling (ad hoc default)", {"scaling": None}),
                         ("qbench, min-max to (0, pi) (the old default for every data set)", {"scaling": "minmax"}),
                         ("qbench, min-max to (0, 2 pi) (the paper's domain)",
                          {"scaling": "minmax", "feature_range": (0, 2 * np.pi)})):
        model = QuantumKernelClassifier(**zz, **extra, random_state=0).fit(X_train, y_train)
        print(f"{label}: test accuracy {model.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
