"""The statistics every reader shows: one module, so `qbench results`, `--diagnostics`, the dashboard and its landing
page cannot disagree.

* **Paired comparison** (:func:`paired`): quantum minus classical test accuracy, paired by seed (same splits).
  Fewer than :data:`MIN_SEEDS` pairs gets no test and no verdict ("too few seeds (n=2)"): with 2 pairs a
  t-interval has one degree of freedom (t = 12.7) and reads wider than [0, 1].  Where every paired difference is
  the same (accuracies are multiples of 1/n_test, so this happens), the t statistic is undefined (zero variance):
  such a row is tested with the exact two-sided sign test instead (all n differences on one side: p = 2 / 2^n; all
  zero: p = 1), never given p = 0.
* **Holm family** (:func:`holm_family`): one per suite (and, with ``--history``, its superseded rows on their
  own): every comparison with at least :data:`MIN_SEEDS` pairs.  Rows of other suites never change a suite's
  adjusted p-values.  scipy has no Holm adjustment (``false_discovery_control`` is Benjamini-Hochberg/Yekutieli),
  so it is written out here and tested against a published example.
* **Adjusted interval**: the interval drawn beside a Holm verdict is the t-interval at the level Holm's step-down
  used for that row (1 - alpha/(m - i + 1) for the i-th smallest p while it rejects; the level where it stopped
  for the rest), so "the interval excludes 0" holds exactly when the adjusted verdict is better or worse.
* **Effect size** (:func:`effect_size`): d_z with its exact noncentral-t interval, or, where scipy's noncentral t
  fails numerically, the large-sample interval labelled ``approximate``.
* **Speed ratio** (:func:`geometric_ratio`): "x numpy" is the geometric mean of seed-paired ratios
  (time / numpy's time on the same configuration and seed), never a ratio of means: ratios are summarised by
  their geometric mean (Fleming & Wallace 1986), so x2 and x0.5 average to x1 and one slow seed cannot dominate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

LEVEL = 0.95
ALPHA = 1 - LEVEL
#: The fewest paired seeds a comparison needs for a test and a verdict (a t-test on 2 pairs has 1 degree of freedom).
MIN_SEEDS = 3
#: Paired differences closer than this are the same difference (accuracies are multiples of 1/n_test).
DECIMALS = 12
VERDICTS = ("better", "worse", "indistinguishable")


def too_few(n: int) -> str:
    """The verdict of a comparison with fewer than :data:`MIN_SEEDS` pairs."""
    return f"too few seeds (n={n})"


def mean_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Mean and the half-width of its t-interval at ``level`` (NaN with fewer than two values)."""
    values = np.asarray(values, float)
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    if n < 2:
        return mean, math.nan
    half = float(stats.t.ppf((1 + level) / 2, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean, half


def _identical(d: np.ndarray) -> bool:
    r = np.round(d, DECIMALS)
    return bool(np.all(r == r[0]))


def paired_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of ``a - b`` and the two-sided p-value: paired t-test, or the exact sign test for identical differences.

    NaN p with fewer than :data:`MIN_SEEDS` pairs.
    """
    d = np.asarray(a, float) - np.asarray(b, float)
    n = len(d)
    diff = float(d.mean()) if n else math.nan
    if n < MIN_SEEDS:
        return diff, math.nan
    if _identical(d):
        return diff, sign_test(d)
    return diff, float(stats.ttest_rel(a, b).pvalue)


def sign_test(d: np.ndarray) -> float:
    """Exact two-sided sign test of paired differences (zeros dropped; p = 1 when every difference is zero)."""
    d = np.round(np.asarray(d, float), DECIMALS)
    nonzero = d[d != 0]
    if len(nonzero) == 0:
        return 1.0
    return float(stats.binomtest(int((nonzero > 0).sum()), len(nonzero), 0.5).pvalue)


@dataclass
class Paired:
    """One paired comparison: ``n`` pairs, mean difference, its 95% half-width, p, the test used, effect size."""

    n: int
    diff: float
    half: float
    p: float
    test: str  # "t", "sign" (identical differences), or "" (too few pairs)
    effect_size: float
    effect_low: float
    effect_high: float
    effect_interval: str  # "exact", "approximate", or "" (undefined)


def paired(a: np.ndarray, b: np.ndarray) -> Paired:
    """The comparison of seed-paired accuracies ``a`` (quantum) and ``b`` (classical)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = a - b
    n = len(d)
    diff, p = paired_test(a, b)
    if n < MIN_SEEDS:
        return Paired(n, diff, math.nan, math.nan, "", math.nan, math.nan, math.nan, "")
    if _identical(d):
        return Paired(n, diff, 0.0, p, "sign", math.nan, math.nan, math.nan, "")
    es, lo, hi, how = effect_size_interval(d)
    return Paired(n, diff, mean_interval(d)[1], p, "t", es, lo, hi, how)


def verdict(diff: float, p: float, n: int, alpha: float = ALPHA) -> str:
    """``better`` / ``worse`` when ``p`` (the adjusted p-value) is below ``alpha``, else ``indistinguishable``;
    ``too few seeds (n=...)`` under :data:`MIN_SEEDS` pairs."""
    if n < MIN_SEEDS or math.isnan(p):
        return too_few(n)
    if p < alpha:
        return "better" if diff > 0 else "worse"
    return "indistinguishable"


def holm(p_values) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given; NaN stays NaN and does not count.

    The i-th smallest of m p-values becomes max over j <= i of min(1, (m - j + 1) p_(j)).
    """
    p = [float(v) for v in p_values]
    order = sorted((i for i, v in enumerate(p) if not math.isnan(v)), key=lambda i: p[i])
    m = len(order)
    out = [math.nan] * len(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def holm_levels(p_values, alpha: float = ALPHA) -> list[float]:
    """Per p-value, the confidence level of the interval that agrees with Holm's decision (NaN stays NaN).

    While the step-down rejects, the i-th smallest p is tested at alpha/(m - i + 1); from the first it keeps,
    every remaining hypothesis is kept at that same level, so each interval excludes 0 exactly when Holm rejects.
    """
    p = [float(v) for v in p_values]
    order = sorted((i for i, v in enumerate(p) if not math.isnan(v)), key=lambda i: p[i])
    m = len(order)
    out = [math.nan] * len(p)
    stopped = None
    for rank, i in enumerate(order):
        level = alpha / (m - rank)
        if stopped is None and not p[i] < level:
            stopped = level
        out[i] = 1 - (stopped if stopped is not None else level)
    return out


def holm_family(p_values, n_pairs, alpha: float = ALPHA) -> tuple[list[float], list[float]]:
    """Adjusted p-values and interval levels over one family: the rows with at least :data:`MIN_SEEDS` pairs."""
    p = [float(v) if n >= MIN_SEEDS else math.nan for v, n in zip(p_values, n_pairs)]
    return holm(p), holm_levels(p, alpha)


def effect_size_interval(d: np.ndarray) -> tuple[float, float, float, str]:
    """d_z = mean(d) / sd(d), its 95% interval, and ``"exact"`` (noncentral-t inversion) or ``"approximate"``
    (large-sample form, where scipy's noncentral t fails numerically); NaN and ``""`` when undefined."""
    d = np.asarray(d, float)
    n = len(d)
    if n < 2:
        return math.nan, math.nan, math.nan, ""
    sd = float(np.std(d, ddof=1))
    if sd <= 1e-12 * max(1.0, float(np.abs(d).max())):
        return math.nan, math.nan, math.nan, ""
    dz = float(d.mean()) / sd
    t, df, root = dz * math.sqrt(n), n - 1, math.sqrt(n)

    def ncp_where(cdf: float) -> float:  # the noncentrality at which P(T <= t) = cdf; the cdf falls as it grows
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - cdf  # noqa: E731
        lo, hi = t - 1.0, t + 1.0
        try:
            for _ in range(60):
                if f(lo) >= 0:
                    break
                lo -= 2 * (hi - lo)
            for _ in range(60):
                if f(hi) <= 0:
                    break
                hi += 2 * (hi - lo)
            return optimize.brentq(f, lo, hi, xtol=1e-10)
        except (ValueError, RuntimeError):  # scipy's noncentral t gives NaN far in its tails
            return math.nan

    low, high = ncp_where(1 - ALPHA / 2) / root, ncp_where(ALPHA / 2) / root
    if not (math.isnan(low) or math.isnan(high)):
        return dz, low, high, "exact"
    # the large-sample interval d_z +- z * sqrt(1/n + d_z^2 / (2n)) (Hedges & Olkin 1985), labelled as such
    half = float(stats.norm.ppf(1 - ALPHA / 2)) * math.sqrt(1 / n + dz * dz / (2 * n))
    return dz, dz - half, dz + half, "approximate"


def effect_size(d: np.ndarray) -> tuple[float, float, float]:
    """Standardized paired effect size d_z and its 95% interval (see :func:`effect_size_interval` for which form)."""
    return effect_size_interval(d)[:3]


def geometric_ratio(values, references) -> float:
    """Geometric mean of ``values[i] / references[i]`` over the pairs where both are positive and finite (NaN if none).

    The one definition of "x numpy" (and of "fit x baseline"): seed-paired ratios, summarised geometrically.
    """
    x = np.asarray(values, float)
    r = np.asarray(references, float)
    ok = np.isfinite(x) & np.isfinite(r) & (x > 0) & (r > 0)
    if not ok.any():
        return math.nan
    return float(np.exp(np.mean(np.log(x[ok] / r[ok]))))
