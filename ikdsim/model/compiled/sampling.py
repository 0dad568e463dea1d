"""numpy's draws without replacement (`Generator.shuffle`, `.choice(replace=False)`), compiled.

Same algorithms, same use of the stream, as numpy/random/_generator.pyx and distributions.c:
`shuffle` swaps with masked-rejection integers (`random_interval`), `choice` uses Floyd's
algorithm with a hash set, or a tail shuffle when the sample is a large part of a large
population, with Lemire's bounded integers (`random_bounded_uint64`). Tested draw for draw.
"""

from __future__ import annotations

import numpy as np

from ikdsim.model.compiled.bits import Bits, next_uint32, next_uint64
from ikdsim.model.compiled.jit import compiled

_U32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_PERMUTE_UP_TO = 2048  # `pick` shuffles a range up to this many people, else calls `choice`


@compiled
def _mask(top: np.uint64) -> np.uint64:
    """The smallest all-ones bit mask ≥ top."""
    mask = top
    for shift in (1, 2, 4, 8, 16, 32):
        mask |= mask >> np.uint64(shift)
    return mask


@compiled
def random_interval(bits: Bits, top: int) -> np.int64:
    """A uniform integer in [0, top] by masked rejection (numpy's `random_interval`)."""
    if top == 0:
        return np.int64(0)
    limit = np.uint64(top)
    mask = _mask(limit)
    if limit <= _U32:
        value = np.uint64(next_uint32(bits)) & mask
        while value > limit:
            value = np.uint64(next_uint32(bits)) & mask
    else:
        value = np.uint64(next_uint64(bits)) & mask
        while value > limit:
            value = np.uint64(next_uint64(bits)) & mask
    return np.int64(value)


@compiled
def _high_product(x: np.uint64, y: np.uint64) -> np.uint64:
    """The upper 64 bits of x·y (numpy's portable form of a 128-bit product)."""
    low = np.uint64(0xFFFFFFFF)
    x0, x1 = x & low, x >> np.uint64(32)
    y0, y1 = y & low, y >> np.uint64(32)
    w0 = x0 * y0
    t = x1 * y0 + (w0 >> np.uint64(32))
    w1 = (t & low) + x0 * y1
    return x1 * y1 + (t >> np.uint64(32)) + (w1 >> np.uint64(32))


@compiled
def bounded(bits: Bits, top: int) -> np.int64:
    """A uniform integer in [0, top] by Lemire's method (numpy's `random_bounded_uint64`)."""
    if top == 0:
        return np.int64(0)
    limit = np.uint64(top)
    if limit <= _U32:
        if limit == _U32:
            return np.int64(next_uint32(bits))
        excl = limit + np.uint64(1)
        m = np.uint64(next_uint32(bits)) * excl
        leftover = m & _U32
        if leftover < excl:
            threshold = (_U32 - limit) % excl
            while leftover < threshold:
                m = np.uint64(next_uint32(bits)) * excl
                leftover = m & _U32
        return np.int64(m >> np.uint64(32))
    if limit == _EMPTY:
        return np.int64(next_uint64(bits))
    excl = limit + np.uint64(1)
    x = np.uint64(next_uint64(bits))
    leftover = x * excl
    if leftover < excl:
        threshold = (_EMPTY - limit) % excl
        while leftover < threshold:
            x = np.uint64(next_uint64(bits))
            leftover = x * excl
    return np.int64(_high_product(x, excl))


@compiled
def shuffle(bits: Bits, data: np.ndarray) -> None:
    """`Generator.shuffle` of a 1-d array."""
    for i in range(len(data) - 1, 0, -1):
        j = random_interval(bits, i)
        data[i], data[j] = data[j], data[i]


@compiled
def _shuffle_int(bits: Bits, n: int, first: int, data: np.ndarray) -> None:
    for i in range(n - 1, first - 1, -1):
        j = bounded(bits, i)
        data[i], data[j] = data[j], data[i]


@compiled
def _tail_shuffle(bits: Bits, population: int, size: int) -> np.ndarray:
    """The last `size` entries of `_shuffle_int` over range(population) from `population - size`.

    numpy shuffles a full range; only the positions swapped differ from their index, so a hash
    table of those (open addressing, as in `choice`) gives the same entries at a cost that follows
    `size`, not the population.
    """
    mask = _mask(np.uint64(4 * size))
    keys = np.full(int(mask) + 1, -1, dtype=np.int64)
    values = np.empty(int(mask) + 1, dtype=np.int64)
    for i in range(population - 1, max(population - size, 1) - 1, -1):
        j = bounded(bits, i)
        at_i = _slot(keys, mask, i)
        at_j = _slot(keys, mask, j)
        value_i = values[at_i] if keys[at_i] == i else i
        value_j = values[at_j] if keys[at_j] == j else j
        keys[at_i], values[at_i] = i, value_j
        at_j = _slot(keys, mask, j)  # i's entry may have taken j's free slot
        keys[at_j], values[at_j] = j, value_i
    out = np.empty(size, dtype=np.int64)
    for k in range(size):
        position = population - size + k
        at = _slot(keys, mask, position)
        out[k] = values[at] if keys[at] == position else position
    return out


@compiled
def _slot(keys: np.ndarray, mask: np.uint64, key: int | np.int64) -> int:
    """Where `key` is in the open-addressing table `keys`, or the free slot where it would go."""
    at = np.uint64(key) & mask
    while keys[at] != -1 and keys[at] != key:
        at = (at + np.uint64(1)) & mask
    return int(at)


@compiled
def choice(bits: Bits, population: int, size: int) -> np.ndarray:
    """`Generator.choice(population, size, replace=False)`: distinct integers of [0, population)."""
    if population > 10000 and size > population // 50:
        return _tail_shuffle(bits, population, size)
    out = np.empty(size, dtype=np.int64)
    mask = _mask(np.uint64(int(1.2 * size)))
    seen = np.full(int(mask) + 1, -1, dtype=np.int64)
    for j in range(population - size, population):
        value = bounded(bits, j)
        at = _slot(seen, mask, value)
        if seen[at] == value:  # already drawn: take j itself, which cannot have been
            value = np.int64(j)
            at = _slot(seen, mask, j)
        seen[at] = value
        out[j - population + size] = value
    _shuffle_int(bits, size, 1, out)
    return out


@compiled
def pick(bits: Bits, total: int, m: int) -> np.ndarray:
    """`m` distinct people of `total`: a shuffle of the range while it is small, else `choice`."""
    if total <= _PERMUTE_UP_TO:
        people = np.arange(total)
        shuffle(bits, people)
        return people[:m].copy()
    return choice(bits, total, m)


@compiled
def pick_by_category(bits: Bits, counts: np.ndarray, m: int) -> np.ndarray:
    """How many of each category are among `m` people picked from `counts` people."""
    cum = np.cumsum(counts)
    people = pick(bits, cum[-1], m)
    return np.bincount(np.searchsorted(cum, people, side="right"), minlength=len(counts))
