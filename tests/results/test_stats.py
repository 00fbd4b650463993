"""The comparison's statistics: Holm's adjustment against a published example, the paired effect size's interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from qbench.results.stats import effect_size, holm, mean_interval, paired_test


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
    assert diff == pytest.approx(0.1666, abs=1e-3) and 0 < p < 0.05


@pytest.mark.parametrize("diffs", [[-0.17, -0.16], [-0.17, -0.1700001], [0.5, 0.49, 0.51]])
def test_effect_size_interval_exists_where_the_noncentral_t_inversion_fails(diffs):
    # Nearly constant paired differences (frameworks that agree with numpy up to a tie) put d_z far into
    # scipy's noncentral-t tails, where its cdf is NaN; `qbench results` crashed on such a table.
    dz, low, high = effect_size(np.array(diffs))
    assert np.isfinite([dz, low, high]).all() and low < dz < high
