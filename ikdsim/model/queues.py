"""Queues of people who decided and wait to be served, the router that fills them, and the wait log.

The queue network is a component: its step (the `give_up` phase) lets waiting people leave with
the daily patience probability; demand hands it each day's decisions (`route`).
"""

from __future__ import annotations

import math
from collections.abc import Generator

import numpy as np
import simpy

from ikdsim.model.calendar import Calendar
from ikdsim.model.compiled import kernels
from ikdsim.model.component import Change, Component, Context
from ikdsim.model.rng import StreamGenerator, draw_without_replacement
from ikdsim.model.routing import Router
from ikdsim.scenario.schema import Scenario


class WaitLog:
    """Histogram of waiting days of every activation that went through a queue."""

    def __init__(self, days: int) -> None:
        self.counts = np.zeros(days + 1, dtype=np.int64)

    def add_cohorts(self, day: int, first: int, people: np.ndarray) -> None:
        """Record `people[i]`, who joined on day `first + i` and leave a queue on `day`."""
        # Cohort i waited day - first - i days: the cohorts map onto a contiguous, reversed slice.
        self.counts[day - first - len(people) + 1 : day - first + 1] += people[::-1]

    def mean(self) -> float | None:
        total = self.counts.sum()
        return None if total == 0 else float((self.counts * np.arange(len(self.counts))).sum() / total)

    def quantile(self, q: float) -> int | None:
        total = int(self.counts.sum())
        if total == 0:
            return None
        return int(np.searchsorted(np.cumsum(self.counts), math.ceil(q * total)))


class Queue:
    """A FIFO queue of people who decided, served up to a daily capacity; people may give up.

    The queue holds, per segment of its catchment, how many people wait, and per day of joining
    (cohort), how many joined then and still wait. Service is first come first served by cohort;
    within the served cohorts, which segments they belong to is drawn uniformly from the queue
    (the queue is assumed well mixed across segments). This keeps the cost proportional to
    segments + cohorts instead of their product. Any channel kind that serves walk-ins owns one.
    """

    def __init__(
        self,
        name: str,
        streams_prefix: str,
        district_ids: list[int],
        capacity: int,
        mean_daily_capacity: float,
        opens_day: int,
        closes_day: int | None,
        ctx: Context,
    ) -> None:
        seg = ctx.segments
        self.name = name
        self.state = ctx.state
        # One stream per decision: who is served, who gives up, whose place a team takes.
        self.serve_rng = ctx.streams(f"{streams_prefix}.serve")
        self.give_up_rng = ctx.streams(f"{streams_prefix}.give_up")
        self.remove_rng = ctx.streams(f"{streams_prefix}.remove")
        self.waits = ctx.queues.waits
        self.capacity = capacity
        self.district_ids = district_ids
        served = np.zeros(len(seg.districts), dtype=bool)
        served[district_ids] = True
        self.segs = np.flatnonzero(served[seg.district])  # np.isin, without its sort
        # A catchment of every segment (a city office) indexes the state arrays with a slice.
        self.rows: np.ndarray | slice = slice(None) if len(self.segs) == len(seg) else self.segs
        self.position = np.full(len(seg), -1, dtype=np.int64)
        self.position[self.segs] = np.arange(len(self.segs))
        self.waiting = np.zeros(len(self.segs), dtype=np.int64)
        self.offset = 0  # where `waiting` starts in the network's array of all queues (`QueueNetwork.start`)
        self.queued = 0  # == waiting.sum(), kept as a number because routing asks for it often
        # People still waiting by the day they joined; cohorts [head, last] may be non-empty.
        self.cohort = np.zeros(ctx.calendar.days, dtype=np.int64)
        self.head = 0
        self.last = -1
        self.mean_daily_capacity = mean_daily_capacity
        self.opens_day = opens_day
        self.closes_day = closes_day
        patience = ctx.scenario.adoption.patience_days
        self.give_up_p = 0.0 if patience is None else -math.expm1(-1.0 / patience)

    # -- queue bookkeeping -----------------------------------------------------------------

    @property
    def queue_length(self) -> int:
        return self.queued

    def accepts(self, day: int) -> bool:
        return self.closes_day is None or day <= self.closes_day

    def slots(self, segs: np.ndarray) -> np.ndarray:
        """Where the people of segments `segs` (all in the catchment) wait in the network's array
        of all queues' waiting (`QueueNetwork.all_waiting`)."""
        return self.offset + self.position[segs]  # type: ignore[no-any-return]

    def join_count(self, day: int, total: int) -> None:
        """Count `total` people joining on `day`; routing has added them to `waiting` by segment."""
        self.queued += total
        self.cohort[day] += total
        self.last = day

    def _window(self) -> np.ndarray:
        return self.cohort[self.head : self.last + 1]

    def _advance_head(self) -> None:
        # A scan in Python: the head cohort is rarely emptied, and when it is, the head never
        # comes back, so the scan costs one comparison a call plus the days the queue lives.
        cohort, head, last = self.cohort, self.head, self.last
        while head <= last and cohort[head] == 0:
            head += 1
        self.head = head

    def _log_waits(self, day: int, taken: np.ndarray) -> None:
        self.waits.add_cohorts(day, self.head, taken)

    def _take_cohorts_fifo(self, day: int, people: int) -> None:
        if self.queued == 0 and self.head == self.last:  # one cohort, served whole: the usual day
            self.waits.counts[day - self.head] += self.cohort[self.head]
            self.cohort[self.head] = 0
            self.head += 1
            return
        window = self._window()
        if self.queued == 0:  # the whole queue was served: no search needed
            self._log_waits(day, window)
            window[:] = 0
            self.head = self.last + 1
            return
        last = int(np.searchsorted(np.cumsum(window), people))  # the cohort where service stops
        taken = window[: last + 1].copy()
        taken[last] -= int(taken.sum()) - people
        self._log_waits(day, taken)
        window[: last + 1] -= taken
        self.head += last if window[last] else last + 1

    def _take_cohorts_random(self, day: int, people: int, rng: StreamGenerator, served: bool) -> None:
        """Remove `people` uniformly across cohorts, logging their waits if they were served."""
        window = self._window()
        taken = draw_without_replacement(window, people, rng)
        if served:
            self._log_waits(day, taken)
        window -= taken
        self._advance_head()

    def holdings(self, segs: np.ndarray) -> np.ndarray:
        """People of the given segments waiting here (0 for segments outside the catchment)."""
        pos = self.position[segs]
        return np.where(pos >= 0, self.waiting[np.maximum(pos, 0)], 0)

    def remove(self, day: int, segs: np.ndarray, people: np.ndarray) -> None:
        """Take waiting people of given segments out of the queue (served elsewhere)."""
        total = int(people.sum())
        if total == 0:
            return
        self.waiting[self.position[segs]] -= people
        self.queued -= total
        self._take_cohorts_random(day, total, self.remove_rng.on(day), served=True)

    # -- daily actions ---------------------------------------------------------------------

    def serve(self, day: int, capacity: int | None = None) -> int:
        """Serve up to capacity, first come first served. Returns people activated."""
        served = min(self.capacity if capacity is None else capacity, self.queued)
        if served == 0:
            return 0
        if served == self.queued:  # everybody waiting is served: nothing to draw
            self.state.activated[self.rows] += self.waiting
            self.waiting.fill(0)
        else:
            by_segment = draw_without_replacement(self.waiting, served, self.serve_rng.on(day))
            self.waiting -= by_segment
            self.state.activated[self.rows] += by_segment
        self.queued -= served
        self._take_cohorts_fifo(day, served)
        return served

    def give_up(self, day: int) -> int:
        """Each waiting person leaves with the daily patience probability; back to not intending."""
        if self.give_up_p == 0.0 or self.queued == 0:
            return 0
        rng = self.give_up_rng.on(day)
        total: int = kernels.give_up(rng.bits, self.waiting, self.give_up_p, self.segs, self.state.not_intending)
        if total:
            self.queued -= total
            self._take_cohorts_random(day, total, rng, served=False)
        return total


