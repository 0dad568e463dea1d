"""Every interval and quantile ikdsim reports over replicates, written once.

One interval type (`Interval`: NaN where a figure is undefined, e.g. a spread from one run;
`json_number` turns NaN into null at the file boundary) and one rule for "the date the target
was reached" over replicates: a replicate that never reaches it counts as later than any date,
so a date quantile is "never" (None) as soon as fewer than that share of replicates got there.
`run --replicates`, `compare`, sweeps, `solve`, `attribute`, `calibrate` and the report all take
their figures from here.

Means use Student's t, computed exactly here (closed-form CDF for integer degrees of freedom,
then bisection) so that the figures of `run --replicates` never depend on which version of
scipy is installed;
proportions use Wilson's score interval, and differences of proportions Newcombe's hybrid score
interval, which stays inside [-1, 1] and does not collapse to zero width when every replicate
agrees.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LEVEL = 0.95
NAN = math.nan

ArrayLike = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Interval:
    """An estimate with its two-sided interval; `n` is the number of replicates (or pairs)
    behind it. NaN marks what is undefined (no replicate; no spread from one)."""

    estimate: float
    low: float
    high: float
    n: int
    half: float = NAN  # the exact half-width of a symmetric interval

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def half_width(self) -> float:
        return self.half if not math.isnan(self.half) else (self.high - self.low) / 2.0

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def json_number(x: float, digits: int | None = None) -> float | None:
    """A figure for a JSON or CSV file: None (null) where undefined."""
    if x is None or math.isnan(x):
        return None
    return round(x, digits) if digits is not None else x


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
def _t_quantile(df: int, level: float) -> float:
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


def t_quantile(df: float, level: float = LEVEL) -> float:
    """The two-sided `level` quantile of Student's t: P(|T| < q) = level.

    Welch's df is fractional; rounding it down gives a slightly wider, conservative interval."""
    return _t_quantile(max(1, math.floor(df + 1e-9)), level)


def _clean(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    kept: np.ndarray = x[~np.isnan(x)]
    return kept


def mean_interval(values: ArrayLike, level: float = LEVEL) -> Interval:
    """Mean with the Student t interval; values that are NaN are left out."""
    x = _clean(values)
    n = len(x)
    if n == 0:
        return Interval(NAN, NAN, NAN, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, NAN, NAN, 1)
    half = t_quantile(n - 1, level) * float(x.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, half)


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


def paired_difference(a: ArrayLike, b: ArrayLike, level: float = LEVEL) -> Interval:
    """Mean of b - a over the pairs where both are known (replicate r of A with replicate r of B)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = ~np.isnan(x) & ~np.isnan(y)
    return mean_interval(y[both] - x[both], level)


def unpaired_difference(a: ArrayLike, b: ArrayLike, level: float = LEVEL) -> Interval:
    """Welch interval for mean(b) - mean(a), as if the two sets of runs were independent."""
    x, y = _clean(a), _clean(b)
    if len(x) < 2 or len(y) < 2:
        est = float(y.mean() - x.mean()) if len(x) and len(y) else NAN
        return Interval(est, NAN, NAN, min(len(x), len(y)))
    vx, vy = float(x.var(ddof=1)) / len(x), float(y.var(ddof=1)) / len(y)
    est = float(y.mean() - x.mean())
    se2 = vx + vy
    if se2 == 0.0:
        return Interval(est, est, est, min(len(x), len(y)))
    df = se2**2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = t_quantile(df, level) * math.sqrt(se2)
    return Interval(est, est - half, est + half, min(len(x), len(y)))


def wilson(successes: int, n: int, level: float = LEVEL) -> Interval:
    """Wilson score interval for a proportion: stays inside [0, 1] and is not empty at 0 or n."""
    if n == 0:
        return Interval(NAN, NAN, NAN, 0)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1e-17 or so.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(p, low, high, n)


def proportion_difference(a: ArrayLike, b: ArrayLike, paired: bool, level: float = LEVEL) -> Interval:
    """Newcombe's interval for P(b) - P(a) from 0/1 outcomes.

    Paired (method 10 of Newcombe 1998) uses the correlation of the pairs; unpaired (method 10
    of Newcombe 1998b) sets it to zero. With common random numbers the pairs are positively
    correlated, which is what makes the paired interval narrower.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if paired:
        both = ~np.isnan(x) & ~np.isnan(y)
        x, y = x[both], y[both]
    else:
        x, y = _clean(x), _clean(y)
    if len(x) == 0 or len(y) == 0:
        return Interval(NAN, NAN, NAN, 0)
    p1, p2 = float(y.mean()), float(x.mean())
    w1, w2 = wilson(int(y.sum()), len(y), level), wilson(int(x.sum()), len(x), level)
    phi = _phi(y, x) if paired else 0.0
    d1, u1 = p1 - w1.low, w1.high - p1
    d2, u2 = p2 - w2.low, w2.high - p2
    lower = math.sqrt(max(0.0, d1 * d1 - 2 * phi * d1 * u2 + u2 * u2))
    upper = math.sqrt(max(0.0, u1 * u1 - 2 * phi * u1 * d2 + d2 * d2))
    est = p1 - p2
    return Interval(est, max(-1.0, est - lower), min(1.0, est + upper), min(len(x), len(y)))


def _phi(first: np.ndarray, second: np.ndarray) -> float:
    a = float(np.sum((first == 1) & (second == 1)))
    b = float(np.sum((first == 1) & (second == 0)))
    c = float(np.sum((first == 0) & (second == 1)))
    d = float(np.sum((first == 0) & (second == 0)))
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    # A margin of zero means one of the two never varies: no correlation can be estimated.
    return 0.0 if margins == 0 else (a * d - b * c) / math.sqrt(margins)


def chance_at_least(successes: int, n: int, threshold: float) -> float:
    """Posterior probability (Jeffreys prior) that the true probability is at least `threshold`."""
    from ikdsim._optional import require

    stats = require("scipy.stats")
    return float(stats.beta.sf(threshold, successes + 0.5, n - successes + 0.5))


def quantiles(values: ArrayLike, qs: Sequence[float]) -> list[float]:
    """Quantiles of the defined values (NaN left out); all NaN when none is defined."""
    x = _clean(values)
    if len(x) == 0:
        return [NAN for _ in qs]
    return [float(v) for v in np.quantile(x, qs)]


def day_quantiles(days: Sequence[float | int | None] | np.ndarray, qs: Sequence[float]) -> list[int | None]:
    """Quantiles of a day that may never come (None or NaN), counting "never" as later than any
    day: the one rule for "date reached" over replicates.

    Uses the inverted CDF, so each quantile is a day that actually occurred, or None when the
    quantile falls among the replicates that never got there.
    """
    known = [None if d is None or (isinstance(d, float) and math.isnan(d)) else int(d) for d in days]
    n = len(known)
    if n == 0:
        return [None for _ in qs]
    ordered = sorted(known, key=lambda d: (d is None, d or 0))
    # q * n carries rounding error (0.05 * 60 is 3.0000000000000004); without the tolerance the
    # quantile would skip to the next replicate, and say "never" where exactly q reached it.
    return [ordered[min(n - 1, max(0, math.ceil(q * n - 1e-9) - 1))] for q in qs]
