"""Interval estimates used for replicates and sweep summaries, checked against scipy and by coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from ikdsim.experiments.stats import day_quantiles, half_widths, mean_interval, t_quantile, wilson


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_t_quantile_matches_scipy(level: float) -> None:
    for df in [*range(1, 260), 500, 2_001, 10_000]:
        assert t_quantile(df, level) == pytest.approx(sps.t.ppf(0.5 + level / 2, df), rel=1e-10, abs=1e-10)


def test_t_interval_covers_the_true_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    trials, n = 4000, 6
    draws = rng.normal(10.0, 3.0, size=(trials, n))
    covered = 0
    for row in draws:
        est = mean_interval(row)
        assert est.low is not None and est.high is not None
        covered += est.low <= 10.0 <= est.high
    # Binomial sd of the coverage over 4000 trials is 0.0034.
    assert 0.94 - 0.01 < covered / trials < 0.96 + 0.01


def test_wilson_interval_matches_formula_and_covers() -> None:
    est = wilson(7, 20)
    z = sps.norm.ppf(0.975)
    p, n = 0.35, 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (est.low, est.high) == pytest.approx((centre - half, centre + half))
    # At 0 and n successes the interval is one-sided but not empty.
    assert wilson(0, 10).low == 0.0 and wilson(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10).high == 1.0 and wilson(10, 10).low == pytest.approx(0.7225, abs=1e-4)
    rng = np.random.default_rng(7)
    successes = rng.binomial(40, 0.3, size=3000)
    covered = sum(1 for k in successes if (w := wilson(int(k), 40)).low <= 0.3 <= w.high)  # type: ignore[operator]
    assert covered / 3000 > 0.93


def test_interval_undefined_below_two_values() -> None:
    assert mean_interval([]).value is None
    one = mean_interval([0.5])
    assert one.value == 0.5 and one.low is None and one.half_width is None
    assert mean_interval([1.0, float("nan"), 3.0]).n == 2


def test_half_widths_agree_with_mean_interval_for_every_n() -> None:
    x = np.random.default_rng(1).random(30)
    hw = half_widths(x, start=5)
    assert np.isinf(hw[:4]).all()
    for n in range(5, 31):
        assert hw[n - 1] == mean_interval(x[:n]).half_width


def test_day_quantiles_count_never_as_latest() -> None:
    days = [5, None, 3, None, None]
    assert day_quantiles(days, (0.05, 0.5, 0.95)) == [3, None, None]
    assert day_quantiles([4, 1, 2, 3], (0.5,)) == [2]  # inverted CDF: an observed day
    assert day_quantiles([], (0.5,)) == [None]
