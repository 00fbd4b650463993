"""Registers the built-in classical baselines."""

from qbench.models import baselines as b
from qbench.models.surrogate import fourier_surrogate
from qbench.plugin.hookspecs import hookimpl


@hookimpl
def qbench_register_baselines(register):
    register("svc_rbf", b.svc_rbf, description=b.svc_rbf.__doc__, aliases=("svm", "svc"))
    register("svc_linear", b.svc_linear, description=b.svc_linear.__doc__)
    register("svc_poly", b.svc_poly, description=b.svc_poly.__doc__)
    register("logistic_regression", b.logistic_regression, description=b.logistic_regression.__doc__,
             aliases=("logreg",))
    register("mlp", b.mlp, description=b.mlp.__doc__)
    register("fourier_surrogate", fourier_surrogate, description=fourier_surrogate.__doc__, aliases=("surrogate",))
