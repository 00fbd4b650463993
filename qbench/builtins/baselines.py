"""Registers the built-in classical baselines."""

from qbench.models import baselines as b
from qbench.plugin.callbacks import RegisterBaseline
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_baselines(register: RegisterBaseline) -> None:
    register("svc_rbf", b.svc_rbf, description=b.svc_rbf.__doc__, aliases=("svm", "svc"))
    register("svc_linear", b.svc_linear, description=b.svc_linear.__doc__)
    register("svc_poly", b.svc_poly, description=b.svc_poly.__doc__)
    register("logistic_regression", b.logistic_regression, description=b.logistic_regression.__doc__,
             aliases=("logreg",))
    register("mlp", b.mlp, description=b.mlp.__doc__)
