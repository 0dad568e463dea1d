"""Named random streams: one independent generator per model component.

A stream's seed is `SeedSequence([seed, replicate])` spawned with a stable hash of the
component's name, so adding or changing one component never shifts the draws of another
(common random numbers across scenarios), and replicates never collide (no integer adding).
"""

from __future__ import annotations

import hashlib

import numpy as np

# PCG64DXSM is numpy's recommended generator when many streams run in parallel.
_BIT_GENERATOR = np.random.PCG64DXSM


def stable_key(name: str) -> int:
    # Python's hash() is salted per process; streams must agree across processes and machines.
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class Streams:
    """Factory of named generators for one replicate of one scenario seed."""

    def __init__(self, seed: int, replicate: int = 0) -> None:
        self.seed = seed
        self.replicate = replicate
        self.names: list[str] = []

    def __call__(self, name: str) -> np.random.Generator:
        if name in self.names:
            raise ValueError(f"random stream {name!r} requested twice; each component owns one stream")
        self.names.append(name)
        seq = np.random.SeedSequence(entropy=[self.seed, self.replicate], spawn_key=(stable_key(name),))
        return np.random.Generator(_BIT_GENERATOR(seq))


def draw_without_replacement(counts: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """How many of each category are in a uniform sample of `m` people from `counts` people.

    Multivariate hypergeometric. numpy's version costs O(categories) per call with a large
    constant; picking m people and bucketing them is much cheaper while m is small, which is the
    common case (a day's service or a visit against a large population of segments).
    """
    cum = np.cumsum(counts)
    total = int(cum[-1]) if len(cum) else 0
    if m >= total:
        return counts.copy()
    if m <= 0:
        return np.zeros_like(counts)
    if m <= 4 * len(counts):
        picked = rng.choice(total, m, replace=False, shuffle=False)
        return np.bincount(np.searchsorted(cum, picked, side="right"), minlength=len(counts)).astype(
            counts.dtype
        )
    return rng.multivariate_hypergeometric(counts, m).astype(counts.dtype)
