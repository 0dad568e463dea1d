"""Interval estimates for replicate outputs: means, paired and unpaired differences, proportions.

All intervals are two-sided at `LEVEL`. Means use Student's t; proportions use Wilson's score
interval, and differences of proportions Newcombe's hybrid score interval, which stays inside
[-1, 1] and does not collapse to zero width when every replicate agrees. The t quantile and the
Wilson interval are those of `ikdsim.experiments.stats`, so `run --replicates` and these
analyses agree to the last digit; here they return NaN rather than None where undefined.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ikdsim._optional import require
from ikdsim.experiments import stats as experiment_stats

LEVEL = 0.95
NAN = math.nan

ArrayLike = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval; `n` is the number of replicates (or pairs) behind it."""

    estimate: float
    low: float
    high: float
    n: int

    @property
    def width(self) -> float:
        return self.high - self.low

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def t_quantile(df: float, level: float = LEVEL) -> float:
    # Welch's df is fractional; rounding it down gives a slightly wider, conservative interval.
    return experiment_stats.t_quantile(max(1, math.floor(df + 1e-9)), level)


def _clean(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    kept: np.ndarray = x[~np.isnan(x)]
    return kept


def mean_interval(values: ArrayLike, level: float = LEVEL) -> Interval:
    est = experiment_stats.mean_interval(values, level)
    return Interval(
        NAN if est.value is None else est.value,
        NAN if est.low is None else est.low,
        NAN if est.high is None else est.high,
        est.n,
    )


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
    est = experiment_stats.wilson(successes, n, level)
    if est.value is None or est.low is None or est.high is None:
        return Interval(NAN, NAN, NAN, 0)
    return Interval(est.value, est.low, est.high, n)


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
    stats = require("scipy.stats")
    return float(stats.beta.sf(threshold, successes + 0.5, n - successes + 0.5))


def quantiles(values: ArrayLike, qs: Sequence[float]) -> list[float]:
    x = _clean(values)
    if len(x) == 0:
        return [NAN for _ in qs]
    return [float(v) for v in np.quantile(x, qs)]
