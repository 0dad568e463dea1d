"""Campaigns: dated awareness drives that multiply the decision hazard where they reach."""

from __future__ import annotations

from ikdsim.model import columns, words
from ikdsim.model.calendar import Calendar
from ikdsim.model.component import Change, Component, Counterfactual
from ikdsim.scenario.schema import Campaign, Scenario


class CampaignDrive(Component):
    """One campaign: from `start` to `end` (included) the hazard of the people it reaches is ×M.

    Its start and end are dated events; demand recomputes the campaign factor then. `active(day)`
    is a pure function of the day. The decisions it causes are the cause `campaign_<name>`.
    """

    kind = "campaign"

    def __init__(self, spec: Campaign, scenario: Scenario) -> None:
        super().__init__(spec.name, scenario)
        self.spec = spec
        start = scenario.horizon.start
        self.first = (spec.start - start).days
        self.last = (spec.end - start).days

    def causes(self) -> list[str]:
        return [columns.campaign_cause(self.name)]

    def active(self, day: int) -> bool:
        return self.first <= day <= self.last

    def changes(self, calendar: Calendar) -> list[Change]:
        out = [Change(self.first, f"{self.name} starts (×{self.spec.multiplier:g})"),
               Change(self.last + 1, f"{self.name} ends")]
        return [c for c in out if 0 < c.day < calendar.days]

    def resources(self, calendar: Calendar, last_day: int) -> dict[str, float]:
        # A campaign that multiplies nothing is not run (its lever sets the multiplier to 1).
        running = self.spec.multiplier > 1.0 and self.first <= last_day and self.last >= 0
        return {"campaigns": 1.0} if running else {}

    def describe(self) -> list[tuple[str, str]]:
        c = self.spec
        return [(f"Campaign: {c.name}", f"{words.date(c.start)} to {words.date(c.end)}: decisions ×{c.multiplier:g} "
                 f"in {words.where(c.districts, 'district')}, {words.where(c.groups, 'group')}.")]

    def levers(self) -> list[Counterfactual]:
        c, start, by = self.spec, self.scenario.horizon.start, self.scenario.target.by
        if c.multiplier > 1.0 and c.start <= by and c.end >= start:
            # It still exists, it just no longer changes anything.
            return [Counterfactual(f"{c.name} campaign", "campaign", (f"{self.path}.multiplier=1",))]
        return []
