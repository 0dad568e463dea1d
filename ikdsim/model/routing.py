"""The router: each day's new decisions go to the queues serving their district, by water-filling."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ikdsim.model.compiled import water
from ikdsim.model.rng import Stream

if TYPE_CHECKING:
    from ikdsim.model.queues import Queue


class Router:
    """Send each district's new decisions to the points serving it, shortest expected wait first.

    The day's arrivals of a district are split so that expected waits come out as equal as
    possible (water-filling, `compiled/water.py`); which segments go where is a uniform draw
    without replacement. Districts are routed in order: a district's arrivals lengthen the
    queues the next one sees.
    """

    def __init__(self, points: list[Queue], serving: list[list[Queue]], district_segs: list[np.ndarray],
                 stream: Stream, waiting: np.ndarray) -> None:
        self.district_segs = district_segs
        self.stream = stream
        self.points = points
        self.waiting = waiting  # every queue's `waiting` is a slice of it, from `Queue.offset`
        self.serving = serving  # per district, the points serving it
        self.order = np.concatenate(district_segs) if district_segs else np.zeros(0, dtype=np.int64)
        self.bounds = np.cumsum([0] + [len(segs) for segs in district_segs])
        self.caps = np.array([p.mean_daily_capacity for p in points], dtype=float)
        self.opens = np.array([p.opens_day for p in points], dtype=np.int64)
        self.update(0)

    def update(self, day: int) -> None:
        """Recompute which points take newcomers (on day 0 and when a point has closed)."""
        self.candidates = self.candidates_on(day)
        index = {id(p): i for i, p in enumerate(self.points)}
        width = max((len(c) for c in self.candidates), default=1)
        self._points = np.zeros((len(self.candidates), width), dtype=np.int64)
        self._count = np.array([len(c) for c in self.candidates], dtype=np.int64)
        self._slot_start = np.zeros((len(self.candidates), width), dtype=np.int64)
        slots: list[np.ndarray] = []
        used = 0
        for d, (serving, candidates) in enumerate(zip(self.serving, self.candidates, strict=True)):
            for k, queue in enumerate(serving[i] for i in candidates):
                self._points[d, k] = index[id(queue)]
                self._slot_start[d, k] = used
                slots.append(queue.slots(self.district_segs[d]))
                used += len(self.district_segs[d])
        self._slots = np.concatenate(slots) if slots else np.zeros(0, dtype=np.int64)

    def candidates_on(self, day: int) -> list[list[int]]:
        """Per district, the serving points that take newcomers on `day` (a pure function of it)."""
        # A point that has closed for good takes nobody, unless no other point is left.
        return [[i for i, p in enumerate(serving) if p.accepts(day)] or list(range(len(serving)))
                for serving in self.serving]

    def route(self, day: int, decided: np.ndarray) -> None:
        rng = self.stream.on(day)
        joined = np.zeros(len(self.points), dtype=np.int64)
        queued = np.array([p.queued for p in self.points], dtype=np.int64)
        water.route(rng.bits, day, decided, self.order, self.bounds, self._points, self._count, self._slot_start,
                    self._slots, self.caps, self.opens, queued, joined, self.waiting)
        for q in np.flatnonzero(joined).tolist():
            self.points[q].join_count(day, int(joined[q]))
