"""The core trainer: the paper's loss-plateau stop rule, seeded batches, and Adam on a joint parameter vector."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from qbench.errors import DataError
from qbench.models import training
from qbench.models.training import Adam, epoch_losses, loss_is_flat, train, train_epochs


def test_flat_rule_needs_more_than_two_windows_and_flags_a_plateau():
    flat = [1.0 + 0.1 * (-1) ** k for k in range(41)]  # equal window means, nonzero spread
    assert loss_is_flat(flat, 20)
    assert not loss_is_flat(flat[:40], 20)  # exactly two windows: not yet decided
    falling = list(np.linspace(2.0, 1.0, 41))
    assert not loss_is_flat(falling, 20)


def test_train_stops_on_a_plateau_and_minimises_a_quadratic():
    target = np.array([1.0, -2.0])

    def loss_and_grad(p, batch):
        return float(np.sum((p - target) ** 2)), 2 * (p - target)

    result = train(loss_and_grad, np.zeros(2), rng=np.random.RandomState(0), n_samples=10, learning_rate=0.1,
                   batch_size=4, max_steps=5000, convergence_interval=50)
    assert result.converged and result.n_steps < 5000
    assert np.allclose(result.params, target, atol=1e-2)


def test_train_warns_when_not_converged_and_is_seeded():
    seen = []

    def loss_and_grad(p, batch):
        seen.append(batch.copy())
        return float(p[0] ** 2), 2 * p

    with pytest.warns(ConvergenceWarning):
        train(loss_and_grad, np.ones(1), rng=np.random.RandomState(1), n_samples=10, learning_rate=0.01,
              batch_size=3, max_steps=5, convergence_interval=10)
    first = [b for b in seen]
    seen.clear()
    train(loss_and_grad, np.ones(1), rng=np.random.RandomState(1), n_samples=10, learning_rate=0.01,
          batch_size=3, max_steps=5, convergence_interval=None)
    assert all(np.array_equal(a, b) for a, b in zip(first, seen)) and len(seen) == 5


def test_epoch_sampling_visits_every_sample_once_per_pass():
    seen = []
    result = train(lambda p, b: (seen.append(b) or 1.0, np.zeros(1)), np.zeros(1), rng=np.random.RandomState(0),
                   n_samples=7, learning_rate=0.1, batch_size=3, max_steps=6, sampling="epochs")
    assert sorted(np.concatenate(seen[:3])) == list(range(7)) and sorted(np.concatenate(seen[3:])) == list(range(7))
    assert epoch_losses(result, 7) == [1.0, 1.0]


def test_adam_matches_its_definition_on_one_step():
    opt = Adam(2, 0.1)
    out = opt.step(np.zeros(2), np.array([1.0, -4.0]))
    assert np.allclose(out, [-0.1, 0.1], atol=1e-6)  # the first Adam step is lr * sign(g)


@pytest.mark.parametrize("kw", [{"max_steps": 0}, {"batch_size": 0}, {"learning_rate": -1.0},
                                {"convergence_interval": 0}, {"sampling": "bogus"}])
def test_bad_schedule_is_a_one_line_data_error(kw):
    args = dict(rng=np.random.RandomState(0), n_samples=4, learning_rate=0.1, batch_size=2, max_steps=3)
    args.update(kw)
    with pytest.raises(DataError):
        train(lambda p, b: (0.0, np.zeros(1)), np.zeros(1), **args)


def test_train_epochs_runs_whole_passes_and_reports_each_pass():
    seen = []

    def loss_and_grad(p, batch):
        seen.append(batch.copy())
        return float(len(seen)), np.zeros_like(p)

    result = train_epochs(loss_and_grad, np.zeros(1), rng=np.random.RandomState(0), n_samples=10, learning_rate=0.1,
                          batch_size=4, max_epochs=3)
    assert result.n_steps == 9 and len(result.epoch_losses) == 3  # ceil(10 / 4) = 3 batches a pass
    for k in range(3):
        assert sorted(np.concatenate(seen[3 * k:3 * k + 3])) == list(range(10))
    assert result.epoch_losses[0] == pytest.approx((1 * 4 + 2 * 4 + 3 * 2) / 10)


def _epoch_models():
    from qbench.models.boltzmann import QuantumBoltzmannMachine, SeparableQuantumBoltzmannMachine
    from qbench.models.qnn import QNNClassifier
    from qbench.models.weinet import WeiNet

    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (12, 16))
    features = rng.normal(size=(12, 2))
    return [(WeiNet(max_iter=2, batch_size=5, random_state=0), images, "params_"),
            (QuantumBoltzmannMachine(max_iter=2, batch_size=5, random_state=0), features, "theta_"),
            (SeparableQuantumBoltzmannMachine(max_iter=2, batch_size=5, random_state=0), features, "theta_"),
            (QNNClassifier(max_iter=2, batch_size=5, random_state=0), features, "weights_")]


def _record_training(monkeypatch) -> list:
    """Every call of training.train or of the compiled trainer (compiled_training.train_compiled: the paper's schedule,
    ``sampling="replacement"``) from here on, as (its keyword arguments, its result)."""
    from qbench.models import compiled_training

    calls = []

    def recording(trainer, sampling=None):
        def record(*args, **kwargs):
            result = trainer(*args, **kwargs)
            calls.append(({"sampling": sampling, **kwargs}, result))
            return result
        return record

    monkeypatch.setattr(training, "train", recording(train))
    monkeypatch.setattr(compiled_training, "train_compiled", recording(compiled_training.train_compiled, "replacement"))
    return calls


@pytest.mark.parametrize("index", range(4), ids=["weinet", "boltzmann", "boltzmann_separable", "qnn"])
def test_models_counting_passes_train_in_the_core_trainer(monkeypatch, index):
    """max_iter passes of shuffled batches, through training.train (no training loop of the model's own)."""
    model, X, learned = _epoch_models()[index]
    calls = _record_training(monkeypatch)
    y = np.arange(len(X)) % 2
    model.fit(X, y)
    assert len(calls) == 1
    kwargs, result = calls[0]
    assert kwargs["sampling"] == "epochs" and kwargs["max_steps"] == 2 * 3  # ceil(12 / 5) = 3 batches a pass
    assert np.array_equal(np.ravel(getattr(model, learned)), result.params[:np.size(getattr(model, learned))])
    assert model.loss_curve_ == result.epoch_losses and model.n_iter_ == 2


def _step_models():
    """The models whose max_iter counts passes, on the paper's schedule instead (max_steps, convergence_interval)."""
    from qbench.models.cnn import ConvolutionalNeuralNetwork

    paper = dict(max_steps=7, convergence_interval=2, batch_size=5, random_state=0)
    images = np.random.default_rng(0).uniform(0, 1, (12, 16))
    return [(m.set_params(**paper), X, learned) for m, X, learned in _epoch_models()[:3]] + [
        (ConvolutionalNeuralNetwork(output_channels=(2, 2), kernel_shape=2, **paper), images, "params_")]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 7 steps rarely converge
@pytest.mark.parametrize("index", range(4), ids=["weinet", "boltzmann", "boltzmann_separable", "cnn"])
def test_models_counting_passes_take_the_papers_schedule_with_max_steps(monkeypatch, index):
    """With max_steps: batches with replacement, at most max_steps steps, the stop rule; the curve is per step."""
    model, X, learned = _step_models()[index]
    calls = _record_training(monkeypatch)
    model.fit(X, np.arange(len(X)) % 2)
    assert len(calls) == 1
    kwargs, result = calls[0]
    assert kwargs["sampling"] == "replacement" and kwargs["max_steps"] == 7 and kwargs["convergence_interval"] == 2
    assert np.array_equal(np.ravel(getattr(model, learned)), result.params[:np.size(getattr(model, learned))])
    assert model.loss_curve_ == result.step_losses and model.n_iter_ == result.n_steps
    assert model.converged_ == result.converged


def test_the_papers_stop_rule_ends_a_boltzmann_fit_early():
    """On an easy problem the loss flattens and training stops long before max_steps."""
    from qbench.datasets.generators import linearly_separable
    from qbench.models.boltzmann import SeparableQuantumBoltzmannMachine

    X, y = linearly_separable(60, 2, seed=0)
    model = SeparableQuantumBoltzmannMachine(learning_rate=0.1, max_steps=5000, convergence_interval=20,
                                             batch_size=16, random_state=0).fit(X, y)
    assert model.converged_ and 40 < model.n_iter_ < 5000 and len(model.loss_curve_) == model.n_iter_


def test_convergence_interval_without_max_steps_is_one_line():
    from qbench.models.weinet import WeiNet

    with pytest.raises(DataError, match="convergence_interval needs max_steps"):
        WeiNet(max_iter=1, convergence_interval=5, random_state=0).fit(np.random.default_rng(0).uniform(0, 1, (6, 16)),
                                                                       np.arange(6) % 2)


def test_per_group_sampling_draws_distinct_samples_of_each_group_in_order():
    groups = (np.array([0, 2, 4, 6, 8]), np.array([1, 3, 5, 7]))
    seen = []
    train(lambda p, b: (seen.append(b) or 1.0, np.zeros(1)), np.zeros(1), rng=np.random.RandomState(0), n_samples=9,
          learning_rate=0.1, batch_size=3, max_steps=4, sampling="per_group", groups=groups)
    assert len(seen) == 4
    for batch in seen:
        assert len(set(batch[:3])) == 3 and set(batch[:3]) <= set(groups[0])
        assert len(set(batch[3:])) == 3 and set(batch[3:]) <= set(groups[1])
    with pytest.raises(DataError, match="groups of at least 5"):
        train(lambda p, b: (1.0, np.zeros(1)), np.zeros(1), rng=np.random.RandomState(0), n_samples=9,
              learning_rate=0.1, batch_size=5, max_steps=1, sampling="per_group", groups=groups)


def test_the_image_models_and_the_metric_learner_train_in_the_core_trainer(monkeypatch):
    """Their batches come from the trainer's samplers (one per fit), and every step is the trainer's Adam step."""
    from qbench.datasets.generators import linearly_separable
    from qbench.models import training
    from qbench.models.cnn import ConvolutionalNeuralNetwork
    from qbench.models.metric_learning import QuantumMetricLearner

    calls = {"epochs": 0, "per_group": 0, "steps": 0}
    epochs, groups, step = training.epoch_batches, training.group_batches, training.Adam.step

    def count(name, fn):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(training, "epoch_batches", count("epochs", epochs))
    monkeypatch.setattr(training, "group_batches", count("per_group", groups))
    monkeypatch.setattr(training.Adam, "step", count("steps", step))
    rng = np.random.default_rng(0)
    ConvolutionalNeuralNetwork(output_channels=(2, 2), kernel_shape=2, max_iter=2, batch_size=4,
                               random_state=0).fit(rng.random((10, 16)), np.arange(10) % 2)
    assert calls == {"epochs": 1, "per_group": 0, "steps": 2 * 3}
    X, y = linearly_separable(12, 2, seed=0)
    QuantumMetricLearner(n_layers=1, max_iter=3, batch_size=2, random_state=0).fit(X, y)
    assert calls == {"epochs": 1, "per_group": 1, "steps": 6 + 3}
