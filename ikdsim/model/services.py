"""Service integrations: dated SimPy events that switch on a service-driven hazard.

A user of service s meets it `encounters_per_year` times; each encounter leads to a decision
with probability `conversion` once integrated (ramping up linearly over `ramp_days`), and
`required_conversion` once IKD is required. The hazard is the product (per year); it applies only
to segments whose usage pattern includes the service.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from ikdsim.model.calendar import Calendar
from ikdsim.scenario.schema import Service


class ServiceTimeline:
    def __init__(self, spec: Service, calendar: Calendar) -> None:
        self.spec = spec
        self.integrated_day = None if spec.integrated_from is None else calendar.day_of(spec.integrated_from)
        self.required_day = None if spec.required_from is None else calendar.day_of(spec.required_from)
        # Dates before the horizon are already in force on day 0.
        self.integrated = self.integrated_day is not None and self.integrated_day <= 0
        self.required = self.required_day is not None and self.required_day <= 0

    def process(self, env: simpy.Environment, offset: float) -> Generator[simpy.Event, None, None]:
        """Switch states on their dates (the `services` phase of that day)."""
        for day, attr in sorted(
            (d, a)
            for d, a in ((self.integrated_day, "integrated"), (self.required_day, "required"))
            if d is not None and d > 0
        ):
            yield env.timeout(day + offset - env.now)
            setattr(self, attr, True)

    def rate(self, day: int) -> float:
        """Decision hazard of one user on `day` (per year)."""
        spec = self.spec
        if self.required:
            return spec.encounters_per_year * spec.required_conversion
        if not self.integrated or self.integrated_day is None:
            return 0.0
        ramp = 1.0 if spec.ramp_days <= 0 else min(1.0, (day - self.integrated_day + 1) / spec.ramp_days)
        return spec.encounters_per_year * spec.conversion * max(ramp, 0.0)
