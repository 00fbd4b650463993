"""The bounded ``artifacts`` JSON of a job: what the dashboard plots beyond the scalar metrics.

Kernel models: a <= 16 x 16 sample of the training Gram matrix (rows ordered by class) and
the variance of its off-diagonal entries (exponential concentration shows as a variance
near zero).  QNNs: the loss curve (<= 200 points) and the variance of the loss gradient
at initialisation (a barren-plateau diagnostic).  Kernel models and SVC baselines: the
Gram-matrix diagnostics of :mod:`qbench.models.kernel_diagnostics` (docs/diagnostics.md).  Both: qubits, depth and two-qubit gate
count of the model's circuit, and the grid-search scores.  Failures: error type, message
and traceback.  The whole document is kept under :data:`MAX_BYTES`.
"""

from __future__ import annotations

import json

import numpy as np

MAX_BYTES = 64 * 1024
KERNEL_SAMPLE = 16
LOSS_POINTS = 200
TRACEBACK_CHARS = 8000


def kernel_sample(gram: np.ndarray, y: np.ndarray, size: int = KERNEL_SAMPLE) -> list[list[float]]:
    """Evenly spaced rows/columns of the Gram matrix after sorting the samples by class."""
    order = np.argsort(np.asarray(y), kind="stable")
    pick = order[np.unique(np.linspace(0, len(order) - 1, min(size, len(order))).round().astype(int))]
    return np.round(gram[np.ix_(pick, pick)], 6).tolist()


def off_diagonal_variance(gram: np.ndarray) -> float:
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
    if getattr(model, "loss_curve_", None) is not None:
        out["loss_curve"] = downsample(model.loss_curve_)
        out["loss_curve_epochs"] = len(model.loss_curve_)
    if getattr(model, "initial_gradient_variance_", None) is not None:
        out["initial_gradient_variance"] = float(model.initial_gradient_variance_)
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
