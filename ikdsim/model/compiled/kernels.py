"""The compiled steps of a day: each is the numpy code it replaced, draw for draw (`binomial.py` for
the one exception, binomials above n·p = 30)."""

from __future__ import annotations

import numpy as np

from ikdsim.model.compiled.binomial import binomial, multinomial
from ikdsim.model.compiled.bits import Bits
from ikdsim.model.compiled.hypergeometric import draw_without_replacement
from ikdsim.model.compiled.jit import compiled


@compiled
def decide(decisions: Bits, split: Bits, not_intending: np.ndarray, probability: np.ndarray, profile: np.ndarray,
           shares: np.ndarray, decided: np.ndarray, causes: np.ndarray) -> int:
    """Today's decisions per segment into `decided`, their causes into `causes`; returns how many.

    A Binomial(not intending, p) per segment, in segment order; then, per profile in order, a
    Multinomial(its decisions, its cause shares) from the `split` stream (numpy's
    `binomial(not_intending, p)` and `multinomial(per_profile, shares)`).
    """
    total = 0
    for i in range(len(not_intending)):
        k = binomial(decisions, not_intending[i], probability[i])
        decided[i] = k
        not_intending[i] -= k
        total += k
    causes[:] = 0
    if total == 0:
        return 0
    per_profile = np.zeros(shares.shape[0], dtype=np.int64)
    for i in range(len(decided)):
        per_profile[profile[i]] += decided[i]
    row = np.zeros(shares.shape[1], dtype=np.int64)
    for r in range(len(per_profile)):
        row[:] = 0
        multinomial(split, per_profile[r], shares[r], row)
        causes += row
    return total


@compiled
def give_up(bits: Bits, waiting: np.ndarray, p: float, rows: np.ndarray, not_intending: np.ndarray) -> int:
    """Each waiting person leaves with probability p: back to not intending. Returns how many left.

    numpy's `binomial(waiting, p)`, one per queue position in order.
    """
    total = 0
    for i in range(len(waiting)):
        k = binomial(bits, waiting[i], p)
        if k:
            waiting[i] -= k
            not_intending[rows[i]] += k
            total += k
    return total


@compiled
def binomials(bits: Bits, n: np.ndarray, p: float) -> np.ndarray:
    """numpy's `binomial(n, p)` for an array of counts and one probability."""
    out = np.empty(len(n), dtype=np.int64)
    for i in range(len(n)):
        out[i] = binomial(bits, n[i], p)
    return out


@compiled
def visit(bits: Bits, segs: np.ndarray, slots: np.ndarray, all_waiting: np.ndarray, not_intending: np.ndarray,
          activated: np.ndarray, reach: int, capacity: int, conversion: float) -> tuple[int, int, np.ndarray,
                                                                                     np.ndarray]:
    """A team's visit to the segments `segs`, whose waiting people sit at `all_waiting[slots[q]]`.

    Draws who is present (`reach` of the idle and waiting people), who of them waiting is
    activated (up to `capacity`), then who converts on the spot; returns (taken from queues,
    converted, taken per segment, idle present per segment). When people were taken from the
    queues, it stops before the conversions and returns converted = -1: the caller takes them out
    of their queues (other streams) and finishes the visit.
    """
    n = len(segs)
    pool = np.empty(2 * n, dtype=np.int64)
    for i in range(n):
        pool[i] = not_intending[segs[i]]
        held = 0
        for q in range(slots.shape[0]):
            held += all_waiting[slots[q, i]]
        pool[n + i] = held
    present = draw_without_replacement(bits, pool, reach)
    idle_present = present[:n].copy()
    from_queue = draw_without_replacement(bits, present[n:].copy(), capacity)
    taken = from_queue.sum()
    if taken:
        return taken, -1, from_queue, idle_present
    converted = draw_without_replacement(bits, binomials(bits, idle_present, conversion), capacity)
    for i in range(n):
        not_intending[segs[i]] -= converted[i]
        activated[segs[i]] += converted[i]
    return 0, converted.sum(), from_queue, idle_present
