"""Service points: walk-in activation with a daily capacity, a FIFO queue and giving up."""

from __future__ import annotations

import numpy as np

from ikdsim.model import columns, words
from ikdsim.model.calendar import Calendar
from ikdsim.model.component import Change, Component, Context, Counterfactual, channel_kind, day_before
from ikdsim.model.queues import Queue
from ikdsim.scenario.schema import Scenario, ServicePoint


@channel_kind(ServicePoint)
class ServicePointChannel(Component):
    """A walk-in point (office, kecamatan/kelurahan counter) serving its catchment's queue.

    On each open day (its weekdays, not holidays, between `opens` and `closes`) it serves up to
    its capacity from its queue, first come first served. The router sends new decisions of its
    districts to it when its expected wait is the shortest; it takes nobody after closing.
    """

    kind = "service point"
    phase = "counters"

    def __init__(self, spec: ServicePoint, scenario: Scenario) -> None:
        super().__init__(spec.name, scenario)
        self.spec = spec
        self.queue: Queue | None = None  # its queue, once bound
        self._open: list[bool] = []

    def channels(self) -> list[str]:
        return [self.name]

    def open_days(self, calendar: Calendar) -> list[int]:
        return calendar.working_days(self.spec.open_weekdays, self.spec.opens, self.spec.closes)

    def resources(self, calendar: Calendar, last_day: int) -> dict[str, float]:
        if self.spec.capacity <= 0:
            return {}
        days = sum(1 for d in self.open_days(calendar) if d <= last_day)
        return {"counter_days": float(self.spec.counters * days)}

    def capacity(self, calendar: Calendar) -> np.ndarray:
        capacity = np.zeros(calendar.days)
        capacity[self.open_days(calendar)] = self.spec.capacity
        return capacity

    def changes(self, calendar: Calendar) -> list[Change]:
        out = []
        if self.spec.opens is not None and 0 < (day := calendar.day_of(self.spec.opens)) < calendar.days:
            out.append(Change(day, f"{self.name} opens"))
        if self.spec.closes is not None and 0 <= (day := calendar.day_of(self.spec.closes)) < calendar.days - 1:
            out.append(Change(day + 1, f"{self.name} closed"))
        return out

    def describe(self) -> list[tuple[str, str]]:
        p = self.spec
        when = "" if p.opens is None else f" from {words.date(p.opens)}"
        if p.closes is not None:
            when += f" until {words.date(p.closes)}"
        how = (f"{p.daily_capacity:,} a day" if p.daily_capacity is not None
               else f"{p.counters} counter(s) × {p.hours_per_day:g} h at {p.minutes_per_activation:g} min each = "
                    f"{p.capacity:,} a day")
        return [(f"Service point: {p.name}", f"Walk-in activation{when}, {how}, open {', '.join(p.open_weekdays)}; "
                 f"serves {words.where(p.districts, 'district')}.")]

    def levers(self) -> list[Counterfactual]:
        p, start, by = self.spec, self.scenario.horizon.start, self.scenario.target.by
        if p.capacity > 0 and (p.opens is None or p.opens <= by) and (p.closes is None or p.closes >= start):
            # Closed from the day before the horizon; its districts may then have no point left.
            return [Counterfactual(f"{p.name} service point", "service_point",
                                   (f"{self.path}.opens=null", f"{self.path}.closes={day_before(start)}"))]
        return []

    def bind(self, ctx: Context) -> None:
        p, calendar = self.spec, ctx.calendar
        seg = ctx.segments
        is_open = np.zeros(calendar.days, dtype=bool)
        is_open[self.open_days(calendar)] = True
        self._open = is_open.tolist()  # a list: asked every day, indexed from Python
        self.queue = Queue(
            self.name,
            f"point.{p.name}",
            [seg.districts.index(d) for d in self.scenario.point_districts(p)],
            p.capacity,
            p.capacity * (len(set(p.open_weekdays)) / 7.0),  # this rounding, as before
            0 if p.opens is None else calendar.day_of(p.opens),
            None if p.closes is None else calendar.day_of(p.closes),
            ctx,
        )
        ctx.queues.add(self.queue)
        self._column = columns.activations(self.name)

    def works_on(self, day: int) -> bool:
        return self._open[day]

    def step(self, day: int, ctx: Context) -> None:
        assert self.queue is not None
        served = self.queue.serve(day)
        ctx.count(self._column, served)
        ctx.count("activations", served)
