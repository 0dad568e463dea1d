"""The compiled steps of a day: each is the numpy code it replaced, draw for draw."""

from __future__ import annotations

import numpy as np

from ikdsim.model.compiled.binomial import binomial, multinomial
from ikdsim.model.compiled.bits import Bits
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
