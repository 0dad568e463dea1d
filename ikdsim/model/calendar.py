"""Day indices, weekdays and holidays: the mapping between simulated days and dates."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ikdsim.scenario.schema import WEEKDAYS, Scenario, Weekday


class Calendar:
    def __init__(self, scenario: Scenario) -> None:
        self.start = scenario.horizon.start
        self.days = scenario.horizon.days
        self.dates = [self.start + dt.timedelta(days=d) for d in range(self.days)]
        self.weekday = np.array([d.weekday() for d in self.dates])
        holidays = set(scenario.holiday_dates)
        self.holiday = np.array([d in holidays for d in self.dates])

    def day_of(self, date: dt.date) -> int:
        """Day index of a date; may be negative (before start) or ≥ days (after end)."""
        return (date - self.start).days

    def working_days(
        self,
        weekdays: list[Weekday],
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> list[int]:
        """Days on which something that works on `weekdays`, but not holidays, is active."""
        works = np.zeros(7, dtype=bool)
        works[[WEEKDAYS.index(w) for w in weekdays]] = True
        allowed = works[self.weekday] & ~self.holiday
        lo = 0 if first is None else max(0, self.day_of(first))
        hi = self.days - 1 if last is None else min(self.days - 1, self.day_of(last))
        return (np.flatnonzero(allowed[lo : hi + 1]) + lo).tolist() if hi >= lo else []
