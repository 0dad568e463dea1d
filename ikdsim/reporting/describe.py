"""A scenario in plain words: the table a planner reads before trusting the numbers."""

from __future__ import annotations

import datetime as dt

from ikdsim.scenario.schema import ALL, Scenario, Selection


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:.{digits}f} %"


def _where(selection: Selection, kind: str) -> str:
    return f"all {kind}s" if selection == ALL else ", ".join(selection)


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
        ("Districts", ", ".join(f"{d} {_pct(v)}" for d, v in pop.districts.items()) + "."),
    ]
    a = s.adoption
    patience = "never give up" if a.patience_days is None else f"give up after {a.patience_days:g} days on average"
    rows.append(("Behaviour", f"Without any service benefit, {_pct(a.base_rate, 2)} of those who can adopt decide to "
                 f"each year; word of mouth adds {a.word_of_mouth:g} per year times the activated share "
                 f"({a.word_of_mouth_scope}); people queueing {patience}."))
    for svc in s.services:
        users = ", ".join(f"{g} {_pct(v, 0)}" for g, v in svc.users.items())
        if svc.integrated_from is None:
            status = "does not accept IKD in this scenario"
        elif svc.integrated_from <= start:
            status = f"already accepts IKD (since {_date(svc.integrated_from)})"
        else:
            status = f"accepts IKD from {_date(svc.integrated_from)}"
        text = (f"Used by {users}; {svc.encounters_per_year:g} encounters a year per user; {status}, "
                f"{_pct(svc.conversion, 2)} of encounters lead to a decision")
        if svc.ramp_days:
            text += f" (rising over {svc.ramp_days:g} days)"
        if svc.required_from is not None:
            text += (f"; IKD required from {_date(svc.required_from)}, then {_pct(svc.required_conversion, 0)} of "
                     "encounters lead to a decision")
        rows.append((f"Service: {svc.name}", text + "."))
    for c in s.campaigns:
        rows.append((f"Campaign: {c.name}", f"{_date(c.start)} to {_date(c.end)}: decisions ×{c.multiplier:g} in "
                     f"{_where(c.districts, 'district')}, {_where(c.groups, 'group')}."))
    for p in s.channels.service_points:
        when = "" if p.opens is None else f" from {_date(p.opens)}"
        if p.closes is not None:
            when += f" until {_date(p.closes)}"
        how = (f"{p.daily_capacity:,} a day" if p.daily_capacity is not None
               else f"{p.counters} counter(s) × {p.hours_per_day:g} h at {p.minutes_per_activation:g} min each = "
                    f"{p.capacity:,} a day")
        rows.append((f"Service point: {p.name}", f"Walk-in activation{when}, {how}, open {', '.join(p.open_weekdays)}; "
                     f"serves {_where(p.districts, 'district')}."))
    for o in s.channels.outreach:
        venues = "; ".join(
            f"{v} (reach {venue.reach}, {_where(venue.groups, 'group')})" for v, venue in o.venues.items()
        )
        rows.append((f"Outreach: {o.name}", f"{o.teams} team(s) on {', '.join(o.days)}, up to {o.capacity_per_event} "
                     f"activations per visit, {_pct(o.on_site_conversion, 0)} of those present activate on the spot; "
                     f"policy {o.policy}; venues: {venues}."))
    if s.calendar.holidays:
        rows.append(("Holidays", f"{len(s.calendar.holidays)} days with no service."))
    for obs in s.observations:
        value = f"{obs.activated:,} people" if obs.activated is not None else _pct(obs.share or 0.0, 2)
        rows.append((f"Observed {_date(obs.date)}", f"{value} ({obs.source or 'no source given'})."))
    return rows
