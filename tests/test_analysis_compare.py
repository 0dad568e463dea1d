"""compare: common random numbers, paired against unpaired intervals, and the interval helpers."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from ikdsim.analysis.compare import compare
from ikdsim.io.tables import fmt
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import (
    mean_interval,
    paired_difference,
    proportion_difference,
    unpaired_difference,
    wilson,
)

SMALL = Path(__file__).parent / "data" / "small.yaml"
# Four months of the small scenario: quick, and the 12 % target is reached in some futures only.
SHORT = ["horizon.end=2026-04-30", "target.by=2026-04-30", "target.share=0.12"]


def as_text(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [[fmt(v) for v in row.values()] for row in rows]


def small(*changes: str) -> Scenario:
    return load_scenario(SMALL, [*SHORT, *changes])


def test_paired_interval_is_narrower_for_scenarios_differing_in_one_lever() -> None:
    # A much shorter office day (capacity 12 a day, below demand): every other component draws the
    # same numbers in both.
    result = compare([small(), small("channels.service_points.office.hours_per_day=1")], replicates=12)
    final = next(d for d in result.differences if d.metric.name == "final_share")
    assert final.paired.n == 12
    assert final.paired.width < 0.8 * final.unpaired.width
    assert final.width_ratio < 0.8
    # The shorter day costs activations, and the paired interval says so clearly.
    assert final.paired.high < 0
    activations = next(d for d in result.differences if d.metric.name == "activations")
    assert activations.paired.estimate == pytest.approx(final.paired.estimate * 100_000, rel=1e-9)


def test_a_scenario_against_itself_differs_by_exactly_zero() -> None:
    result = compare([small(), small()], replicates=5)
    for d in result.differences:
        if d.metric.binary or np.isnan(d.paired.estimate):
            continue
        assert d.paired.estimate == 0 and d.paired.width == 0, d.metric.name
    final = next(d for d in result.differences if d.metric.name == "final_share")
    assert final.unpaired.width > 0  # replicates do vary: the zero is common random numbers at work
    assert [r["scenario"] for r in result.scenario_rows()] == ["small", "small (2)"]


def test_tables_do_not_depend_on_the_number_of_workers() -> None:
    scenarios = [small(), small("channels.outreach.team.teams=3")]
    alone = compare(scenarios, replicates=4)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = compare(scenarios, replicates=4, executor=pool)
    # Compared as written to CSV (NaN is not equal to itself; its text is).
    for rows in ("table", "replicate_rows", "path_rows", "scenario_rows"):
        assert as_text(getattr(alone, rows)()) == as_text(getattr(pooled, rows)()), rows


def test_seed_is_shared_and_defaults_to_the_first_scenario() -> None:
    other_seed = small("seed=999")
    result = compare([small(), other_seed], replicates=2)
    assert {rec.seed for runs in result.runs for rec in runs.records} == {42}
    explicit = compare([small(), other_seed], replicates=2, seed=5)
    assert {rec.seed for runs in explicit.runs for rec in runs.records} == {5}


# -- interval helpers ----------------------------------------------------------------------


def test_paired_and_welch_intervals_match_scipy() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(10, 2, 15)
    b = a + rng.normal(0.5, 0.3, 15)
    ours = paired_difference(a, b)
    ref = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert (ours.low, ours.high) == pytest.approx((ref.low, ref.high), rel=1e-9)
    welch = unpaired_difference(a, b)
    ref_w = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    # Welch's fractional df is rounded down: a slightly wider interval, never a narrower one.
    assert welch.low <= ref_w.low and welch.high >= ref_w.high
    assert welch.width == pytest.approx(ref_w.high - ref_w.low, rel=0.02)
    m = mean_interval(a)
    ref_m = stats.ttest_1samp(a, 0).confidence_interval(0.95)
    assert (m.low, m.high) == pytest.approx((ref_m.low, ref_m.high), rel=1e-9)


def test_newcombe_paired_interval_uses_the_correlation() -> None:
    # Ten pairs that agree but one: strongly correlated outcomes.
    a = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
    b = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], dtype=float)
    paired = proportion_difference(a, b, paired=True)
    unpaired = proportion_difference(a, b, paired=False)
    assert paired.estimate == unpaired.estimate == pytest.approx(0.1)
    assert paired.contains(0.1) and -1 <= paired.low < paired.high <= 1
    assert paired.width < unpaired.width
    # With zero correlation Newcombe's paired method reduces to the unpaired one.
    independent = proportion_difference(np.array([1.0, 0, 1, 0]), np.array([1.0, 1, 0, 0]), paired=True)
    assert independent == proportion_difference(np.array([1.0, 0, 1, 0]), np.array([1.0, 1, 0, 0]), paired=False)


def test_wilson_interval_is_never_empty_at_the_extremes() -> None:
    none, every = wilson(0, 10), wilson(10, 10)
    assert none.low == 0 and none.high > 0.2
    assert every.high == 1 and every.low < 0.8
