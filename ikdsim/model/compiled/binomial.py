"""Binomial and multinomial draws, compiled: numpy's for small counts, a flat-cost method for large.

When n·min(p, 1-p) ≤ 30, numpy's inversion (numpy/random/src/distributions/distributions.c),
using the uniform numbers in numpy's order: given the same bit generator state, the same numbers
as `Generator.binomial` (tested), apart from one rounding (below). Above 30, where numpy takes
Kachitvichyanukul and Schmeiser's BTPE, Hörmann's BTRS instead: exact too (tested against the
binomial distribution), and cheaper where counts are moderate (n·p from 30 to a few hundred,
where BTPE often needs its explicit evaluation loop), so that a draw costs about the same whatever
the counts, and from 100 times the default population up, a run on ten times more people costs
about the same (benchmarks/). It does not depend on the numpy version either: numpy 2.5 changed
BTPE's final test.

The multinomial is numpy's: a binomial per category in turn.
"""

from __future__ import annotations

import math

import numpy as np

from ikdsim.model.compiled.bits import Bits, next_double
from ikdsim.model.compiled.jit import compiled


@compiled
def binomial(bits: Bits, n: int, p: float) -> int:
    """One Binomial(n, p) draw."""
    if n == 0 or p == 0.0:
        return 0
    if p <= 0.5:
        if p * n <= 30.0:
            return _inversion(bits, n, p)
        return _btrs(bits, n, p)
    q = 1.0 - p
    if q * n <= 30.0:
        return n - _inversion(bits, n, q)
    return n - _btrs(bits, n, q)


@compiled
def multinomial(bits: Bits, n: int, p: np.ndarray, out: np.ndarray) -> None:
    """One Multinomial(n, p) draw into `out` (a row of zeros), a binomial per category in turn."""
    remaining_p = 1.0
    left = n
    d = len(p)
    for j in range(d - 1):
        out[j] = binomial(bits, left, p[j] / remaining_p)
        left -= out[j]
        if left <= 0:
            break
        remaining_p -= p[j]
    if left > 0:
        out[d - 1] = left


@compiled
def _inversion(bits: Bits, n: int, p: float) -> int:
    q = 1.0 - p
    qn = math.exp(n * math.log(q))
    mean = n * p
    bound = int(min(n, mean + 10.0 * math.sqrt(mean * q + 1)))
    x = 0
    px = qn
    u = next_double(bits)
    while u > px:
        x += 1
        if x > bound:
            x = 0
            px = qn
            u = next_double(bits)
        else:
            u -= px
            # numpy computes ((n - x + 1)·p·px) / (x·q); multiplying px by the ratio takes the
            # division off the loop's chain of dependent steps (2.5 × faster at n·p = 30). The
            # two differ by a rounding, which can change a draw only when u lies within an ulp of
            # px: never seen in the tests, and either way a correct draw.
            px = px * (((n - x + 1) * p) / (x * q))
    return x


# f(k) = ln k! - (ln sqrt(2π) + (k + 1/2) ln(k + 1) - (k + 1)), Stirling's remainder, for
# k = 0..9, correctly rounded (tests recompute it with 60-digit decimals).
_TAIL = np.array([
    0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
    0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
])


@compiled
def _stirling_tail(k: float) -> float:
    """f(k) above: the table, then its series to the 1/(k+1)⁵ term (error below 1e-10 from k = 10)."""
    if k <= 9.0:
        return _TAIL[int(k)]  # type: ignore[no-any-return]
    k1 = k + 1.0
    k1sq = k1 * k1
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k1sq) / k1sq) / k1


@compiled
def _btrs(bits: Bits, n: int, p: float) -> int:
    """Hörmann's transformed rejection with squeeze (BTRS, 1993), for n·p > 30 and p ≤ 1/2.

    A proposal k from a transformed uniform, kept at once inside the box where the hat is known
    to lie under the distribution (most draws), else kept when log v is under ln f(k)/f(m) + the
    hat's terms, computed with Stirling's remainder. The loop's cost does not depend on n or p.
    """
    count = float(n)
    spq = math.sqrt(count * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = count * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1.0 - p)
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((count + 1.0) * p)
    mode_known = False  # the bound's terms for the mode: computed once, when first needed
    at_mode = tail_m = tail_rest = 0.0
    while True:
        u = next_double(bits) - 0.5
        v = next_double(bits)
        us = 0.5 - abs(u)
        if us == 0.0:  # u = -1/2 exactly: a proposal at -infinity
            continue
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0.0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if not mode_known:
            mode_known = True
            at_mode = (m + 0.5) * math.log((m + 1.0) / (r * (count - m + 1.0)))
            tail_m, tail_rest = _stirling_tail(m), _stirling_tail(count - m)
        log_v = math.log(v * alpha / (a / (us * us) + b))
        bound = (at_mode + (count + 1.0) * math.log((count - m + 1.0) / (count - k + 1.0))
                 + (k + 0.5) * math.log(r * (count - k + 1.0) / (k + 1.0))
                 + tail_m + tail_rest - _stirling_tail(k) - _stirling_tail(count - k))
        if log_v <= bound:
            return int(k)
