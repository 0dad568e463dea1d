"""Unit tests of services, campaigns and demand: pure rates, dated changes as events, hazards."""

from __future__ import annotations

import datetime as dt

import pytest

from ikdsim.model.calendar import Calendar
from ikdsim.model.campaigns import CampaignDrive
from ikdsim.model.engine import Model, simulate
from ikdsim.model.services import ServiceTimeline
from tests.conftest import build, minimal

START = dt.date(2026, 1, 1)


def service(**spec: object) -> tuple[ServiceTimeline, Calendar]:
    data = minimal(days=200)
    data["services"] = [{"name": "s", "users": {"all": 1.0}, "encounters_per_year": 4.0, "conversion": 0.5, **spec}]
    scenario = build(data)
    return ServiceTimeline(scenario.services[0], scenario), Calendar(scenario)


@pytest.mark.parametrize("spec", [
    {"integrated_from": "2026-02-01", "ramp_days": 0},
    {"integrated_from": "2026-02-01", "ramp_days": 0.5},
    {"integrated_from": "2026-02-01", "ramp_days": 2.5},
    {"integrated_from": "2026-02-01", "ramp_days": 30, "required_from": "2026-02-10"},
    {"integrated_from": "2025-12-20", "ramp_days": 30},  # ramping already on day 0
    {"required_from": "2026-03-01", "required_conversion": 0.8},
    {},
])
def test_dated_changes_are_exactly_the_days_the_rate_changes(spec: dict) -> None:
    timeline, calendar = service(**spec)
    changed = [d for d in range(1, calendar.days) if timeline.rate(d) != timeline.rate(d - 1)]
    assert [c.day for c in timeline.changes(calendar)] == changed


def test_the_rate_is_a_pure_function_of_the_day() -> None:
    timeline, _ = service(integrated_from="2026-02-01", ramp_days=10, required_from="2026-03-01",
                          required_conversion=0.9)
    day = (dt.date(2026, 2, 1) - START).days
    assert timeline.rate(day - 1) == 0.0
    assert timeline.rate(day) == pytest.approx(4 * 0.5 * 0.1)
    assert timeline.rate(day + 9) == timeline.rate(day + 20) == pytest.approx(2.0)
    assert timeline.rate(59) == pytest.approx(4 * 0.9)
    # Asked in any order, outside any run: the same answers.
    forward = [timeline.rate(d) for d in range(120)]
    assert [timeline.rate(d) for d in reversed(range(120))] == forward[::-1]


def test_a_campaign_is_active_from_start_to_end_included() -> None:
    data = minimal(days=100, campaigns=[{"name": "c", "start": "2026-01-11", "end": "2026-01-20", "multiplier": 2}])
    scenario = build(data)
    drive = CampaignDrive(scenario.campaigns[0], scenario)
    assert [d for d in range(100) if drive.active(d)] == list(range(10, 20))
    assert [c.day for c in drive.changes(Calendar(scenario))] == [10, 20]


def test_demand_reacts_to_every_change_even_several_on_one_day() -> None:
    # Go-live, a campaign start and a requirement on the same day; check mode asserts every day
    # that the event-driven hazard terms equal the pure functions of the date.
    data = minimal(days=120, campaigns=[{"name": "c", "start": "2026-02-01", "end": "2026-02-20", "multiplier": 3}])
    data["services"] = [
        {"name": "s", "users": {"all": 0.5}, "encounters_per_year": 4, "conversion": 0.2,
         "integrated_from": "2026-02-01", "ramp_days": 5},
        {"name": "r", "users": {"all": 0.3}, "encounters_per_year": 2, "conversion": 0.0,
         "required_from": "2026-02-01"},
    ]
    simulate(build(data), check=True)
    plan = Model(build(data), seed=0).plan()
    assert "2026-02-01  s accepts IKD" in plan and "2026-02-01  c starts" in plan and "2026-02-21  c ends" in plan


def test_decisions_follow_the_exponential_hazard_within_a_day() -> None:
    # One day, base rate 36.5 a year: P(decide) = 1 - exp(-0.1) for each of 100,000 people.
    data = minimal(total=100_000, base_rate=36.5, days=1)
    result = simulate(build(data))
    p = 1 - 2.718281828459045 ** -0.1
    mean, sd = 100_000 * p, (100_000 * p * (1 - p)) ** 0.5
    assert abs(result.daily["intents_new"][0] - mean) < 5 * sd
    assert result.daily["intents_base"][0] == result.daily["intents_new"][0]
