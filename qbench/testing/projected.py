"""Conformance checks of the projected quantum kernel: it is built from a backend's expectation values,
so a backend passes them once its ``expval`` matches the reference after basis changes."""

from __future__ import annotations

import numpy as np

from qbench.models.projected import bloch_features, projected_kernel
from qbench.plugin.manager import backend_spec, open_backend
from qbench.testing import cases as C

GAMMA = 0.7


def check_projected_kernel_symmetric_psd_unit_diagonal(check) -> None:
    b = check.open()
    tol = max(1e-8, backend_spec(check.backend).load().capabilities.atol)
    for case in C.feature_map_cases(qubits=(1, 2, 3, 4), n_samples=6):
        k = np.asarray(projected_kernel(b, case.circuit, case.angles, gamma=GAMMA))
        if not np.allclose(k, k.T, atol=tol):
            raise AssertionError(f"projected kernel of {case.label} is not symmetric")
        if not np.allclose(np.diag(k), 1.0, atol=tol):
            raise AssertionError(f"projected kernel of {case.label} has diagonal {np.diag(k)} instead of 1")
        if np.any(k < -tol) or np.any(k > 1 + tol):
            raise AssertionError(f"projected kernel of {case.label} has entries outside [0, 1]")
        lam = float(np.linalg.eigvalsh(k).min())
        if lam < -tol * len(k):
            raise AssertionError(f"projected kernel of {case.label} is not positive semidefinite: eigenvalue {lam:.3g}")


def check_projected_kernel_matches_reference(check) -> None:
    """Bloch vectors and the projected Gram matrix (and cross matrix) equal the numpy backend's to the declared atol."""
    b, ref = check.open(), open_backend("numpy", mode="exact")
    atol = backend_spec(check.backend).load().capabilities.atol
    for case in C.feature_map_cases(qubits=(1, 2, 3, 4)):
        other = case.angles[::-1][:3]
        pairs = [("Bloch vectors", bloch_features(b, case.circuit, case.angles),
                  bloch_features(ref, case.circuit, case.angles)),
                 ("projected kernel", projected_kernel(b, case.circuit, case.angles, gamma=GAMMA),
                  projected_kernel(ref, case.circuit, case.angles, gamma=GAMMA)),
                 ("cross projected kernel", projected_kernel(b, case.circuit, case.angles, other, gamma=GAMMA),
                  projected_kernel(ref, case.circuit, case.angles, other, gamma=GAMMA))]
        for label, got, want in pairs:
            got, want = np.asarray(got), np.asarray(want)
            err = float(np.max(np.abs(got - want)))
            if got.shape != want.shape or not err <= atol:
                raise AssertionError(f"{label} of {case.label}: max deviation {err:.3g} from the reference exceeds {atol:g}")


EXACT_CHECKS = (check_projected_kernel_matches_reference, check_projected_kernel_symmetric_psd_unit_diagonal)
