"""What the kernel diagnostics add to a kernel job: the seconds of ``fitted_diagnostics`` against the model's fit.

    python suites/benchmarks/diagnostics_overhead.py   # bowles2024-sized training sets (240 samples)
"""

from __future__ import annotations

import time

import numpy as np

from qbench.models.kernel import QuantumKernelClassifier
from qbench.models.kernel_diagnostics import fitted_diagnostics


def main() -> None:
    rng = np.random.default_rng(0)
    for n, d in ((60, 3), (240, 4), (240, 8)):
        X = rng.normal(size=(n, d))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        for kernel in ("fidelity", "projected"):
            t0 = time.perf_counter()
            model = QuantumKernelClassifier(feature_map="iqp", kernel=kernel, gamma=0.5, cache=False).fit(X, y)
            fit = time.perf_counter() - t0
            t1 = time.perf_counter()
            fitted_diagnostics(model, X, y)
            diag = time.perf_counter() - t1
            print(f"n={n:<4} d={d:<2} {kernel:<9} fit {fit:7.3f} s  diagnostics {diag:6.3f} s  ratio {diag / fit:5.2f}")


if __name__ == "__main__":
    main()
