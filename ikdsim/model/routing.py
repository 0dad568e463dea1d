"""The router: each day's new decisions go to the queues serving their district, by water-filling."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ikdsim.model.rng import Stream, draw_without_replacement, pick, picks_people

if TYPE_CHECKING:
    from ikdsim.model.queues import Queue


class Router:
    """Send each district's new decisions to the points serving it, shortest expected wait first.

    The day's arrivals of a district are split so that expected waits come out as equal as
    possible (water-filling); which segments go where is a uniform draw without replacement.
    """

    def __init__(self, points: list[Queue], district_segs: list[np.ndarray], stream: Stream) -> None:
        self.district_segs = district_segs
        self.stream = stream
        self.points = points
        self.serving = [[p for p in points if d in p.district_ids] for d in range(len(district_segs))]
        # Each serving point's queue positions of the district's segments, computed once.
        self.local = [
            [p.position[segs] for p in serving] for segs, serving in zip(district_segs, self.serving, strict=True)
        ]
        # Segments ordered by district, so that a district's decisions are one slice of
        # `decided[self.order]`, at `self.bounds[d]`.
        self.order = np.concatenate(district_segs) if district_segs else np.zeros(0, dtype=np.int64)
        ends = np.cumsum([len(segs) for segs in district_segs]).tolist()
        self.bounds = [slice(end - len(segs), end) for segs, end in zip(district_segs, ends, strict=True)]
        self.update(0)

    def update(self, day: int) -> None:
        """Recompute which points take newcomers (on day 0 and when a point has closed)."""
        self.candidates = self.candidates_on(day)
        # Per district, the candidate queues and their positions of its segments, so that the
        # daily routing does no list building.
        self._targets = [
            ([serving[i] for i in candidates], [self.local[d][i] for i in candidates])
            for d, (serving, candidates) in enumerate(zip(self.serving, self.candidates, strict=True))
        ]

    def candidates_on(self, day: int) -> list[list[int]]:
        """Per district, the serving points that take newcomers on `day` (a pure function of it)."""
        # A point that has closed for good takes nobody, unless no other point is left.
        return [[i for i, p in enumerate(serving) if p.accepts(day)] or list(range(len(serving)))
                for serving in self.serving]

    def route(self, day: int, decided: np.ndarray, district: np.ndarray) -> None:
        totals = np.bincount(district, weights=decided, minlength=len(self.district_segs)).tolist()
        # The split only needs queue lengths (numbers), so the loop counts people into queues and
        # draws who goes where, in district order; people are added to the queues' arrays after
        # it, with few numpy calls: usually a district's arrivals all go to one point (`whole`),
        # else to two, the first taking a uniform pick of its people (`halves`).
        whole: dict[Queue, list[int]] = {}
        halves: list[tuple[int, np.ndarray]] = []
        first = 0  # people of the districts before d, in district order
        for d, t in enumerate(totals):
            if not t:
                continue
            total = int(t)
            queues, local = self._targets[d]
            if len(queues) == 1:
                taker: Queue | None = queues[0]
            else:
                taker, shares = _one_taker(day, queues, total)
            if taker is not None:
                taker.join_count(day, total)
                whole.setdefault(taker, []).append(d)
            elif len(shares) == 2 and picks_people(len(local[0]), shares[0]):
                # What `draw_without_replacement` draws for the first point; the second takes the rest.
                halves.append((d, pick(total, shares[0], self.stream.on(day), first)))
                queues[0].join_count(day, shares[0])
                queues[1].join_count(day, shares[1])
            else:
                self._split(day, decided[self.district_segs[d]], queues, local, shares, total)
            first += total
        if whole or halves:
            by_district = decided[self.order]
        for queue, districts in whole.items():
            if len(districts) == len(queue.district_ids):  # its whole catchment, in queue order
                queue.waiting += decided[queue.rows]
            else:
                for d in districts:
                    queues, local = self._targets[d]
                    queue.waiting[local[queues.index(queue)]] += by_district[self.bounds[d]]
        if halves:
            # One search buckets every first point's people (numbered in district order) by segment.
            picked = halves[0][1] if len(halves) == 1 else np.concatenate([people for _, people in halves])
            to_first = np.bincount(by_district.cumsum().searchsorted(picked, side="right"), minlength=len(self.order))
            for d, _ in halves:
                (one, two), (at_one, at_two) = self._targets[d]
                bounds = self.bounds[d]
                one.waiting[at_one] += to_first[bounds]
                two.waiting[at_two] += by_district[bounds] - to_first[bounds]

    def _split(self, day: int, remaining: np.ndarray, queues: list[Queue], local: list[np.ndarray],
               shares: list[int], total: int) -> None:
        """Any other split: each point in turn takes a uniform draw of the people still unrouted."""
        rng = self.stream.on(day)
        for queue, positions, share in zip(queues, local, shares, strict=True):
            if share == 0:
                continue
            part = remaining if share == total else draw_without_replacement(remaining, share, rng)
            remaining = remaining - part
            total -= share
            queue.join(day, positions, part, share)


def _one_taker(day: int, queues: list[Queue], total: int) -> tuple[Queue | None, list[int]]:
    """The queue that takes all of a district's `total` arrivals, else (None, the split).

    The common case of two points with finite waits is decided here with `_water_fill_two`'s
    arithmetic, without building its lists; every other case goes through `_water_fill`.
    """
    if len(queues) == 2:
        a, b = queues
        ca, cb = a.mean_daily_capacity, b.mean_daily_capacity
        if ca > 0 and cb > 0:
            wa = max(0, a.opens_day - day) + a.queued / ca
            wb = max(0, b.opens_day - day) + b.queued / cb
            if wa <= wb:
                if (total + ca * wa) / ca <= wb:
                    return a, []
            elif (total + cb * wb) / cb <= wa:
                return b, []
            shares = _water_fill_two([wa, wb], [ca, cb], total)
        else:
            shares = _water_fill(day, queues, total)
    else:
        shares = _water_fill(day, queues, total)
    if total in shares:
        return queues[shares.index(total)], []
    return None, shares


def _water_fill(day: int, points: list[Queue], total: int) -> list[int]:
    """Split `total` arrivals so the points they go to end up with equal expected waits.

    A point's expected wait before arrivals is w_p = days until it opens + queue / capacity;
    x_p arrivals raise it by x_p / c_p. Filling the points from the shortest wait up gives the
    common level L = (total + Σ c_p·w_p) / Σ c_p over the points below L (water-filling).
    """
    if len(points) == 1:
        return [total]
    waits = [p.expected_wait(day) for p in points]
    caps = [p.mean_daily_capacity for p in points]
    if len(points) == 2 and waits[0] != math.inf and waits[1] != math.inf:
        return _water_fill_two(waits, caps, total)
    return _water_fill_levels(waits, caps, total)


def _water_fill_levels(waits: list[float], caps: list[float], total: int) -> list[int]:
    """The general water-filling: points sorted by wait, filled from the shortest up."""
    order = sorted([(w, i) for i, w in enumerate(waits) if w != math.inf])
    if not order:
        return [total] + [0] * (len(waits) - 1)
    cap_sum = weighted = 0.0
    level = math.inf
    for k, (w, i) in enumerate(order):
        cap_sum += caps[i]
        weighted += caps[i] * w
        level = (total + weighted) / cap_sum
        if k + 1 == len(order) or level <= order[k + 1][0]:
            break
    if k == 0:  # the usual case: one point is shorter by more than the day's arrivals fill
        shares = [0] * len(waits)
        shares[order[0][1]] = total
        return shares
    raw = [max(0.0, (level - w) * c) if math.isfinite(w) else 0.0 for w, c in zip(waits, caps, strict=True)]
    scale = total / sum(raw)
    return _round_to_total([x * scale for x in raw], total)


def _water_fill_two(waits: list[float], caps: list[float], total: int) -> list[int]:
    """`_water_fill_levels` for two points with finite waits (a district with its own point and the
    city office): the same arithmetic in the same order, without the general bookkeeping."""
    w0, w1 = waits
    c0, c1 = caps
    first, wa, ca, wb, cb = (0, w0, c0, w1, c1) if (w0, 0) < (w1, 1) else (1, w1, c1, w0, c0)
    if (total + ca * wa) / ca <= wb:  # the shorter one takes everybody
        return [total, 0] if first == 0 else [0, total]
    level = (total + (ca * wa + cb * wb)) / (ca + cb)
    raw0, raw1 = max(0.0, (level - w0) * c0), max(0.0, (level - w1) * c1)
    scale = total / (raw0 + raw1)
    v0, v1 = raw0 * scale, raw1 * scale
    # `_round_to_total` for two values, written out: this runs for most districts most days.
    f0, f1 = math.floor(v0 + 1e-9), math.floor(v1 + 1e-9)
    short = total - f0 - f1
    if short == 0:
        return [f0, f1]
    if short == 1:
        return [f0 + 1, f1] if f0 - v0 <= f1 - v1 else [f0, f1 + 1]
    if short == 2:
        return [f0 + 1, f1 + 1]
    return _round_to_total([v0, v1], total)


def _round_to_total(values: list[float], total: int) -> list[int]:
    """Largest-remainder rounding for a handful of values (pure Python: cheaper than numpy here)."""
    floors = [math.floor(v + 1e-9) for v in values]
    short = total - sum(floors)
    if short:
        by_fraction = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
        for i in by_fraction[:short]:
            floors[i] += 1
    return floors
