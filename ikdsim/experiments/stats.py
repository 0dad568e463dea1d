"""Interval estimates for replicate outputs, with no dependency beyond numpy.

The figures of `run --replicates` must not depend on which version of scipy happens to be
installed, so the Student t quantile is computed here exactly (closed-form CDF for integer
degrees of freedom, then bisection) instead of being taken from scipy.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A mean or a proportion with its two-sided interval (None where undefined, e.g. n < 2)."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    half: float | None = None  # the exact half-width of a symmetric interval

    @property
    def half_width(self) -> float | None:
        if self.half is not None:
            return self.half
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2.0


def _t_cdf_abs(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with integer df (Abramowitz & Stegun 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, 1.0
        if df > 1:
            total = term = math.cos(theta)
            for k in range(3, df - 1, 2):
                term *= c2 * (k - 1) / k
                total += term
        return (2.0 / math.pi) * (theta + math.sin(theta) * total)
    total = term = 1.0
    for k in range(2, df - 1, 2):
        term *= c2 * (k - 1) / k
        total += term
    return math.sin(theta) * total


@functools.lru_cache(maxsize=4096)
def t_quantile(df: int, level: float = LEVEL) -> float:
    """The two-sided `level` quantile of Student's t: P(|T| < q) = level."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    if df > 200:
        # Cornish-Fisher expansion (A&S 26.7.5): error below 3e-12 at df > 200, where the series
        # above would cost O(df) per step of the bisection.
        g1 = (z**3 + z) / 4
        g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
        g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
        g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
        return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4
    low, high = z, max(z * 2.0, 1.0)
    while _t_cdf_abs(high, df) < level:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if mid in (low, high):
            break
        if _t_cdf_abs(mid, df) < level:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def mean_interval(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> Estimate:
    """Mean with the Student t interval; values that are NaN are left out."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Estimate(None, None, None, 0)
    mean = float(x.mean())
    if n < 2:
        return Estimate(mean, None, None, 1)
    half = t_quantile(n - 1, level) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n, half)


def half_widths(values: Sequence[float] | np.ndarray, start: int, level: float = LEVEL) -> np.ndarray:
    """Interval half-width of the mean of values[:n] for every n (inf for n < max(start, 2)).

    Computed exactly as `mean_interval` does for each n, so that a stopping rule and the
    interval it reports can never disagree at the margin.
    """
    x = np.asarray(values, dtype=float)
    out = np.full(len(x), np.inf)
    for n in range(max(start, 2), len(x) + 1):
        out[n - 1] = t_quantile(n - 1, level) * float(x[:n].std(ddof=1)) / math.sqrt(n)
    return out


def wilson(successes: int, n: int, level: float = LEVEL) -> Estimate:
    """Wilson score interval for a proportion: stays inside [0, 1] and is not empty at 0 or n."""
    if n == 0:
        return Estimate(None, None, None, 0)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1e-17 or so.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(p, low, high, n)


def day_quantiles(days: Sequence[int | None], qs: Sequence[float]) -> list[int | None]:
    """Quantiles of a day that may never come (None), counting 'never' as later than any day.

    Uses the inverted CDF, so each quantile is a day that actually occurred (or None when the
    quantile falls among the replicates that never got there).
    """
    n = len(days)
    if n == 0:
        return [None for _ in qs]
    ordered = sorted(days, key=lambda d: (d is None, d or 0))
    out: list[int | None] = []
    for q in qs:
        index = max(0, math.ceil(q * n) - 1)
        out.append(ordered[index])
    return out
