"""Out-of-sample, lazy probability calibration and PSD projection of sampled Gram matrices."""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.svm import SVC

from qbench.datasets import load_dataset, split
from qbench.models import QuantumKernelClassifier
from qbench.models.kernel import min_eigenvalue, project_psd
from qbench.run.artifacts import model_artifacts


@pytest.fixture
def moons():
    X, y = load_dataset("moons", n_samples=40, seed=3)
    return split(X, y, 0.25, 3)


def test_predict_proba_is_scikit_learns_held_out_calibration(moons):
    X_train, X_test, y_train, _ = moons
    model = QuantumKernelClassifier(C=100.0, random_state=7).fit(X_train, y_train)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    reference = CalibratedClassifierCV(SVC(kernel="precomputed", C=100.0), method="sigmoid", cv=folds, ensemble=False)
    reference.fit(model.train_kernel_, y_train)
    test_gram = model._test_kernel(X_test)
    assert np.allclose(model.predict_proba(X_test), reference.predict_proba(test_gram))
    # not Platt scaling on the SVC's own training decision values (the optimistic in-sample fit)
    decision = model.svc_.decision_function(model.train_kernel_).reshape(-1, 1)
    in_sample = LogisticRegression().fit(decision, y_train)
    optimistic = in_sample.predict_proba(model.svc_.decision_function(test_gram).reshape(-1, 1))
    assert not np.allclose(model.predict_proba(X_test), optimistic, atol=1e-3)


def test_calibration_waits_until_probabilities_are_asked_for(moons):
    X_train, X_test, y_train, _ = moons
    search = GridSearchCV(QuantumKernelClassifier(random_state=0), {"C": [0.1, 1.0, 10.0]},
                          cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(X_train, y_train)
    best = search.best_estimator_
    assert best.calibration_.calibrator is None  # no calibration in any fit of the search
    proba = best.predict_proba(X_test)
    assert best.calibration_.calibrator is not None
    assert proba.shape == (len(X_test), 2) and np.allclose(proba.sum(axis=1), 1.0)


def test_psd_projection_clips_negative_eigenvalues(rng):
    A = rng.normal(size=(6, 6))
    sym = (A + A.T) / 2
    assert min_eigenvalue(sym) < 0
    projected = project_psd(sym)
    assert min_eigenvalue(projected) > -1e-10
    w, v = np.linalg.eigh(sym)
    assert np.allclose(projected, v @ np.diag(np.maximum(w, 0)) @ v.T)
    psd = A @ A.T
    assert np.allclose(project_psd(psd), psd)


def test_sampled_gram_is_projected_and_its_negative_eigenvalue_recorded(moons):
    X_train, _, y_train, _ = moons
    shots = QuantumKernelClassifier(mode="shots", shots=32, random_state=0, cache=False).fit(X_train, y_train)
    assert shots.gram_psd_projected_ and shots.gram_min_eigenvalue_ < -1e-3  # 32 shots: visibly not PSD
    assert min_eigenvalue(shots.train_kernel_) > -1e-10
    exact = QuantumKernelClassifier(random_state=0).fit(X_train, y_train)
    assert not exact.gram_psd_projected_ and exact.gram_min_eigenvalue_ > -1e-10
    art = model_artifacts(shots, y_train)
    assert art["gram_min_eigenvalue"] == shots.gram_min_eigenvalue_ and art["gram_psd_projected"] is True
