"""``qbench evaluate``: fit one quantum model and one classical baseline on one split, for quick one-off comparisons."""

from __future__ import annotations

import time

import click
import numpy as np

from qbench.cli.core import _parse_options
from qbench.errors import DataError


#: The test fraction of the split, and the CV folds of the baseline's grid search.
TEST_SIZE = 0.25
BASELINE_CV = 3
#: Estimator parameters this command sets from its own options (a --param may not set them again).
OWN_OPTIONS = {"backend": "--backend", "mode": "--mode", "shots": "--shots", "n_qubits": "--n-qubits",
               "reduction": "--pca", "random_state": "--seed", "feature_map": "--feature-map", "ansatz": "--ansatz"}


def make_estimator(cls: type, **params):
    """``cls(**params)`` with unknown names, constraint violations and bad templates as one-line errors."""
    from qbench.errors import QBenchError
    from qbench.models.param_checks import bool_for_number, builds_its_template

    valid = cls().get_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise QBenchError(f"--param {unknown[0]}: {cls.__name__} has no parameter {unknown[0]!r}; "
                          f"valid: {', '.join(sorted(valid))}")
    est = cls(**params)
    getattr(est, "_validated", est._check_params)()  # the declared constraints too, where _check_params is not all
    for key, value in params.items():
        must = bool_for_number(est, key, value)  # scikit-learn's intervals take true as 1
        if must:
            raise QBenchError(f"--param {key}: expected {must}, got {value!r}")
    if hasattr(est, "check_schedule"):  # parameters that only go together (qbench.models.training.PassesOrSteps)
        est.check_schedule()
    if builds_its_template(est):  # the template and its parameters (repetitions bounded), as the suite parser does
        est._feature_map()
    return est


@click.command()
@click.option("--dataset", help="A registered data set (see `qbench datasets`).")
@click.option("--data", "csv", type=click.Path(dir_okay=False), help="A CSV file of numeric features, label last.")
@click.option("--samples", type=int, help="Number of samples to generate.")
@click.option("--features", type=int, help="Number of features to generate.")
@click.option("--model", default="kernel", show_default=True, help="A registered model (see `qbench models`).")
@click.option("--feature-map", default=None, help="Feature map template (default: iqp for kernel, angle for qnn).")
@click.option("--ansatz", default="hardware_efficient", show_default=True)
@click.option("--backend", default="numpy", show_default=True)
@click.option("--mode", default="exact", show_default=True)
@click.option("--shots", type=int)
@click.option("--noise", default=None, metavar="p1=P,p2=P,p_meas=P", help="Noise model of --mode noisy.")
@click.option("--n-qubits", type=int, help="Qubits (default: one per feature).")
@click.option("--pca", is_flag=True, help="Project features onto n-qubits principal components.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the data, the split and the models, in [0, 2**32).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Extra estimator parameter.")
def evaluate(dataset, csv, samples, features, model, feature_map, ansatz, backend, mode, shots, noise, n_qubits, pca,
             seed, params) -> int:
    """Fit a quantum model and an RBF SVC on the same stratified split; print test accuracy and fit time."""
    from qbench.models.baselines import make_baseline
    from qbench.datasets import check_data, check_split, load_csv, load_dataset, split
    from qbench.models import QNNClassifier, QuantumKernelClassifier

    if bool(dataset) == bool(csv):
        raise DataError("give exactly one of --dataset NAME or --data FILE.csv")
    extra = _parse_options(params, "--param")
    for key, option in OWN_OPTIONS.items():
        if key in extra:
            raise DataError(f"--param {key}: set it with {option}")
    if noise is not None:
        from qbench.backends.noise import parse_noise
        from qbench.errors import QBenchError

        if mode != "noisy":
            raise QBenchError(f"--noise applies only to --mode noisy, not {mode!r}")
        extra["backend_options"] = {**(extra.get("backend_options") or {}), "noise": parse_noise(noise).as_dict()}
    common = dict(backend=backend, mode=mode, shots=shots, n_qubits=n_qubits, reduction="pca" if pca else None,
                  random_state=seed, **extra)
    # every parameter is checked (names, the estimator's constraints, template sizes) before any data is read
    if model == "kernel":
        est = make_estimator(QuantumKernelClassifier, feature_map=feature_map or "iqp", **common)
    elif model == "qnn":
        est = make_estimator(QNNClassifier, feature_map=feature_map or "angle", ansatz=ansatz, **common)
    else:  # any other registered model takes the common parameters (and --param)
        from qbench.models.kinds import estimator_class

        est = make_estimator(estimator_class(model), **common)
    X, y = load_csv(csv) if csv else load_dataset(dataset, samples, features, seed)
    what = csv or f"data set {dataset!r}"
    check_data(X, y, what=what)
    check_split(y, TEST_SIZE, BASELINE_CV, what=what)
    X_train, X_test, y_train, y_test = split(X, y, TEST_SIZE, seed)
    baseline = make_baseline("svc_rbf", n_qubits=n_qubits, reduction="pca" if pca else None, random_state=seed,
                             cv=BASELINE_CV)
    for label, m in ((f"{model}[{backend}/{mode}]", est), ("svc_rbf", baseline)):
        t0 = time.perf_counter()
        m.fit(X_train, y_train)
        fit = time.perf_counter() - t0
        acc = float(np.mean(m.predict(X_test) == y_test))
        click.echo(f"{label:<32} test accuracy {acc:.3f}   fit {fit:.3f} s")
    return 0


COMMANDS = [evaluate]
