"""The bounded ``artifacts`` JSON of a job: what the dashboard plots beyond the scalar metrics.

Kernel models: a <= 16 x 16 sample of the training Gram matrix (rows ordered by class),
the variance of its off-diagonal entries (exponential concentration shows as a variance
near zero) and its most negative eigenvalue (sampled Gram matrices are projected to the PSD
cone before the SVM).  QNNs: the loss curve (<= 200 points) and the variance over random
initialisations of the loss gradient's partial derivatives (McClean et al. 2018's
barren-plateau diagnostic).  Both: qubits, depth and two-qubit gate count of the model's
circuit, and the grid-search scores.  Kernel models and SVC baselines: the Gram-matrix
diagnostics of :mod:`qbench.models.kernel_diagnostics` (docs/diagnostics.md).  Failures: error type, message and traceback.  The
whole document is kept under :data:`MAX_BYTES`.  :data:`DIAGNOSTICS` says what each
diagnostic key measures, for tables and plots to label it.
"""

from __future__ import annotations

import json

import numpy as np

MAX_BYTES = 64 * 1024
KERNEL_SAMPLE = 16
LOSS_POINTS = 200
TRACEBACK_CHARS = 8000

#: What each diagnostic artifact measures (labels for the dashboard and docs).
DIAGNOSTICS = {
    "kernel_offdiag_variance": "variance of the off-diagonal entries of the training Gram matrix "
                               "(kernel concentration: near 0 = concentrated)",
    "gram_min_eigenvalue": "most negative eigenvalue of the training Gram matrix before any PSD projection "
                           "(< 0: shot noise or hardware noise broke positive semi-definiteness)",
    "gram_psd_projected": "whether the training Gram matrix was projected to the PSD cone (eigenvalue clipping) "
                          "before the SVM (sampled modes)",
    "gradient_variance_over_inits": "Var over random initialisations of dL/dtheta_k, averaged over the weights "
                                    "(McClean et al. 2018 barren-plateau diagnostic)",
}


def kernel_sample(gram: np.ndarray, y: np.ndarray, size: int = KERNEL_SAMPLE) -> list[list[float]]:
    """Evenly spaced rows/columns of the Gram matrix after sorting the samples by class."""
    order = np.argsort(np.asarray(y), kind="stable")
    pick = order[np.unique(np.linspace(0, len(order) - 1, min(size, len(order))).round().astype(int))]
    return np.round(gram[np.ix_(pick, pick)], 6).tolist()


def off_diagonal_variance(gram: np.ndarray) -> float:
    """Variance of the off-diagonal Gram entries: the kernel-concentration diagnostic."""
    mask = ~np.eye(len(gram), dtype=bool)
    return float(np.var(gram[mask])) if mask.any() else 0.0


def downsample(values, points: int = LOSS_POINTS) -> list[float]:
    values = list(map(float, values))
    if len(values) <= points:
        return values
    idx = np.unique(np.linspace(0, len(values) - 1, points).round().astype(int))
    return [values[i] for i in idx]


def model_artifacts(model, y_train, X_train=None) -> dict:
    """What a fitted quantum or classical model offers; attributes it lacks are left out."""
    from qbench.models.kernel_diagnostics import fitted_diagnostics

    out: dict = fitted_diagnostics(model, X_train, y_train)
    circuit = getattr(model, "circuit_", None)
    if circuit is not None:
        out["n_qubits"] = int(circuit.n_qubits)
        out["circuit_depth"] = int(circuit.depth)
        out["two_qubit_gates"] = int(circuit.two_qubit_gates)
        out["circuit_gates"] = len(circuit.gates)
    for template in ("feature_map", "ansatz"):
        name = getattr(model, template, None)
        if isinstance(name, str):
            out[template] = {"name": name, "params": dict(getattr(model, f"{template}_params", None) or {})}
    backend = getattr(model, "backend_", None)
    if backend is not None and backend.usage.extra:
        # Framework-reported circuit facts, e.g. the transpiled depth and 2-qubit gates on a device.
        out["backend_usage"] = json.loads(json.dumps(backend.usage.extra, default=str))
    gram = getattr(model, "train_kernel_", None)
    if gram is not None:
        gram = np.asarray(gram)
        out["kernel_sample"] = kernel_sample(gram, y_train)
        out["kernel_offdiag_variance"] = off_diagonal_variance(gram)
    if getattr(model, "gram_min_eigenvalue_", None) is not None:
        out["gram_min_eigenvalue"] = float(model.gram_min_eigenvalue_)
        out["gram_psd_projected"] = bool(getattr(model, "gram_psd_projected_", False))
    if getattr(model, "loss_curve_", None) is not None:
        out["loss_curve"] = downsample(model.loss_curve_)
        out["loss_curve_epochs"] = len(model.loss_curve_)
    if getattr(model, "gradient_variance_over_inits_", None) is not None:
        out["gradient_variance_over_inits"] = float(model.gradient_variance_over_inits_)
    return out


def failure_artifacts(error_type: str, message: str, traceback: str) -> dict:
    if len(traceback) > TRACEBACK_CHARS:
        traceback = "...\n" + traceback[-TRACEBACK_CHARS:]
    return {"error": {"type": error_type, "message": message[:2000], "traceback": traceback}}


def bound(artifacts: dict, max_bytes: int = MAX_BYTES) -> dict:
    """Drop the largest entries until the JSON fits; records what was dropped."""
    artifacts = dict(artifacts)
    dropped = []
    while len(json.dumps(artifacts, default=str)) > max_bytes and artifacts:
        biggest = max(artifacts, key=lambda k: len(json.dumps(artifacts[k], default=str)))
        dropped.append(biggest)
        del artifacts[biggest]
    if dropped:
        artifacts["dropped"] = dropped
    return artifacts
