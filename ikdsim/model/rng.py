"""Named random streams: one independent generator per model decision, restarted every day.

A stream's seed is `SeedSequence([seed, replicate])` spawned with a stable hash of the
decision's name, so adding or changing one component never shifts the draws of another, and
replicates never collide (no integer adding). Each day a stream restarts at its own fixed
position (day × 2^64 steps into the sequence): how many numbers a decision drew yesterday,
which differs between scenarios whenever their counts differ, cannot shift today's draws.
This keeps two scenarios run with the same seed on common random numbers day after day.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

from ikdsim.model.compiled import hypergeometric
from ikdsim.model.compiled.bits import Bits, bits_of

# PCG64DXSM is numpy's recommended generator when many streams run in parallel; its period
# (2^128) leaves 2^64 numbers for every day of any horizon.
_BIT_GENERATOR = np.random.PCG64DXSM
DAY_STRIDE = 1 << 64


def stable_key(name: str) -> int:
    # Python's hash() is salted per process; streams must agree across processes and machines.
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class StreamGenerator(np.random.Generator):
    """A stream's numpy generator, which also hands its bit generator to compiled draws."""

    bits: Bits


class Stream:
    """One decision's generator; `on(day)` positions it at that day's fixed start."""

    def __init__(self, seq: np.random.SeedSequence) -> None:
        self._seq = seq
        self._generator: StreamGenerator | None = None  # made on first use: many streams never draw
        self._day: int | None = None

    def _make(self) -> StreamGenerator:
        bits = _BIT_GENERATOR(self._seq)
        self._origin: int = bits.state["state"]["state"]
        # PCG's state moves by an affine map mod 2^128, so one day's stride is s -> A·s + C. Stepping
        # the start of day d to that of d + 1 with Python integers and setting the state once costs
        # less than restoring the origin and advancing d·2^64 steps, and lands on the same state.
        self._inc: int = bits.state["state"]["inc"]
        self._a, geometric = _day_stride()
        self._c = self._inc * geometric & _MASK
        self._start_day = 0
        self._start = self._origin
        generator = StreamGenerator(bits)
        # Compiled draws advance the same state in place; the generator keeps the bit generator alive.
        generator.bits = bits_of(bits)
        self._generator = generator
        return generator

    def on(self, day: int) -> StreamGenerator:
        generator = self._generator or self._make()
        if day != self._day:
            if day < self._start_day:
                self._start_day, self._start = 0, self._origin
            start, a, c = self._start, self._a, self._c
            for _ in range(day - self._start_day):
                start = (a * start + c) & _MASK
            self._start_day, self._start = day, start
            generator.bit_generator.state = {"bit_generator": _BIT_GENERATOR.__name__,
                                             "state": {"state": start, "inc": self._inc},
                                             "has_uint32": 0, "uinteger": 0}
            self._day = day
        return generator


_MASK = (1 << 128) - 1


@functools.cache
def _day_stride() -> tuple[int, int]:
    """(A, G) such that advancing state s by DAY_STRIDE steps gives A·s + inc·G mod 2^128.

    An LCG step is s -> a·s + inc, so n steps give a^n·s + inc·(1 + a + ... + a^(n-1)): A and G do
    not depend on the stream. They are read off numpy's own advance, once a process.
    """
    bits = _BIT_GENERATOR(0)

    def advanced(state: int) -> int:
        bits.state = {"bit_generator": _BIT_GENERATOR.__name__, "state": {"state": state, "inc": 1},
                      "has_uint32": 0, "uinteger": 0}
        bits.advance(DAY_STRIDE)
        return int(bits.state["state"]["state"])
    geometric = advanced(0)
    return (advanced(1) - geometric) & _MASK, geometric


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


def draw_without_replacement(counts: np.ndarray, m: int, rng: StreamGenerator) -> np.ndarray:
    """How many of each category are in a uniform sample of `m` people from `counts` people.

    Multivariate hypergeometric, compiled (`compiled/hypergeometric.py`): people picked one by
    one while m is small against the categories (the common case: a day's service or a visit
    against many segments), numpy's marginals method otherwise; the same draws as numpy's.
    """
    return hypergeometric.draw_without_replacement(rng.bits, counts, m)
