"""The comparison's statistics: Holm's adjustment against a published example, the paired effect size's interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from qbench.results.stats import (MIN_SEEDS, effect_size, effect_size_interval, geometric_ratio, holm, holm_family,
                                  holm_levels, mean_interval, paired, paired_test, verdict)


def test_holm_matches_the_textbook_example():
    # Wikipedia, "Holm-Bonferroni method", example: four hypotheses, p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05;
    # adjusted: 4 x 0.005 = 0.02, 3 x 0.01 = 0.03, max(2 x 0.03, 0.03) = 0.06, max(1 x 0.04, 0.06) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # capped at 1; NaN (too few seeds) is neither adjusted nor counted among the hypotheses
    adj = holm([0.5, math.nan, 0.4])
    assert adj[0] == pytest.approx(0.8) and math.isnan(adj[1]) and adj[2] == pytest.approx(0.8)
    assert holm([0.9, 0.8]) == [1.0, 1.0] and holm([]) == []


def test_the_effect_size_interval_excludes_zero_exactly_when_the_paired_test_rejects():
    rng = np.random.default_rng(3)
    seen = set()
    for shift in np.linspace(0.0, 1.2, 25):
        d = rng.normal(shift, 1.0, size=6)
        dz, lo, hi = effect_size(d)
        assert dz == pytest.approx(d.mean() / d.std(ddof=1))
        assert lo < dz < hi
        p = stats.ttest_1samp(d, 0.0).pvalue
        assert (lo > 0 or hi < 0) == (p < 0.05), (d, lo, hi, p)
        seen.add(p < 0.05)
    assert seen == {True, False}  # both sides of the duality were exercised


def test_degenerate_inputs():
    assert all(math.isnan(v) for v in effect_size(np.array([0.1, 0.1, 0.1])))
    assert all(math.isnan(v) for v in effect_size(np.array([0.1])))
    assert math.isnan(mean_interval(np.array([0.5]))[1])
    diff, p = paired_test(np.array([0.9, 0.8, 0.85]), np.array([0.7, 0.65, 0.7]))
    assert math.isnan(paired_test(np.array([0.9, 0.8]), np.array([0.7, 0.65]))[1])  # under MIN_SEEDS pairs
    assert diff == pytest.approx(0.1666, abs=1e-3) and 0 < p < 0.05


@pytest.mark.parametrize("diffs", [[-0.17, -0.16], [-0.17, -0.1700001], [0.5, 0.49, 0.51]])
def test_effect_size_interval_exists_where_the_noncentral_t_inversion_fails(diffs):
    # Nearly constant paired differences (frameworks that agree with numpy up to a tie) put d_z far into
    # scipy's noncentral-t tails, where its cdf is NaN; `qbench results` crashed on such a table.
    dz, low, high = effect_size(np.array(diffs))
    assert np.isfinite([dz, low, high]).all() and low < dz < high


def test_the_holm_level_interval_excludes_zero_exactly_when_the_adjusted_verdict_decides():
    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(40):
        family = [rng.normal(rng.uniform(-0.1, 0.1), 0.05, size=int(rng.integers(3, 8))) for _ in range(6)]
        p = [stats.ttest_1samp(d, 0.0).pvalue for d in family]
        adjusted, levels = holm(p), holm_levels(p)
        for d, adj, level in zip(family, adjusted, levels):
            mean, half = mean_interval(d, level)
            assert (abs(mean) > half) == (adj < 0.05), (d, adj, level)
            seen.add(adj < 0.05)
    assert seen == {True, False}


@pytest.mark.parametrize("p", [[0.02, 0.03, 0.04], [0.001, 0.02, 0.03, 0.2], [0.004, 0.012, 0.3, 0.02, 0.049]])
def test_holm_levels_keep_every_hypothesis_after_the_first_kept_one(p):
    # the step-down stops at the first p above its threshold; later p below their own threshold stay kept
    for pi, adj, level in zip(p, holm(p), holm_levels(p)):
        assert (pi < 1 - level) == (adj < 0.05), (pi, adj, level)


def test_fewer_than_the_minimum_of_seeds_gets_no_test_no_verdict_and_no_family_place():
    assert MIN_SEEDS == 3
    two = paired(np.array([0.9, 0.8]), np.array([0.5, 0.6]))
    assert math.isnan(two.p) and math.isnan(two.half) and two.test == ""
    assert verdict(two.diff, two.p, two.n) == "too few seeds (n=2)"
    adjusted, levels = holm_family([0.01, 0.02, 0.04], [2, 5, 5])
    assert math.isnan(adjusted[0]) and math.isnan(levels[0])
    assert adjusted[1:] == pytest.approx([0.04, 0.04])  # a family of two, not three


@pytest.mark.parametrize("d, p", [([0.1] * 5, 2 / 2 ** 5), ([-0.05] * 3, 2 / 2 ** 3), ([0.0] * 4, 1.0),
                                  ([0.125] * 6, 2 / 2 ** 6)])
def test_identical_paired_differences_are_sign_tested_never_p_zero(d, p):
    b = np.linspace(0.5, 0.7, len(d))
    result = paired(b + np.array(d), b)  # float noise from the addition is not a difference
    assert result.test == "sign" and result.p == pytest.approx(p) and result.p > 0
    assert verdict(result.diff, result.p, result.n) == ("better" if p < 0.05 else "indistinguishable")


def test_the_effect_size_interval_says_whether_it_is_exact():
    assert effect_size_interval(np.array([0.1, 0.3, 0.2, 0.25]))[3] == "exact"
    assert effect_size_interval(np.array([-0.17, -0.1700001]))[3] == "approximate"
    assert effect_size_interval(np.array([0.2, 0.2, 0.2]))[3] == ""


def test_x_numpy_is_the_geometric_mean_of_seed_paired_ratios():
    assert geometric_ratio([2.0, 0.5], [1.0, 1.0]) == pytest.approx(1.0)  # a ratio of means would say 1.25
    assert geometric_ratio([4.0, 9.0, 0.0], [1.0, 1.0, 1.0]) == pytest.approx(6.0)  # a zero time is not a ratio
    assert math.isnan(geometric_ratio([], []))
