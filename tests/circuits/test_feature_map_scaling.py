"""Input interval and bandwidth of every feature map: literature defaults, their effect, one-line errors."""

import numpy as np
import pytest

from qbench.circuits.feature_maps import AngleFeatureMap, IQPFeatureMap, ZZFeatureMap
from qbench.errors import QBenchError, TemplateError
from qbench.plugin.manager import make_template

MAPS = [IQPFeatureMap, ZZFeatureMap, AngleFeatureMap]


def test_defaults_follow_the_literature():
    assert IQPFeatureMap().feature_range == pytest.approx((-np.pi / 2, np.pi / 2))  # Bowles et al. 2024
    assert ZZFeatureMap().feature_range == pytest.approx((0.0, np.pi))  # ad hoc data is not rescaled at all
    assert AngleFeatureMap().feature_range == pytest.approx((0.0, np.pi))
    assert all(cls().bandwidth == 1.0 for cls in MAPS)


@pytest.mark.parametrize("cls", MAPS)
def test_bandwidth_multiplies_the_features_before_encoding(cls, rng):
    X = rng.uniform(-1, 1, size=(5, 3))
    assert np.allclose(cls(bandwidth=0.3).angles(X), cls().angles(0.3 * X))
    assert not np.allclose(cls(bandwidth=0.3).angles(X), cls().angles(X))


@pytest.mark.parametrize("cls", MAPS)
def test_feature_range_from_toml_lists_is_a_tuple(cls):
    fm = cls(feature_range=[-1, 1])
    assert fm.feature_range == (-1.0, 1.0)
    hash(fm)  # still a frozen, hashable value


@pytest.mark.parametrize("cls", MAPS)
@pytest.mark.parametrize("value", [0, -1.0, float("nan"), "wide", True])
def test_non_positive_or_non_numeric_bandwidth_is_refused(cls, value):
    with pytest.raises(TemplateError, match="bandwidth must be a number > 0"):
        cls(bandwidth=value)


@pytest.mark.parametrize("cls", MAPS)
@pytest.mark.parametrize("value", [(1.0, 0.0), (0.5, 0.5), (0.0,), "ab", (0.0, float("inf"))])
def test_inverted_or_malformed_interval_is_refused(cls, value):
    with pytest.raises(TemplateError, match="feature_range must be"):
        cls(feature_range=value)


def test_unknown_scaling_parameter_is_one_line():
    with pytest.raises(QBenchError, match="bad parameters.*bandwith"):
        make_template("feature_map", "iqp", bandwith=2.0)
