"""The perceptron baseline and the MLP with the paper's grid (Bowles et al. 2024)."""

from sklearn.datasets import make_blobs

from qbench.models.baselines import make_baseline


def test_perceptron_fits_separable_blobs_and_searches_eta0():
    X, y = make_blobs(n_samples=40, centers=[[-1.0, -1.0], [1.0, 1.0]], cluster_std=0.3, random_state=0)
    model = make_baseline("perceptron", random_state=0, cv=3).fit(X[:30], y[:30])
    assert model.score(X[30:], y[30:]) >= 0.9
    assert model.named_steps["model"].param_grid == {"eta0": [0.1, 1.0, 10.0]}


def test_mlp_takes_the_papers_grid():
    X, y = make_blobs(n_samples=40, centers=[[-1.0, -1.0], [1.0, 1.0]], cluster_std=0.3, random_state=0)
    model = make_baseline("mlp", random_state=0, cv=2, hidden_layer_sizes=[[10, 10, 10, 10]], alpha=[0.01],
                          learning_rate_init=[0.01], batch_size=[32])
    search = model.fit(X, y).named_steps["model"]
    assert search.best_params_ == {"hidden_layer_sizes": (10, 10, 10, 10), "alpha": 0.01,
                                   "learning_rate_init": 0.01, "batch_size": 32}
