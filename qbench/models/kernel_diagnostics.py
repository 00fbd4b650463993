"""Gram-matrix diagnostics that explain a kernel result: alignment, spectrum, geometric difference, model complexity.

Pure NumPy on training-set Gram matrices, so the runner (which stores the numbers) and the
results tables (which pair quantum with classical kernels) compute them the same way.
Formulas and papers: docs/diagnostics.md.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel

from qbench.errors import QBenchError

#: Ridge regulariser of the geometric difference and model complexity (kernels normalised to trace N).
GD_LAMBDA = 1e-2
#: Eigenvalues kept in the stored spectrum.
SPECTRUM_SIZE = 16
#: gamma values of the classical kernels paired with a quantum kernel: the baselines' default grid.
PANEL_GAMMAS = ("scale", 0.01, 0.1, 1.0)


def _square(k: np.ndarray, what: str = "Gram matrix") -> np.ndarray:
    k = np.asarray(k, dtype=float)
    if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] == 0:
        raise QBenchError(f"{what}: expected a non-empty square matrix, got shape {k.shape}")
    return (k + k.T) / 2.0


def normalise_trace(k: np.ndarray) -> np.ndarray:
    """K scaled so that tr K = N (Huang et al. 2021 compare kernels at this normalisation)."""
    k = _square(k)
    tr = float(np.trace(k))
    if not tr > 0:
        raise QBenchError("Gram matrix has a non-positive trace; it cannot be normalised")
    return k * (len(k) / tr)


def psd_sqrt(k: np.ndarray) -> np.ndarray:
    """Symmetric square root of the PSD part of K (negative eigenvalues from round-off or shots set to 0)."""
    w, v = np.linalg.eigh(_square(k))
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _psd(k: np.ndarray) -> np.ndarray:
    """The PSD part of a trace-N-normalised K (negative eigenvalues from round-off or shots set to 0)."""
    w, v = np.linalg.eigh(normalise_trace(k))
    return (v * np.clip(w, 0.0, None)) @ v.T


def _top(m: np.ndarray) -> float:
    """Largest eigenvalue of a symmetric matrix (the spectral norm of a PSD one)."""
    n = len(m)
    return max(float(eigh(_square(m), eigvals_only=True, subset_by_index=[n - 1, n - 1])[0]), 0.0)


class _Classical:
    """One eigendecomposition K_C = U diag(c) U^T (trace N) serves g, the training error and s_C.

    sqrt(K_Q) f(K_C) sqrt(K_Q) has the spectral norm of diag(h) U^T K_Q U diag(h) with h^2 = f(c)
    (A^T A and A A^T share their non-zero eigenvalues), so no square root of K_Q is needed.
    """

    def __init__(self, k_classical: np.ndarray, lam: float) -> None:
        if not lam > 0:
            raise QBenchError(f"geometric difference: the regulariser must be > 0 here, got {lam}")
        c, self.u = np.linalg.eigh(normalise_trace(k_classical))
        self.c, self.lam = np.clip(c, 0.0, None), lam

    def _norm(self, kq: np.ndarray, h: np.ndarray) -> float:
        if kq.shape != (len(self.c), len(self.c)):
            raise QBenchError(f"geometric difference: Gram matrices of shapes {self.u.shape} and {kq.shape} differ")
        b = self.u.T @ kq @ self.u
        return _top(h[:, None] * b * h[None, :])

    def g(self, kq: np.ndarray) -> float:
        return float(np.sqrt(self._norm(kq, np.sqrt(self.c) / (self.c + self.lam))))

    def training_error(self, kq: np.ndarray) -> float:
        return float(self.lam**2 * self._norm(kq, 1.0 / (self.c + self.lam)))

    def complexity(self, t: np.ndarray) -> float:
        p = self.u.T @ t
        return float(np.sum(self.c * p**2 / (self.c + self.lam) ** 2))


def geometric_difference(k_classical: np.ndarray, k_quantum: np.ndarray, lam: float = GD_LAMBDA) -> float:
    """g(K_C || K_Q) = sqrt(|| sqrt(K_Q) sqrt(K_C) (K_C + lam I)^-2 sqrt(K_C) sqrt(K_Q) ||_inf), both at trace N.

    The regularised form of Huang et al. (2021), Supplementary Information; ``lam -> 0`` gives
    sqrt(|| sqrt(K_Q) K_C^-1 sqrt(K_Q) ||_inf).  The spectral norm of a PSD matrix is its largest eigenvalue.
    """
    if not lam >= 0:
        raise QBenchError(f"geometric difference: the regulariser must be >= 0, got {lam}")
    kc, kq = _square(k_classical, "classical Gram matrix"), _square(k_quantum, "quantum Gram matrix")
    if kc.shape != kq.shape:
        raise QBenchError(f"geometric difference: Gram matrices of shapes {kc.shape} and {kq.shape} differ")
    if lam == 0:
        sq = psd_sqrt(normalise_trace(kq))
        return float(np.sqrt(_top(sq @ np.linalg.pinv(normalise_trace(kc), hermitian=True) @ sq)))
    return _Classical(kc, lam).g(_psd(kq))


def classical_training_error(k_classical: np.ndarray, k_quantum: np.ndarray, lam: float = GD_LAMBDA) -> float:
    """lam^2 || sqrt(K_Q) (K_C + lam I)^-2 sqrt(K_Q) ||_inf at trace N: the worst training error of the classical
    ridge fit to labels y = sqrt(K_Q) v, |v| = 1, that the quantum kernel fits.  The regularised g speaks for the
    classical kernel only where this is small (Huang et al. 2021, Supplementary Information)."""
    return _Classical(_square(k_classical), lam).training_error(_psd(k_quantum))


def model_complexity(k: np.ndarray, y, lam: float = GD_LAMBDA) -> float:
    """s_lam(N) = || sqrt(K) (K + lam I)^-1 y ||^2 at trace N, labels as +-1: the squared RKHS norm of the ridge fit.

    Huang et al. (2021) bound the prediction error by ~ sqrt(s/N); ``lam -> 0`` gives y^T K^-1 y.
    """
    k = normalise_trace(k)
    t = signed_labels(y)
    if len(t) != len(k):
        raise QBenchError(f"model complexity: {len(t)} labels for a {len(k)} x {len(k)} Gram matrix")
    alpha = np.linalg.solve(k + lam * np.eye(len(k)), t)
    return float(alpha @ k @ alpha)


def signed_labels(y) -> np.ndarray:
    """Binary labels as -1 / +1 (the second sorted class is +1); more classes are refused."""
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) != 2:
        raise QBenchError(f"these kernel diagnostics need two classes, got {len(classes)}")
    return np.where(y == classes[1], 1.0, -1.0)


def target_alignment(k: np.ndarray, y) -> float:
    """Kernel-target alignment A(K, y y^T) = <K, y y^T>_F / (||K||_F ||y y^T||_F) (Cristianini et al. 2001)."""
    k = _square(k)
    t = signed_labels(y)
    norm = float(np.linalg.norm(k))
    if norm == 0:
        return 0.0
    return float(t @ k @ t / (norm * len(t)))


def spectrum(k: np.ndarray, size: int = SPECTRUM_SIZE) -> list[float]:
    """The largest eigenvalues of K / tr K, descending (they sum to at most 1)."""
    w = np.clip(np.linalg.eigvalsh(normalise_trace(k)), 0.0, None)[::-1] / len(k)
    return [float(v) for v in w[:size]]


def effective_dimension(k: np.ndarray) -> float:
    """Participation ratio (sum lambda)^2 / sum lambda^2 of the PSD spectrum: 1 for rank one, N for K = I."""
    w = np.clip(np.linalg.eigvalsh(_square(k)), 0.0, None)
    denom = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / denom) if denom > 0 else 0.0


def classical_panel(Z: np.ndarray, degree: int = 3) -> dict[str, np.ndarray]:
    """Training Gram matrices of the classical kernel baselines at their default grid points, as SVC computes them.

    Keys are :func:`panel_key` strings (``rbf:gamma=0.1``); ``gamma = "scale"`` is 1 / (d var Z) as in SVC.
    """
    Z = np.asarray(Z, dtype=float)
    scale = 1.0 / (Z.shape[1] * Z.var()) if Z.var() > 0 else 1.0
    out = {panel_key("linear"): linear_kernel(Z)}
    for g in PANEL_GAMMAS:
        value = scale if g == "scale" else float(g)
        out[panel_key("rbf", g)] = rbf_kernel(Z, gamma=value)
        out[panel_key("poly", g, degree)] = polynomial_kernel(Z, degree=degree, gamma=value, coef0=0.0)
    return out


def panel_key(kernel: str, gamma=None, degree: int | None = None) -> str:
    """The name of one classical kernel setting: ``linear``, ``rbf:gamma=scale``, ``poly:gamma=0.1,degree=3``."""
    if kernel == "linear":
        return "linear"
    g = "scale" if gamma in (None, "scale") else repr(float(gamma))
    return f"{kernel}:gamma={g}" + (f",degree={int(degree)}" if kernel == "poly" else "")


def kernel_summary(k: np.ndarray, y) -> dict:
    """Alignment, spectrum, effective dimension and model complexity of one training Gram matrix."""
    out = {"spectrum": spectrum(k), "effective_dimension": effective_dimension(k)}
    if len(np.unique(np.asarray(y))) == 2:
        out["alignment"] = target_alignment(k, y)
        out["model_complexity"] = model_complexity(k, y)
    return out


def quantum_vs_classical(k_quantum: np.ndarray, Z: np.ndarray, y, lam: float = GD_LAMBDA) -> dict:
    """g(K_C || K_Q), the classical training error and s(K_C) for every classical kernel of the panel on the same inputs.

    One eigendecomposition per classical kernel; kernels equal after trace normalisation (the homogeneous
    polynomial kernel at every gamma) are computed once.
    """
    out: dict = {}
    kq = _psd(k_quantum)
    t = signed_labels(y) if len(np.unique(np.asarray(y))) == 2 else None
    done: dict[bytes, dict] = {}
    for key, kc in classical_panel(Z).items():
        tag = np.round(normalise_trace(kc), 10).tobytes()
        if tag not in done:
            cl = _Classical(kc, lam)
            entry = {"g": cl.g(kq), "training_error": cl.training_error(kq)}
            if t is not None:
                entry["model_complexity"] = cl.complexity(t)
            done[tag] = entry
        out[key] = dict(done[tag])
    return out


def fitted_diagnostics(model, X_train, y_train) -> dict:
    """The diagnostics of a fitted model's training Gram matrix, for the job's artifacts ({} when it has none).

    Quantum kernel models: alignment, spectrum, effective dimension, model complexity, and the geometric
    difference to every classical kernel of the panel, on the inputs the classical baselines see.
    SVC baselines: the same summary of their own Gram matrix and the panel key of the kernel CV chose.
    """
    y_train = np.asarray(y_train)
    gram = getattr(model, "train_kernel_", None)
    if gram is not None:
        out = {"kernel_diagnostics": kernel_summary(np.asarray(gram), y_train)}
        if X_train is not None and len(np.unique(y_train)) == 2 and hasattr(model, "n_qubits_"):
            from qbench.models.preprocessing import make_preprocessor

            pca = model.n_qubits_ if model.reduction == "pca" else None
            Z = make_preprocessor(pca, scaling=model.scaling).fit_transform(np.asarray(X_train, dtype=float))
            out["geometric_difference"] = {"lambda": GD_LAMBDA, "classical": quantum_vs_classical(gram, Z, y_train)}
        return out
    svc, pre = _svc_of(model)
    if svc is None or X_train is None:
        return {}
    Z = pre.transform(np.asarray(X_train, dtype=float)) if pre is not None else np.asarray(X_train, dtype=float)
    if svc.kernel == "linear":
        gram, key = linear_kernel(Z), panel_key("linear")
    elif svc.kernel == "rbf":
        gram, key = rbf_kernel(Z, gamma=svc._gamma), panel_key("rbf", svc.gamma)
    elif svc.kernel == "poly":
        gram = polynomial_kernel(Z, degree=svc.degree, gamma=svc._gamma, coef0=svc.coef0)
        key = panel_key("poly", svc.gamma, svc.degree) if svc.coef0 == 0 else None
    else:
        return {}
    return {"kernel_diagnostics": kernel_summary(gram, y_train), "classical_kernel": key}


def _svc_of(model):
    """(fitted SVC, fitted preprocessing) inside a baseline pipeline, or (None, None)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC

    pre = None
    if isinstance(model, Pipeline):
        pre, model = (model[:-1] if len(model.steps) > 1 else None), model.steps[-1][1]
    if isinstance(model, GridSearchCV):
        model = model.best_estimator_
    return (model, pre) if isinstance(model, SVC) and model.kernel in ("linear", "rbf", "poly") else (None, None)
