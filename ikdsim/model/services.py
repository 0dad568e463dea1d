"""Service integrations: a service-driven decision hazard that changes on dated events.

A user of service s meets it `encounters_per_year` times; each encounter leads to a decision
with probability `conversion` once integrated (ramping up linearly over `ramp_days`), and
`required_conversion` once IKD is required. The hazard is the product (per year); it applies only
to segments whose usage pattern includes the service.
"""

from __future__ import annotations

import math

from ikdsim.model import columns, words
from ikdsim.model.calendar import Calendar
from ikdsim.model.component import Change, Component, Counterfactual
from ikdsim.scenario.schema import Scenario, Service


class ServiceTimeline(Component):
    """One service: its go-live, ramp and requirement dates, and the hazard of one user on a day.

    `rate(day)` is a pure function of the day, right before, during and after a run. Its dated
    changes (go-live, each ramp day, requirement) are announced as events; demand recomputes
    its hazard then, and only then. The decisions it causes are the cause `service_<name>`.
    """

    kind = "service"

    def __init__(self, spec: Service, scenario: Scenario) -> None:
        super().__init__(spec.name, scenario)
        self.spec = spec
        start = scenario.horizon.start
        self.integrated_day = None if spec.integrated_from is None else (spec.integrated_from - start).days
        self.required_day = None if spec.required_from is None else (spec.required_from - start).days

    def causes(self) -> list[str]:
        return [columns.service_cause(self.name)]

    def rate(self, day: int) -> float:
        """Decision hazard of one user on `day` (per year); dates before the horizon are in force."""
        spec = self.spec
        if self.required_day is not None and day >= self.required_day:
            return spec.encounters_per_year * spec.required_conversion
        if self.integrated_day is None or day < self.integrated_day:
            return 0.0
        ramp = 1.0 if spec.ramp_days <= 0 else min(1.0, (day - self.integrated_day + 1) / spec.ramp_days)
        return spec.encounters_per_year * spec.conversion * ramp

    def changes(self, calendar: Calendar) -> list[Change]:
        """Go-live, every day of the ramp (the rate rises daily), and the requirement date."""
        days: dict[int, str] = {}
        if self.integrated_day is not None:
            ramp = max(1, math.ceil(self.spec.ramp_days))
            for k in range(ramp):
                if self.required_day is not None and self.integrated_day + k >= self.required_day:
                    break  # the requirement's rate holds from then on
                days[self.integrated_day + k] = f"{self.name} accepts IKD" if k == 0 else f"{self.name} ramp {k + 1}"
        if self.required_day is not None:
            days[self.required_day] = f"{self.name} requires IKD"
        return [Change(d, what) for d, what in sorted(days.items()) if 0 < d < calendar.days]

    def describe(self) -> list[tuple[str, str]]:
        svc, start = self.spec, self.scenario.horizon.start
        users = ", ".join(f"{g} {words.pct(v, 0)}" for g, v in svc.users.items())
        if svc.integrated_from is None:
            status = "does not accept IKD in this scenario"
        elif svc.integrated_from <= start:
            status = f"already accepts IKD (since {words.date(svc.integrated_from)})"
        else:
            status = f"accepts IKD from {words.date(svc.integrated_from)}"
        text = (f"Used by {users}; {svc.encounters_per_year:g} encounters a year per user; {status}, "
                f"{words.pct(svc.conversion, 2)} of encounters lead to a decision")
        if svc.ramp_days:
            text += f" (rising over {svc.ramp_days:g} days)"
        if svc.required_from is not None:
            text += (f"; IKD required from {words.date(svc.required_from)}, then "
                     f"{words.pct(svc.required_conversion, 0)} of encounters lead to a decision")
        return [(f"Service: {svc.name}", text + ".")]

    def levers(self) -> list[Counterfactual]:
        s, by, levers = self.spec, self.scenario.target.by, []
        if s.integrated_from is not None and s.integrated_from <= by and s.conversion > 0:
            # A requirement on the same service stays.
            levers.append(Counterfactual(f"{s.name} integration", "integration",
                                         (f"{self.path}.integrated_from=null",)))
        if s.required_from is not None and s.required_from <= by:
            levers.append(Counterfactual(f"{s.name} requirement", "requirement", (f"{self.path}.required_from=null",)))
        return levers
