"""Routing a day's decisions to the queues serving each district, compiled (`ikdsim.model.routing`).

Water-filling: a district's arrivals are split so that expected waits come out as equal as
possible. A point's expected wait before arrivals is w_p = days until it opens + queue / its mean
daily capacity; x_p arrivals raise it by x_p / c_p. Filling the points from the shortest wait up
gives the common level L = (total + Σ c_p·w_p) / Σ c_p over the points below L; shares are
rounded to whole people by largest remainder.
"""

from __future__ import annotations

import math

import numpy as np

from ikdsim.model.compiled.bits import Bits
from ikdsim.model.compiled.hypergeometric import draw_without_replacement
from ikdsim.model.compiled.jit import compiled


@compiled
def _stable_order(values: np.ndarray) -> np.ndarray:
    """Indices that sort `values`, ties in index order (an insertion sort: a handful of points)."""
    order = np.arange(len(values))
    for i in range(1, len(values)):
        k = order[i]
        j = i - 1
        while j >= 0 and values[order[j]] > values[k]:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k
    return order


@compiled
def round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder rounding of `values` to integers summing to `total` (ties: first index)."""
    floors = np.empty(len(values), dtype=np.int64)
    for i in range(len(values)):
        floors[i] = math.floor(values[i] + 1e-9)
    short = total - floors.sum()
    if short:
        by_fraction = _stable_order(floors - values)
        # Python's slice by_fraction[:short], negative `short` included.
        take = short if short > 0 else max(len(values) + short, 0)
        for i in by_fraction[: min(take, len(values))]:
            floors[i] += 1
    return floors


@compiled
def water_fill(waits: np.ndarray, caps: np.ndarray, total: int) -> np.ndarray:
    """Split `total` arrivals between points with these expected waits and mean daily capacities:
    points sorted by wait (then index), filled from the shortest up."""
    n = len(waits)
    shares = np.zeros(n, dtype=np.int64)
    finite = np.flatnonzero(waits != math.inf)
    if len(finite) == 0:
        shares[0] = total
        return shares
    order = finite[_stable_order(waits[finite])]
    cap_sum = weighted = 0.0
    level = math.inf
    k = 0
    for k in range(len(order)):
        i = order[k]
        cap_sum += caps[i]
        weighted += caps[i] * waits[i]
        level = (total + weighted) / cap_sum
        if k + 1 == len(order) or level <= waits[order[k + 1]]:
            break
    if k == 0:  # the usual case: one point is shorter by more than the day's arrivals fill
        shares[order[0]] = total
        return shares
    raw = np.zeros(n)
    for i in range(n):
        if math.isfinite(waits[i]):
            raw[i] = max(0.0, (level - waits[i]) * caps[i])
    scale = total / raw.sum()
    return round_to_total(raw * scale, total)


@compiled
def expected_waits(day: int, points: np.ndarray, queued: np.ndarray, caps: np.ndarray,
                   opens: np.ndarray) -> np.ndarray:
    """Days until a newcomer would be served at each of `points` (∞ without capacity)."""
    waits = np.empty(len(points))
    for k in range(len(points)):
        q = points[k]
        waits[k] = math.inf if caps[q] <= 0 else max(0, opens[q] - day) + queued[q] / caps[q]
    return waits


@compiled
def route(bits: Bits, day: int, decided: np.ndarray, order: np.ndarray, bounds: np.ndarray, candidates: np.ndarray,
          n_candidates: np.ndarray, slot_start: np.ndarray, slots: np.ndarray, caps: np.ndarray, opens: np.ndarray,
          queued: np.ndarray, joined: np.ndarray, waiting: np.ndarray) -> None:
    """Route the day's decisions of every district, in district order.

    District d's segments are `order[bounds[d]:bounds[d + 1]]`; its candidate queues are
    `candidates[d, :n_candidates[d]]`; the people of its i-th segment wait at
    `waiting[slots[slot_start[d, k] + i]]` in candidate k. `queued` grows as people join (later
    districts see it); `joined` counts whom each queue took.
    """
    for d in range(len(bounds) - 1):
        lo, hi = bounds[d], bounds[d + 1]
        total = 0
        for i in range(lo, hi):
            total += decided[order[i]]
        if total == 0:
            continue
        points = candidates[d, : n_candidates[d]]
        shares = water_fill(expected_waits(day, points, queued, caps, opens), caps[points], total)
        # Each point in turn takes a uniform draw of the people still unrouted; the last to take
        # anyone takes the rest, without a draw (so does a point that takes the whole district).
        remaining = np.empty(hi - lo, dtype=np.int64)
        for i in range(lo, hi):
            remaining[i - lo] = decided[order[i]]
        left = total
        for k in range(len(points)):
            share = shares[k]
            if share == 0:
                continue
            part = remaining.copy() if share == left else draw_without_replacement(bits, remaining, share)
            remaining -= part
            left -= share
            base = slot_start[d, k]
            for i in range(hi - lo):
                waiting[slots[base + i]] += part[i]
            q = points[k]
            joined[q] += share
            queued[q] += share
