"""The distributions an `uncertain:` input may have, and a calibrated scenario's posterior.

Each is a pydantic model told apart by `dist:` (a discriminated union, `Unknown`), with the same
small interface: `ppf` (from the unit interval, so that samplers work in a unit cube), `support`,
`central` and `logpdf`. `ikdsim.scenario.uncertain` draws from them and applies the draws.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from ikdsim.scenario.base import _Model


class _Unknown(_Model):
    fields: list[str] = Field(min_length=1, description="Scenario fields it drives (the --set paths).")
    how: Literal["set", "multiply"] = Field(
        default="set", description="set: the draw is the field's value; multiply: it multiplies the point value."
    )
    source: str = Field(default="", description="Where the range comes from, or 'assumption: …'.")

    def ppf(self, u: float) -> float:
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        return self.ppf(0.0), self.ppf(1.0)

    def central(self) -> float:
        return self.ppf(0.5)

    def logpdf(self, x: float) -> float:
        raise NotImplementedError


class Uniform(_Unknown):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError(f"high: {self.high} is below low ({self.low})")
        return self

    def ppf(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    def logpdf(self, x: float) -> float:
        width = self.high - self.low
        return -math.log(width) if self.low <= x <= self.high and width > 0 else -math.inf


class LogUniform(_Unknown):
    dist: Literal["loguniform"]
    low: float = Field(gt=0.0)
    high: float = Field(gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError(f"high: {self.high} is below low ({self.low})")
        return self

    def ppf(self, u: float) -> float:
        return float(math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low))))

    def logpdf(self, x: float) -> float:
        span = math.log(self.high / self.low)
        return -math.log(x * span) if self.low <= x <= self.high and span > 0 else -math.inf


class _Truncated(_Unknown):
    """Shared by normal and lognormal: a scipy distribution cut to [low, high]."""

    low: float | None = Field(default=None, description="Truncate below (optional).")
    high: float | None = Field(default=None, description="Truncate above (optional).")

    def _frozen(self) -> Any:
        raise NotImplementedError

    def _cut(self) -> tuple[float, float]:
        d = self._frozen()
        return (
            0.0 if self.low is None else float(d.cdf(self.low)),
            1.0 if self.high is None else float(d.cdf(self.high)),
        )

    def ppf(self, u: float) -> float:
        a, b = self._cut()
        return float(self._frozen().ppf(a + u * (b - a)))

    def logpdf(self, x: float) -> float:
        if (self.low is not None and x < self.low) or (self.high is not None and x > self.high):
            return -math.inf
        a, b = self._cut()
        return float(self._frozen().logpdf(x)) - math.log(b - a)

    def _check_cut(self) -> None:
        if self.low is not None and self.high is not None and self.high <= self.low:
            raise ValueError(f"high: {self.high} is not above low ({self.low})")
        a, b = self._cut()
        if b - a < 1e-9:
            raise ValueError("low: the truncation leaves no probability")


class Normal(_Truncated):
    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0.0)

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.sd > 0:
            self._check_cut()
        return self

    def _frozen(self) -> Any:
        from scipy import stats

        return stats.norm(self.mean, self.sd)

    def ppf(self, u: float) -> float:
        return self.mean if self.sd == 0 else super().ppf(u)


class LogNormal(_Truncated):
    dist: Literal["lognormal"]
    median: float = Field(gt=0.0)
    factor: float = Field(ge=1.0, description="90 % of draws lie within median/factor and median*factor.")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.factor > 1:
            self._check_cut()
        return self

    def _frozen(self) -> Any:
        from scipy import stats

        sigma = math.log(self.factor) / 1.6448536269514722
        return stats.lognorm(s=sigma, scale=self.median)

    def ppf(self, u: float) -> float:
        return self.median if self.factor == 1 else super().ppf(u)


class Beta(_Unknown):
    dist: Literal["beta"]
    mean: float = Field(gt=0.0, lt=1.0)
    sd: float = Field(gt=0.0)

    @model_validator(mode="after")
    def _possible(self) -> Self:
        if self.sd**2 >= self.mean * (1 - self.mean):
            limit = math.sqrt(self.mean * (1 - self.mean))
            raise ValueError(
                f"sd: {self.sd} is impossible for a beta with mean {self.mean}; it must be below {limit:.4g}"
            )
        return self

    def _ab(self) -> tuple[float, float]:
        k = self.mean * (1 - self.mean) / self.sd**2 - 1
        return self.mean * k, (1 - self.mean) * k

    def ppf(self, u: float) -> float:
        from scipy import stats

        return float(stats.beta(*self._ab()).ppf(u))

    def logpdf(self, x: float) -> float:
        from scipy import stats

        return float(stats.beta(*self._ab()).logpdf(x))


class Triangular(_Unknown):
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"mode: expected low ≤ mode ≤ high, got {self.low}, {self.mode}, {self.high}")
        return self

    def _frozen(self) -> Any:
        from scipy import stats

        width = self.high - self.low
        return stats.triang((self.mode - self.low) / width if width else 0.5, loc=self.low, scale=width)

    def ppf(self, u: float) -> float:
        return self.low if self.high == self.low else float(self._frozen().ppf(u))

    def logpdf(self, x: float) -> float:
        return float(self._frozen().logpdf(x))


class Integers(_Unknown):
    dist: Literal["integers"]
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError(f"high: {self.high} is below low ({self.low})")
        return self

    def ppf(self, u: float) -> float:
        return float(min(self.high, self.low + math.floor(u * (self.high - self.low + 1))))

    def central(self) -> float:
        return float(round((self.low + self.high) / 2))

    def logpdf(self, x: float) -> float:
        return -math.log(self.high - self.low + 1) if self.low <= x <= self.high and x == int(x) else -math.inf


class Choice(_Unknown):
    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)

    def ppf(self, u: float) -> float:
        return float(self.values[min(len(self.values) - 1, math.floor(u * len(self.values)))])

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def logpdf(self, x: float) -> float:
        return math.log(self.values.count(x) / len(self.values)) if x in self.values else -math.inf


Unknown = Annotated[
    Uniform | LogUniform | Normal | LogNormal | Beta | Triangular | Integers | Choice, Field(discriminator="dist")
]


class Posterior(_Model):
    """Weighted draws of the unknowns (from `ikdsim calibrate`); replicates resample them."""

    source: str = Field(default="", description="The file the draws were read from.")
    names: list[str] = Field(min_length=1, description="Unknowns, in column order.")
    draws: list[list[float]] = Field(min_length=1, description="One row per draw.")
    weights: list[float] = Field(min_length=1, description="Normalised weights, one per draw.")

    @model_validator(mode="after")
    def _shapes(self) -> Self:
        if len(self.weights) != len(self.draws) or any(len(d) != len(self.names) for d in self.draws):
            raise ValueError("draws: every draw needs one value per name and one weight")
        total = sum(self.weights)
        if not (total > 0 and all(w >= 0 and math.isfinite(w) for w in self.weights)):
            raise ValueError("weights: must be non-negative with a positive sum")
        return self
