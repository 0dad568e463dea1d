"""Named random streams: one independent generator per model decision, restarted every day.

A stream's seed is `SeedSequence([seed, replicate])` spawned with a stable hash of the
decision's name, so adding or changing one component never shifts the draws of another, and
replicates never collide (no integer adding). Each day a stream restarts at its own fixed
position (day × 2^64 steps into the sequence): how many numbers a decision drew yesterday,
which differs between scenarios whenever their counts differ, cannot shift today's draws.
This keeps two scenarios run with the same seed on common random numbers day after day.
"""

from __future__ import annotations

import hashlib

import numpy as np

# PCG64DXSM is numpy's recommended generator when many streams run in parallel; its period
# (2^128) leaves 2^64 numbers for every day of any horizon.
_BIT_GENERATOR = np.random.PCG64DXSM
DAY_STRIDE = 1 << 64


def stable_key(name: str) -> int:
    # Python's hash() is salted per process; streams must agree across processes and machines.
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class Stream:
    """One decision's generator; `on(day)` positions it at that day's fixed start."""

    def __init__(self, seq: np.random.SeedSequence) -> None:
        self._bits = _BIT_GENERATOR(seq)
        self._origin = self._bits.state
        self._generator = np.random.Generator(self._bits)
        self._day: int | None = None

    def on(self, day: int) -> np.random.Generator:
        if day != self._day:
            self._bits.state = self._origin
            self._bits.advance(day * DAY_STRIDE)
            self._day = day
        return self._generator


class Streams:
    """Factory of named streams for one replicate of one scenario seed."""

    def __init__(self, seed: int, replicate: int = 0) -> None:
        self.seed = seed
        self.replicate = replicate
        self.names: list[str] = []

    def __call__(self, name: str) -> Stream:
        if name in self.names:
            raise ValueError(f"random stream {name!r} requested twice; each decision owns one stream")
        self.names.append(name)
        return Stream(np.random.SeedSequence(entropy=[self.seed, self.replicate], spawn_key=(stable_key(name),)))


_PERMUTE_UP_TO = 2048


def draw_without_replacement(counts: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """How many of each category are in a uniform sample of `m` people from `counts` people.

    Multivariate hypergeometric. numpy's version costs O(categories) per call with a large
    constant; picking m people and bucketing them is much cheaper while m is small, which is the
    common case (a day's service or a visit against a large population of segments).
    """
    # ndarray methods rather than np.* functions: these arrays are small and the calls many, so
    # the dispatch wrappers would cost as much as the work.
    cum = counts.cumsum()
    total = int(cum[-1]) if len(cum) else 0
    if m >= total:
        return counts.copy()
    if m <= 0:
        return np.zeros(len(counts), dtype=counts.dtype)
    if m <= 4 * len(counts):
        # A permutation is the cheapest call while the pool is small; Floyd's method otherwise.
        if total <= _PERMUTE_UP_TO:
            picked = np.arange(total)  # rng.permutation(total) is this arange shuffled, with more checks
            rng.shuffle(picked)
            picked = picked[:m]
        else:
            picked = rng.choice(total, m, replace=False)
        return np.bincount(cum.searchsorted(picked, side="right"), minlength=len(counts))
    return rng.multivariate_hypergeometric(counts, m)
