"""attribute: counterfactual values of levers, candidates, and demand or capacity by month."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikdsim.analysis.attribute import attribute, levers_in
from ikdsim.analysis.months import limits_by_month
from ikdsim.errors import InputError
from ikdsim.experiments.replicates import run_replicates
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.schema import Scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"
SHORT = ["horizon.end=2026-06-30", "target.by=2026-06-30", "target.share=0.15"]


def small(*changes: str) -> Scenario:
    return load_scenario(SMALL, [*SHORT, *changes])


def test_every_lever_of_the_scenario_is_found() -> None:
    levers = {lever.name: lever for lever in levers_in(small())}
    assert set(levers) == {
        "health integration", "bansos requirement", "drive campaign",
        "office service point", "kel-north service point", "team outreach (2 teams)", "team: one team of 2",
    }
    assert levers["team: one team of 2"].change == ("channels.outreach.team.teams=1",)
    assert levers["health integration"].change == ("services.health.integrated_from=null",)
    assert levers["office service point"].change == (
        "channels.service_points.office.opens=null", "channels.service_points.office.closes=2025-12-31"
    )
    # A requirement dated after the target date cannot contribute: it is not a lever here.
    assert "bansos requirement" not in {lv.name for lv in levers_in(small("services.bansos.required_from=2026-08-01"))}


def test_contributions_are_ranked_with_intervals_and_candidates_valued_alike() -> None:
    result = attribute(
        small(), replicates=4,
        candidates=["channels.outreach.team.teams=4", "adoption.patience_days=30"],
    )
    existing = result.ranked()[: len(result.existing)]
    estimates = [c.activations.estimate for c in existing]
    assert estimates == sorted(estimates, reverse=True)
    outreach = next(c for c in existing if c.lever.kind == "outreach")
    # Two teams visiting twice a week activate thousands; the interval excludes zero.
    assert outreach.activations.low > 1000
    assert all(c.activations.n == 4 for c in existing)
    by_name = {c.lever.name: c for c in result.candidates}
    more_teams, unchanged = by_name["channels.outreach.team.teams=4"], by_name["adoption.patience_days=30"]
    assert more_teams.activations.low > 0
    # patience_days is 30 already: same scenario, same seeds, exactly the same futures.
    assert unchanged.activations.estimate == 0 and unchanged.activations.width == 0
    rows = result.table()
    assert [r["rank"] for r in rows] == [*range(1, len(existing) + 1), 1, 2]
    assert {r["in_scenario"] for r in rows[: len(existing)]} == {True}


def test_months_are_capacity_limited_when_queues_are_long() -> None:
    # A trickle of capacity: 5 activations a day at the only points, no outreach.
    starved = small(
        "channels.service_points.office.daily_capacity=5",
        "channels.service_points.kel-north.daily_capacity=0",
        "channels.outreach.team.teams=0",
    )
    generous = small("channels.service_points.office.daily_capacity=100000")
    runs = run_replicates([starved, generous], replicates=2, seed=1)
    tight = limits_by_month(runs[0])
    loose = limits_by_month(runs[1])
    assert [m.month for m in tight] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert all(m.limited_by == "capacity" for m in tight[1:])
    assert all(m.wait_days > 7 for m in tight[1:])
    assert all(m.limited_by == "demand" for m in loose)
    assert all(m.wait_days < 3 for m in loose)
    assert tight[2].utilisation == pytest.approx(1.0, abs=0.01)
    assert "officers" in tight[2].advice and "integrations" in loose[2].advice


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ("channels.outreach.team.teams", "expected PATH=VALUE"),
        ("channels.outreach.nobody.teams=3", "no item named 'nobody'"),
        ("adoption.base_rat=0.1", "did you mean 'base_rate'"),
        ("channels.outreach.team.teams=-1", "teams"),
    ],
)
def test_bad_candidates_are_input_errors(candidate: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        attribute(small(), replicates=2, candidates=[candidate])
