"""The statistics of a comparison: t-intervals, the paired t-test, Holm's step-down adjustment, paired effect size.

scipy has no Holm adjustment (``false_discovery_control`` is Benjamini-Hochberg/Yekutieli),
so it is written out here; it is a few lines and tested against a published example.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

LEVEL = 0.95


def mean_interval(values: np.ndarray) -> tuple[float, float]:
    """Mean and the half-width of its 95% t-interval (NaN with fewer than two values)."""
    values = np.asarray(values, float)
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    if n < 2:
        return mean, math.nan
    half = float(stats.t.ppf((1 + LEVEL) / 2, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean, half


def paired_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of ``a - b`` and the two-sided paired t-test p-value (0 or 1 when the differences do not vary)."""
    d = np.asarray(a, float) - np.asarray(b, float)
    if len(d) < 2:
        return (float(d.mean()) if len(d) else math.nan), math.nan
    if np.allclose(d, d[0]):
        return float(d.mean()), (1.0 if abs(d[0]) < 1e-12 else 0.0)
    return float(d.mean()), float(stats.ttest_rel(a, b).pvalue)


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


def effect_size(d: np.ndarray) -> tuple[float, float, float]:
    """Standardized paired effect size d_z = mean(d) / sd(d) and its 95% interval (noncentral t inversion).

    NaN when it is undefined (fewer than two pairs, or differences that do not vary).
    """
    d = np.asarray(d, float)
    n = len(d)
    if n < 2:
        return math.nan, math.nan, math.nan
    sd = float(np.std(d, ddof=1))
    if sd <= 1e-12 * max(1.0, float(np.abs(d).max())):
        return math.nan, math.nan, math.nan
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

    alpha = 1 - LEVEL
    low, high = ncp_where(1 - alpha / 2) / root, ncp_where(alpha / 2) / root
    if math.isnan(low) or math.isnan(high):
        # where the exact inversion fails numerically (very large |d_z| with few pairs), the
        # large-sample interval d_z +- z * sqrt(1/n + d_z^2 / (2n)) (Hedges & Olkin 1985)
        half = float(stats.norm.ppf(1 - alpha / 2)) * math.sqrt(1 / n + dz * dz / (2 * n))
        low, high = dz - half, dz + half
    return dz, low, high


def verdict(diff: float, p: float, n: int, alpha: float = 1 - LEVEL) -> str:
    """``better`` / ``worse`` when ``p`` (the adjusted p-value) is below ``alpha``, else ``indistinguishable``."""
    if n < 2 or math.isnan(p):
        return "too few seeds"
    if p < alpha:
        return "better" if diff > 0 else "worse"
    return "indistinguishable"
