"""numpy's binomial and multinomial draws (`Generator.binomial`, `.multinomial`), compiled.

The algorithms and the order in which they use the uniform numbers are numpy's
(numpy/random/src/distributions/distributions.c): inversion when n·min(p, 1-p) ≤ 30, else
Kachitvichyanukul and Schmeiser's BTPE. Given the same bit generator state they return the same
numbers (tested), apart from one rounding in the inversion (see there). numpy 2.5 corrected
BTPE's final Stirling test; which form a stream uses comes with its `Bits` (the installed
numpy's), so that it is data, not a constant frozen in cached code.
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
        return _btpe(bits, n, p)
    q = 1.0 - p
    if q * n <= 30.0:
        return n - _inversion(bits, n, q)
    return n - _btpe(bits, n, q)


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


@compiled
def _stirling(first: float, x: float) -> float:
    x2 = x * x
    return (first - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0


@compiled
def _btpe(bits: Bits, n: int, r: float) -> int:
    q = 1.0 - r
    fm = n * r + r
    m = math.floor(fm)
    p1 = math.floor(2.195 * math.sqrt(n * r * q) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * r)
    laml = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lamr = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / laml
    p4 = p3 + c / lamr
    nrq = n * r * q
    while True:
        # Step 1: the triangular centre, accepted at once.
        u = next_double(bits) * p4
        v = next_double(bits)
        if u <= p1:
            return math.floor(xm - p1 * v + u)
        if u <= p2:  # the parallelograms
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                continue
            y = math.floor(x)
        elif u <= p3:  # the left exponential tail
            y = math.floor(xl + math.log(v) / laml)
            if y < 0 or v == 0.0:
                continue
            v = v * (u - p2) * laml
        else:  # the right exponential tail
            y = math.floor(xr - math.log(v) / lamr)
            if y > n or v == 0.0:
                continue
            v = v * (u - p3) * lamr
        k = abs(y - m)
        if not (k > 20 and k < nrq / 2.0 - 1):
            # Explicit evaluation of f(y) / f(m).
            s = r / q
            a = s * (n + 1)
            f = 1.0
            if m < y:
                for i in range(m + 1, y + 1):
                    f = f * (a / i - s)
            elif m > y:
                for i in range(y + 1, m + 1):
                    f = f / (a / i - s)
            if v > f:
                continue
            return y
        # Squeezing with the normal approximation, then the final test with Stirling's formula.
        rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5)
        t = -k * k / (2 * nrq)
        big_a = math.log(v)
        if big_a < t - rho:
            return y
        if big_a > t + rho:
            continue
        x1 = y + 1
        f1 = m + 1
        z = n + 1 - m
        w = n - y + 1
        head = xm * math.log(f1 / x1) + (n - m + 0.5) * math.log(z / w) + (y - m) * math.log(w * r / (x1 * q))
        if bits[4]:  # numpy < 2.5
            bound = (head + _stirling(13680.0, float(f1)) + _stirling(13680.0, float(z)) + _stirling(13680.0, float(x1))
                     + _stirling(13680.0, float(w)))
        else:
            bound = (head + _stirling(13860.0, float(f1)) + _stirling(13860.0, float(z))
                     - _stirling(13860.0, float(x1)) - _stirling(13860.0, float(w)))
        if big_a > bound:
            continue
        return y
