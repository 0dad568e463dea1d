"""Service points: walk-in activation with a daily capacity, a FIFO queue, and giving up.

A point's queue holds, per segment of its catchment, how many people wait, and per day of
joining (cohort), how many joined then and still wait. Service is first come first served by
cohort; within the served cohorts, which segments they belong to is drawn uniformly from the
queue (the queue is assumed well mixed across segments). This keeps the cost proportional to
segments + cohorts instead of their product.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from ikdsim.model.calendar import Calendar
from ikdsim.model.population import largest_remainder
from ikdsim.model.rng import draw_without_replacement
from ikdsim.model.state import State
from ikdsim.scenario.schema import WEEKDAYS, Scenario, ServicePoint


class WaitLog:
    """Histogram of waiting days of every activation that went through a queue."""

    def __init__(self) -> None:
        self.counts = np.zeros(64, dtype=np.int64)

    def add(self, days: int, people: int) -> None:
        if days >= len(self.counts):
            self.counts = np.concatenate([self.counts, np.zeros(max(days + 1, 2 * len(self.counts)), np.int64)])
        self.counts[days] += people

    def mean(self) -> float | None:
        total = self.counts.sum()
        return None if total == 0 else float((self.counts * np.arange(len(self.counts))).sum() / total)

    def quantile(self, q: float) -> int | None:
        total = int(self.counts.sum())
        if total == 0:
            return None
        return int(np.searchsorted(np.cumsum(self.counts), math.ceil(q * total)))


class Point:
    def __init__(
        self,
        spec: ServicePoint,
        scenario: Scenario,
        state: State,
        calendar: Calendar,
        rng: np.random.Generator,
        waits: WaitLog,
    ) -> None:
        seg = state.segments
        self.spec = spec
        self.name = spec.name
        self.state = state
        self.rng = rng
        self.waits = waits
        self.capacity = spec.capacity
        self.district_ids = [seg.districts.index(d) for d in scenario.point_districts(spec)]
        self.segs = np.flatnonzero(np.isin(seg.district, self.district_ids))
        self.position = np.full(len(seg), -1, dtype=np.int64)
        self.position[self.segs] = np.arange(len(self.segs))
        self.waiting = np.zeros(len(self.segs), dtype=np.int64)
        self.cohorts: deque[list[int]] = deque()  # [day joined, people still waiting]
        self.open_days = calendar.working_days(spec.open_weekdays, spec.opens, spec.closes)
        self.open_set = set(self.open_days)
        open_share = len([w for w in spec.open_weekdays if w in WEEKDAYS]) / 7.0
        self.mean_daily_capacity = self.capacity * open_share
        self.opens_day = 0 if spec.opens is None else calendar.day_of(spec.opens)
        self.closes_day = None if spec.closes is None else calendar.day_of(spec.closes)
        patience = scenario.adoption.patience_days
        self.give_up_p = 0.0 if patience is None else -math.expm1(-1.0 / patience)

    # -- queue bookkeeping -----------------------------------------------------------------

    @property
    def queue_length(self) -> int:
        return int(self.waiting.sum())

    def accepts(self, day: int) -> bool:
        return self.closes_day is None or day <= self.closes_day

    def expected_wait(self, day: int, extra: float = 0.0) -> float:
        """Days until a newcomer would be served: days until opening plus queue / capacity."""
        if self.mean_daily_capacity <= 0:
            return math.inf
        return max(0, self.opens_day - day) + (self.queue_length + extra) / self.mean_daily_capacity

    def join(self, day: int, segs: np.ndarray, people: np.ndarray) -> None:
        total = int(people.sum())
        if total == 0:
            return
        np.add.at(self.waiting, self.position[segs], people)
        if self.cohorts and self.cohorts[-1][0] == day:
            self.cohorts[-1][1] += total
        else:
            self.cohorts.append([day, total])

    def _take_cohorts_fifo(self, day: int, people: int) -> None:
        while people > 0:
            joined, count = self.cohorts[0]
            take = min(count, people)
            self.waits.add(day - joined, take)
            people -= take
            if take == count:
                self.cohorts.popleft()
            else:
                self.cohorts[0][1] -= take

    def _take_cohorts_random(self, people: int) -> np.ndarray:
        """Remove `people` uniformly across cohorts; return how many left each cohort."""
        counts = np.array([c[1] for c in self.cohorts], dtype=np.int64)
        taken = draw_without_replacement(counts, people, self.rng)
        for cohort, t in zip(self.cohorts, taken, strict=True):
            cohort[1] -= int(t)
        self.cohorts = deque(c for c in self.cohorts if c[1] > 0)
        return taken

    def holdings(self, segs: np.ndarray) -> np.ndarray:
        """People of the given segments waiting here (0 for segments outside the catchment)."""
        pos = self.position[segs]
        return np.where(pos >= 0, self.waiting[np.maximum(pos, 0)], 0)

    def remove(self, day: int, segs: np.ndarray, people: np.ndarray) -> None:
        """Take waiting people of given segments out of the queue (served elsewhere)."""
        total = int(people.sum())
        if total == 0:
            return
        np.subtract.at(self.waiting, self.position[segs], people)
        joined = [c[0] for c in self.cohorts]
        taken = self._take_cohorts_random(total)
        for j, t in zip(joined, taken, strict=True):
            if t:
                self.waits.add(day - j, int(t))

    # -- daily actions ---------------------------------------------------------------------

    def serve(self, day: int) -> int:
        """Serve up to capacity, first come first served. Returns people activated."""
        served = min(self.capacity, self.queue_length)
        if served == 0:
            return 0
        by_segment = draw_without_replacement(self.waiting, served, self.rng)
        self.waiting -= by_segment
        self.state.activated[self.segs] += by_segment
        self._take_cohorts_fifo(day, served)
        return served

    def give_up(self) -> int:
        """Each waiting person leaves with the daily patience probability; back to not intending."""
        if self.give_up_p == 0.0 or not self.cohorts:
            return 0
        leaving = self.rng.binomial(self.waiting, self.give_up_p)
        total = int(leaving.sum())
        if total:
            self.waiting -= leaving
            self.state.not_intending[self.segs] += leaving
            self._take_cohorts_random(total)
        return total


def route(day: int, points: list[Point], district_segs: list[np.ndarray], decided: np.ndarray,
          rng: np.random.Generator) -> None:
    """Send each district's new decisions to the points serving it, shortest expected wait first.

    The day's arrivals of a district are split so that expected waits come out as equal as
    possible (water-filling); which segments go where is a uniform draw without replacement.
    """
    for d, segs in enumerate(district_segs):
        people = decided[segs]
        total = int(people.sum())
        if total == 0:
            continue
        candidates = [p for p in points if d in p.district_ids and p.accepts(day)]
        if not candidates:
            candidates = [p for p in points if d in p.district_ids]
        shares = _water_fill(day, candidates, total)
        remaining = people.copy()
        for point, share in zip(candidates, shares, strict=True):
            if share == 0:
                continue
            part = remaining if share == int(remaining.sum()) else draw_without_replacement(remaining, share, rng)
            remaining = remaining - part
            point.join(day, segs, part)


def _water_fill(day: int, points: list[Point], total: int) -> list[int]:
    if len(points) == 1:
        return [total]
    finite = [p for p in points if math.isfinite(p.expected_wait(day))]
    if not finite:
        return [total] + [0] * (len(points) - 1)
    # Find the wait level L at which the points together absorb `total`:
    # x_p = max(0, (L - offset_p)·c_p - q_p).
    def absorbed(level: float) -> list[float]:
        return [
            max(0.0, (level - max(0, p.opens_day - day)) * p.mean_daily_capacity - p.queue_length)
            if p in finite else 0.0
            for p in points
        ]

    lo, hi = 0.0, 1.0
    while sum(absorbed(hi)) < total:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if sum(absorbed(mid)) < total else (lo, mid)
    raw = np.array(absorbed(hi))
    raw *= total / raw.sum()
    return [int(x) for x in largest_remainder(raw)]
