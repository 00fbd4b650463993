"""Conformance checks of readout-error mitigation (``mitigation = "readout"``), noisy mode.

Registered in :data:`qbench.testing.checks.CHECKS_BY_MODE` (``noisy``).  The reference is the numpy
density-matrix oracle on the same gate noise without readout error: mitigation must recover it, exactly
on the exact channel and within sampling error with shots.  Gate noise ``p1`` is 0 here because the |1>
calibration's X gates would carry it (qbench.backends.mitigation).
"""

from __future__ import annotations

import numpy as np

from qbench.circuits import Circuit, Gate, data, parity_observable, z_observable
from qbench.plugin.manager import open_backend

#: Readout flips strong enough that unmitigated values miss the reference by far more than the bound.
P_MEAS = 0.1
P2 = 0.05
SHOTS = 20000
ANGLES = np.array([[0.3, 0.2], [0.5, 2.9], [2.8, 0.1]])


def _circuit() -> Circuit:
    return Circuit(2, (Gate("RY", (0,), data(0)), Gate("RY", (1,), data(1)), Gate("CNOT", (0, 1))), 2, 0,
                   "mitigation-check")


def _noise(p_meas: float) -> dict:
    return {"p1": 0.0, "p2": P2, "p_meas": p_meas}


def _bound(ref: np.ndarray, shots: int, n: int, p: float) -> np.ndarray:
    """5 standard errors of a mitigated estimate: the sampled value scaled by 1/(1-2p) per qubit, plus calibration."""
    amplify = (1 - 2 * p) ** -n
    calibration = np.abs(ref) * n * 2 * np.sqrt(p * (1 - p) / shots) / (1 - 2 * p)
    return 5 * (amplify * np.sqrt(1.0 / shots) + calibration)


def _open(check, **kw):
    """The backend under test in noisy mode with this check's noise (the kit's own noise is replaced here)."""
    options = {k: v for k, v in check.options.items() if k not in ("noise", "device_model", "gradient")}
    return open_backend(check.backend, mode="noisy", seed=7, noise=_noise(P_MEAS), mitigation="readout",
                        **options, **kw)


def check_readout_mitigation_recovers_readout_free_values(check) -> None:
    """p_meas > 0 with mitigation = "readout": exact channel equal to the readout-free oracle, shots within 5 s.e."""
    c = _circuit()
    oracle = open_backend("numpy", mode="noisy", noise=_noise(0.0))
    for obs in (parity_observable(2), z_observable(2, 1)):
        ref = oracle.expval(c, ANGLES, np.zeros(0), obs)
        exact = _open(check).expval(c, ANGLES, np.zeros(0), obs)
        if not np.allclose(exact, ref, atol=1e-6):
            raise AssertionError(f"mitigated exact-channel values {np.round(exact, 4)} differ from the readout-free "
                                 f"oracle {np.round(ref, 4)}")
        b = _open(check, shots=SHOTS)
        sampled = b.expval(c, ANGLES, np.zeros(0), obs)
        bound = _bound(ref, SHOTS, 2, P_MEAS)
        if not np.all(np.abs(sampled - ref) <= bound):
            raise AssertionError(f"mitigated sampled values {np.round(sampled, 4)} are more than 5 standard errors "
                                 f"({np.round(bound, 4)}) from the readout-free oracle {np.round(ref, 4)}")


NOISY_CHECKS = (check_readout_mitigation_recovers_readout_free_values,)

__all__ = ["check_readout_mitigation_recovers_readout_free_values", "NOISY_CHECKS"]
