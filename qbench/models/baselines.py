"""Classical baselines: scikit-learn classifiers with their hyperparameter search by stratified CV."""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

C_GRID = [0.1, 1.0, 10.0, 100.0]
GAMMA_GRID = ["scale", 0.01, 0.1, 1.0]


def _search(model, grid, cv, random_state):
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return GridSearchCV(model, grid, cv=folds, error_score="raise")


def svc_rbf(random_state=None, cv=5, C=None, gamma=None):
    """SVC with an RBF kernel; C and gamma chosen by stratified CV."""
    return _search(SVC(kernel="rbf"), {"C": C or C_GRID, "gamma": gamma or GAMMA_GRID}, cv, random_state)


def svc_linear(random_state=None, cv=5, C=None):
    """SVC with a linear kernel; C chosen by stratified CV."""
    return _search(SVC(kernel="linear"), {"C": C or C_GRID}, cv, random_state)


def svc_poly(random_state=None, cv=5, C=None, gamma=None, degree=3):
    """SVC with a polynomial kernel; C and gamma chosen by stratified CV."""
    return _search(SVC(kernel="poly", degree=degree), {"C": C or C_GRID, "gamma": gamma or GAMMA_GRID}, cv, random_state)


def logistic_regression(random_state=None, cv=5, C=None):
    """L2 logistic regression; C chosen by stratified CV."""
    return _search(LogisticRegression(max_iter=2000), {"C": C or C_GRID}, cv, random_state)


def perceptron(random_state=None, cv=5, eta0=None):
    """Rosenblatt's perceptron (a linear classifier, Bowles et al. 2024's baseline); step size chosen by stratified CV."""
    return _search(Perceptron(random_state=random_state), {"eta0": eta0 or [0.1, 1.0, 10.0]}, cv, random_state)


def mlp(random_state=None, cv=5, hidden_layer_sizes=None, alpha=None, learning_rate_init=None, batch_size=None):
    """A small multilayer perceptron; width and L2 strength (and, when given, step size, batch) chosen by stratified CV."""
    model = MLPClassifier(max_iter=2000, random_state=random_state)
    grid = {"hidden_layer_sizes": [tuple(h) if isinstance(h, list) else h for h in hidden_layer_sizes or [(10,), (20, 20)]],
            "alpha": alpha or [1e-4, 1e-2]}
    if learning_rate_init:
        grid["learning_rate_init"] = learning_rate_init
    if batch_size:
        grid["batch_size"] = batch_size
    return _search(model, grid, cv, random_state)


def make_baseline(name: str, *, n_qubits: int | None = None, reduction: str | None = None, scaling: str | None = "minmax",
                  random_state=None, cv: int = 5, **params):
    """A registered baseline behind the same preprocessing as the quantum models (PCA to ``n_qubits``, scaling).

    Scaling uses the default angle range (0, pi); that is an affine map, so it changes
    nothing for the classical models beyond putting them on the quantum models' inputs.
    """
    from sklearn.pipeline import Pipeline

    from qbench.plugin.manager import baseline_entry
    from qbench.models.preprocessing import make_preprocessor

    factory = baseline_entry(name).obj
    try:
        model = factory(random_state=random_state, cv=cv, **params)
    except TypeError as exc:
        from qbench.errors import QBenchError

        raise QBenchError(f"baseline {name!r}: bad parameters {params}: {exc}") from None
    n_components = n_qubits if reduction == "pca" else None
    return Pipeline([("preprocess", make_preprocessor(n_components, scaling=scaling)), ("model", model)])
