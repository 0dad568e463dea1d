"""solve: the smallest lever value (latest date) reaching the target with a probability."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ikdsim.analysis.solve import Solution, solve
from ikdsim.errors import InputError
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.schema import Scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"
SHORT = ["horizon.end=2026-04-30", "target.by=2026-04-30", "target.share=0.12"]


def small(*changes: str) -> Scenario:
    return load_scenario(SMALL, [*SHORT, *changes])


def assert_answer_is_a_boundary(result: Solution) -> None:
    """The answer meets the probability; the adjacent probe on the other side does not."""
    at = result.probe_at(result.answer)
    assert at is not None and at.probability >= result.probability
    neighbour = result.failing_neighbour
    assert neighbour is not None and neighbour.probability < result.probability
    assert result.monotone


def test_smallest_number_of_teams() -> None:
    result = solve(small(), "channels.outreach.team.teams", "0", "8", probability=0.8, replicates=6)
    assert result.status == "found"
    assert isinstance(result.answer, int) and 0 < result.answer <= 8
    assert_answer_is_a_boundary(result)
    assert result.failing_neighbour is not None and result.failing_neighbour.value == result.answer - 1
    # Bisection: both ends plus about log2(8) probes, each of the same 6 seeds.
    assert len(result.probes) <= 6
    assert {p.replicates for p in result.probes} == {6}
    certainty = result.certainty()
    assert 0 < certainty["chance_answer_meets_target"] <= 1
    assert certainty["answer_interval"][0] <= certainty["answer_probability"] <= certainty["answer_interval"][1]


def test_latest_date_of_a_requirement() -> None:
    # The bansos requirement drives many decisions: the later it comes, the less likely the target.
    scenario = small("target.share=0.13")
    result = solve(scenario, "services.bansos.required_from", "2026-01-01", "2026-04-30",
                   probability=0.8, replicates=6)
    assert result.status == "found"
    assert isinstance(result.answer, dt.date)
    assert_answer_is_a_boundary(result)
    assert result.failing_neighbour is not None
    assert result.failing_neighbour.value == result.answer + dt.timedelta(days=1)


def test_numeric_lever_to_a_tolerance() -> None:
    result = solve(small(), "adoption.base_rate", "0.0", "0.5", probability=0.5, replicates=4, tolerance=0.01)
    assert result.status == "found"
    assert_answer_is_a_boundary(result)
    neighbour = result.failing_neighbour
    assert neighbour is not None and isinstance(result.answer, float)
    assert 0 < result.answer - float(neighbour.value) <= 0.01


def test_unreachable_and_already_reached_ranges() -> None:
    never = solve(small("target.share=0.5"), "channels.outreach.team.teams", "0", "2", replicates=3)
    assert never.status == "unreachable" and never.answer is None
    assert [p.value for p in never.curve()] == [0, 2]
    always = solve(small("target.share=0.08"), "channels.outreach.team.teams", "1", "4", replicates=3)
    assert always.status == "range_end" and always.answer == 1
    # For a date the easy end is the latest date.
    late = solve(small("target.share=0.08"), "services.health.integrated_from", "2026-01-01", "2026-04-30",
                 replicates=2)
    assert late.status == "range_end" and late.answer == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("lever", "low", "high", "message"),
    [
        ("adoption.word_of_mouth_scope", "0", "1", "solve needs an integer, a number or a date"),
        ("name", "0", "1", "solve needs an integer, a number or a date"),
        ("channels.service_points.office.open_weekdays", "0", "1", "solve needs"),
        ("channels.outreach.team.teams", "5", "2", r"--min \(5\) is above --max \(2\)"),
        ("channels.outreach.team.teams", "two", "4", "is an integer, e.g. --min 4"),
        ("channels.outreach.team.teams", "-1", "4", "outside the values"),
        ("adoption.base_rate", "0.1", "abc", "--max 'abc'"),
        ("services.health.integrated_from", "2026-03-01", "4", "is a date"),
        ("services.health.integrated_from", "2026-05-01", "2026-03-01", "is above --max"),
        ("channels.outreach.nobody.teams", "0", "1", "no item named 'nobody'"),
        ("adoption.base_rat", "0", "1", "did you mean 'base_rate'"),
    ],
)
def test_bad_levers_and_ranges_are_input_errors(lever: str, low: str, high: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        solve(small(), lever, low, high, replicates=2)


def test_bad_probability_and_replicates() -> None:
    with pytest.raises(InputError, match="--probability"):
        solve(small(), "channels.outreach.team.teams", "0", "2", probability=1.5)
    with pytest.raises(InputError, match="--replicates"):
        solve(small(), "channels.outreach.team.teams", "0", "2", replicates=0)
