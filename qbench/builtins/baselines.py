"""Registers the built-in classical baselines (by ``"module:function"``: scikit-learn loads on first use)."""

from qbench.plugin.callbacks import RegisterBaseline
from qbench.plugin.hookspecs import hookimpl

_MODULE = "qbench.models.baselines"


@hookimpl
def qbench_register_baselines(register: RegisterBaseline) -> None:
    register("svc_rbf", f"{_MODULE}:svc_rbf", aliases=("svm", "svc"))
    register("svc_linear", f"{_MODULE}:svc_linear")
    register("svc_poly", f"{_MODULE}:svc_poly")
    register("logistic_regression", f"{_MODULE}:logistic_regression", aliases=("logreg",))
    register("mlp", f"{_MODULE}:mlp")
    register("fourier_surrogate", "qbench.models.surrogate:fourier_surrogate", aliases=("surrogate",))
