"""A scenario in plain words: the table a planner reads before trusting the numbers."""

from __future__ import annotations

from ikdsim.model.words import date as _date
from ikdsim.model.words import pct as _pct
from ikdsim.scenario.schema import Scenario


def describe(scenario: Scenario) -> list[tuple[str, str]]:
    """(topic, sentence) pairs covering every lever of the scenario."""
    s = scenario
    pop = s.population
    start, end = s.horizon.start, s.horizon.end
    rows = [
        ("Period", f"{_date(start)} to {_date(end)} ({s.horizon.days} days, simulated day by day)."),
        ("Target", f"{_pct(s.target.share, 0)} of {pop.total:,} wajib KTP "
                   f"({round(s.target.share * pop.total):,} people) by {_date(s.target.by)}."),
        ("Starting point", f"{pop.initial_count:,} people ({_pct(pop.initial_count / pop.total, 2)}) have IKD on "
                           f"{_date(start)}."),
        ("Who can adopt", f"{_pct(pop.eligible_share)} own a phone able to run the IKD app; by group: "
         + "; ".join(f"{name} {_pct(g.share, 0)} of residents, {_pct(g.smartphone, 0)} with a phone"
                     for name, g in pop.groups.items()) + "."),
        ("Districts", ", ".join(f"{d} {_pct(v.share)}" for d, v in pop.districts.items()) + "."),
    ]
    from ikdsim.model.assembly import components

    # Behaviour, services, campaigns and every channel describe themselves.
    for part in components(s):
        rows.extend(part.describe())
    if days := s.holiday_dates:
        source = f" ({s.calendar.country} holidays from the holidays package)" if s.calendar.country else ""
        rows.append(("Holidays", f"{len(days)} days with no service{source}."))
    for obs in s.observations:
        value = f"{obs.activated:,} people" if obs.activated is not None else _pct(obs.share or 0.0, 2)
        rows.append((f"Observed {_date(obs.date)}", f"{value} ({obs.source or 'no source given'})."))
    return rows
