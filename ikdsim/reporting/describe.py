"""A scenario in plain words: the table a planner reads before trusting the numbers.

The rows on the city as a whole (period, target, start, who can adopt, districts, holidays,
observations) are in the report's language; the rows each model component writes about itself
(behaviour, services, campaigns, channels) are in English, which the report says.
"""

from __future__ import annotations

from ikdsim.reporting.i18n import Lang
from ikdsim.scenario.schema import Scenario

ENGLISH = Lang()


def describe(scenario: Scenario, lang: Lang = ENGLISH) -> list[tuple[str, str]]:
    """(topic, sentence) pairs covering every lever of the scenario."""
    s, t = scenario, lang.t
    pop = s.population
    start, end = s.horizon.start, s.horizon.end
    groups = "; ".join(t("describe_group", name=name, share=lang.pct(g.share, 0), phone=lang.pct(g.smartphone, 0))
                       for name, g in pop.groups.items())
    rows = [
        (t("topic_period"), t("describe_period", start=lang.day(start), end=lang.day(end),
                                days=lang.num(s.horizon.days))),
        (t("topic_target"), t("describe_target", share=lang.pct(s.target.share, 0), total=lang.num(pop.total),
                                people=lang.num(round(s.target.share * pop.total)), by=lang.day(s.target.by))),
        (t("topic_start"), t("describe_start", people=lang.num(pop.initial_count),
                               share=lang.pct(pop.initial_count / pop.total, 2), date=lang.day(start))),
        (t("topic_adopt"), t("describe_adopt", share=lang.pct(pop.eligible_share), groups=groups)),
        (t("topic_districts"), ", ".join(f"{d} {lang.pct(v.share)}" for d, v in pop.districts.items()) + "."),
    ]
    from ikdsim.model.assembly import components

    # Behaviour, services, campaigns and every channel describe themselves.
    for part in components(s):
        rows.extend(part.describe())
    if days := s.holiday_dates:
        source = t("describe_holiday_source", country=s.calendar.country) if s.calendar.country else ""
        rows.append((t("topic_holidays"), t("describe_holidays", n=lang.num(len(days)), source=source)))
    for obs in s.observations:
        value = (t("describe_people", n=lang.num(obs.activated)) if obs.activated is not None
                 else lang.pct(obs.share or 0.0, 2))
        rows.append((t("topic_observed", date=lang.day(obs.date)),
                     t("describe_observed", value=value, source=obs.source or t("describe_no_source"))))
    return rows
