"""Samplers turn a parameter space into a design matrix; axes turn its columns into field values.

Every sampler draws points in the unit hypercube [0, 1)^d (scipy.stats.qmc for Latin hypercube
and scrambled Sobol', numpy for plain random); each axis then maps its column to values of its
kind. Integers and dates are sampled as whole numbers with equal probability for each, and
explicit value lists as categories, so the same decoding serves SALib's samples too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ikdsim._optional import require
from ikdsim.experiments.sweep import Method
from ikdsim.model.rng import stable_key
from ikdsim.scenario.paths import Kind

Column = Literal["float", "int", "bool", "date", "string"]


@dataclass(frozen=True)
class Axis:
    """A swept scenario field and the values it can take.

    `kind` is the field's own (number, integer, date), or choice when the sweep lists the values.
    """

    path: str
    kind: Kind
    low: Any = None
    high: Any = None
    values: tuple[Any, ...] = ()
    levels: int | None = None

    @property
    def span(self) -> int:
        """Number of whole steps from low to high (integers and dates)."""
        if self.kind == "date":
            return int((self.high - self.low).days)
        return int(self.high - self.low)

    def decode(self, u: float) -> Any:
        """The value at position u in [0, 1) along this axis."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "choice":
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        if self.kind == "number":
            return float(self.low + u * (self.high - self.low))
        step = min(math.floor(u * (self.span + 1)), self.span)
        if self.kind == "date":
            return self.low + dt.timedelta(days=step)
        return int(self.low) + step

    def grid_values(self) -> list[Any]:
        """The values this axis takes in a full factorial design."""
        if self.kind == "choice":
            return list(self.values)
        assert self.levels is not None
        if self.kind == "number":
            return [float(v) for v in np.linspace(float(self.low), float(self.high), self.levels)]
        steps = sorted({round(v) for v in np.linspace(0, self.span, self.levels)})
        if len(steps) < self.levels:
            raise ValueError(
                f"asks for {self.levels} grid levels, but only {self.span + 1} distinct "
                f"{'days' if self.kind == 'date' else 'whole numbers'} lie from {self.low} to {self.high}"
            )
        if self.kind == "date":
            return [self.low + dt.timedelta(days=s) for s in steps]
        return [int(self.low) + s for s in steps]

    @property
    def column(self) -> Column:
        """Storage type of this axis's values."""
        if self.kind == "number":
            return "float"
        if self.kind == "integer":
            return "int"
        if self.kind == "date":
            return "date"
        present = [v for v in self.values if v is not None]
        if present and all(isinstance(v, dt.date) for v in present):
            return "date"
        if present and all(isinstance(v, bool) for v in present):
            return "bool"
        if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            return "int"
        if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            return "float"
        return "string"


def sampler_rng(seed: int, purpose: str = "sweep.sampler") -> np.random.Generator:
    """The generator of a design, derived from the sweep seed by SeedSequence, not by arithmetic."""
    seq = np.random.SeedSequence(entropy=seed, spawn_key=(stable_key(purpose),))
    return np.random.Generator(np.random.PCG64DXSM(seq))


def unit_sample(method: Method, n: int, d: int, seed: int) -> np.ndarray:
    """n points in [0, 1)^d."""
    rng = sampler_rng(seed)
    if method == "random":
        return rng.random((n, d))
    qmc = require("scipy.stats.qmc")
    if method == "lhs":
        return np.asarray(qmc.LatinHypercube(d, rng=rng).random(n))
    if method == "sobol":
        # random_base2 keeps the balance properties of the sequence; n is checked to be 2^m.
        return np.asarray(qmc.Sobol(d, scramble=True, rng=rng).random_base2(int(math.log2(n))))
    raise ValueError(f"{method} is not a random sampler")


def decode(axes: list[Axis], unit: np.ndarray) -> list[tuple[Any, ...]]:
    return [tuple(axis.decode(u) for axis, u in zip(axes, row, strict=True)) for row in unit]


def full_factorial(axes: list[Axis]) -> list[tuple[Any, ...]]:
    """Every combination; the first parameter varies slowest, as in the sweep file's order."""
    return list(itertools.product(*(axis.grid_values() for axis in axes)))