class QueueNetwork(Component):
    """All queues of a run: routing of new decisions, giving up, the waiting count, the wait log.

    Queues register while the channels bind (`add`); `start` then builds the router, so a channel
    kind that serves walk-ins takes part in routing and outreach without the network knowing it.
    """

    phase = "give_up"

    def __init__(self, scenario: Scenario, days: int) -> None:
        super().__init__("queues", scenario)
        self.waits = WaitLog(days)
        self.queues: list[Queue] = []
        self.serving: list[list[Queue]] = []

    def add(self, queue: Queue) -> None:
        self.queues.append(queue)

    def start(self, ctx: Context) -> None:
        seg = ctx.segments
        n = len(seg.districts)
        self.serving = [[q for q in self.queues if d in q.district_ids] for d in range(n)]
        district_segs = [np.flatnonzero(seg.district == d) for d in range(n)]
        # One array holds every queue's waiting people, so that compiled routing reaches them all.
        sizes = [len(q.waiting) for q in self.queues]
        self.all_waiting = np.zeros(sum(sizes), dtype=np.int64)
        offset = 0
        for queue, size in zip(self.queues, sizes, strict=True):
            self.all_waiting[offset : offset + size] = queue.waiting
            queue.waiting = self.all_waiting[offset : offset + size]
            queue.offset = offset
            offset += size
        self.router = Router(self.queues, self.serving, district_segs, ctx.streams("routing"), self.all_waiting)
        ctx.env.process(self._on_changes(ctx))

    def _on_changes(self, ctx: Context) -> Generator[simpy.Event, object, None]:
        """React to dated changes: a point that closed stops taking newcomers from that day."""
        while True:
            assert ctx.policy is not None
            yield ctx.policy
            self.router.update(int(ctx.env.now))

    def changes(self, calendar: Calendar) -> list[Change]:
        """The day after each registered queue closes (any channel kind): routing changes then."""
        return [Change(q.closes_day + 1, f"{q.name} takes no newcomers") for q in self.queues
                if q.closes_day is not None and 0 <= q.closes_day < calendar.days - 1]

    def check(self, day: int) -> None:
        assert self.router.candidates == self.router.candidates_on(day), f"routing candidates stale on day {day}"

    def route(self, day: int, decided: np.ndarray) -> None:
        self.router.route(day, decided)

    @property
    def waiting(self) -> int:
        return sum([q.queued for q in self.queues])

    def step(self, day: int, ctx: Context) -> None:
        ctx.count("gave_up", sum([q.give_up(day) for q in self.queues]))

    def plan(self) -> str:
        patience = self.scenario.adoption.patience_days
        if patience is None:
            return "nobody gives up"
        return f"each waiting person leaves with p = 1 - exp(-1/{patience:g}) a day"
