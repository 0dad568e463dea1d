"""Unit tests of outreach programmes: visit policies, capacity per visit, conversion on the spot."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ikdsim.model.engine import Model, simulate
from ikdsim.model.outreach import Programme
from tests.conftest import build, minimal

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def scenario_data(**outreach: object) -> dict:
    data = minimal(total=100_000, base_rate=0.0, capacity=0, days=60)
    data["population"]["districts"] = {"a": 0.5, "b": 0.3, "c": 0.2}
    data["population"]["groups"] = {"young": {"share": 0.4, "smartphone": 1.0},
                                    "old": {"share": 0.6, "smartphone": 1.0}}
    programme = {"name": "team", "teams": 1, "days": EVERY_DAY, "capacity_per_event": 1_000,
                 "on_site_conversion": 0.2,
                 "venues": {"school": {"groups": ["young"], "reach": 100, "weight": 1.0},
                            "market": {"groups": "all", "reach": 100, "weight": 3.0}}}
    programme.update(outreach)
    data["channels"]["outreach"] = [programme]
    return data


def programme(model: Model) -> Programme:
    part = next(p for p in model.parts if isinstance(p, Programme))
    return part


def test_rotation_visits_districts_in_turn_and_venues_by_weight() -> None:
    model = Model(build(scenario_data()), seed=1)
    model.bind()
    prog = programme(model)
    visits = [prog.next_visit(model.state, model.queues.serving) for _ in range(3 * 8)]
    assert [d for d, _ in visits] == [0, 1, 2] * 8  # districts in turn
    rounds = [visits[i][1] for i in range(0, len(visits), 3)]
    assert Counter(rounds) == {"market": 6, "school": 2}  # weights 3 : 1 over 8 rounds
    assert all(v == visits[3 * (i // 3)][1] for i, (_, v) in enumerate(visits))  # one venue kind per round


def test_largest_gap_goes_to_the_district_furthest_behind() -> None:
    data = scenario_data(policy="largest_gap")
    model = Model(build(data), seed=1)
    model.bind()
    prog, state = programme(model), model.state
    seg = model.segments
    state.activated[seg.district != 2] += 1  # districts a and b ahead: c is furthest behind
    state.not_intending[seg.district != 2] -= 1
    district, venue = prog.next_visit(state, model.queues.serving)
    assert district == 2
    assert venue == "market"  # weight 3 × all groups beats weight 1 × the young only


def test_a_visit_never_activates_more_than_its_capacity() -> None:
    result = simulate(build(scenario_data(capacity_per_event=7, teams=3, on_site_conversion=1.0)), check=True)
    served = result.daily["activations_team"]
    assert served.max() <= 21 and served.sum() == 21 * 60


def test_on_the_spot_conversion_is_binomial_in_the_people_present() -> None:
    # reach 100 people, conversion 0.2, no queues: 20 a visit on average, variance 16.
    result = simulate(build(scenario_data()), check=True)
    converted = result.daily["intents_outreach_team"]
    assert (converted == result.daily["activations_team"]).all()
    assert abs(converted.mean() - 20.0) < 5 * math.sqrt(16.0 / len(converted))
    assert result.summary["intents_by_cause"]["outreach_team"] == converted.sum()


def test_teams_work_only_on_their_days_and_within_their_dates() -> None:
    data = scenario_data(days=["mon"], start="2026-01-10", end="2026-02-10")
    result = simulate(build(data), check=True)
    served = result.daily["activations_team"]
    worked = {d for d in np.flatnonzero(served)}
    assert all(result.dates[d].weekday() == 0 for d in worked)
    assert all(9 <= d <= 40 for d in worked) and len(worked) >= 3
