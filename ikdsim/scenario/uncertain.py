"""Uncertain inputs: what the scenario does not know, as distributions over its fields.

```yaml
uncertain:
  conversion:                        # one unknown ...
    fields: [services.satusehat.conversion, services.banking.conversion]   # ... may drive several fields
    how: multiply                    # the draw multiplies each field's point value (default: set)
    dist: lognormal                  # uniform | loguniform | normal | lognormal | beta | triangular | integers | choice
    median: 1.0
    factor: 2.0                      # 90 % of draws within median/factor .. median*factor
    source: "assumption: ..."
```

The point values in the file stay the central case (a single `run` uses them). Every multi-run
answer draws one input set per replicate: replicate r of seed s draws from its own stream
(`SeedSequence([s, r])`, named "uncertain-inputs"), so the draw depends on neither the number of
replicates nor the workers, and two policies compared with the same seed see the same inputs in
replicate r (common random numbers across inputs as well as chance).

A calibrated scenario carries a `posterior:` (draws of the unknowns with weights, read from a CSV
next to the file); replicates then draw from the posterior instead of the priors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from ikdsim.scenario.base import _Model

if TYPE_CHECKING:
    from ikdsim.scenario.schema import Scenario

STREAM = "uncertain-inputs"


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


# ---------------------------------------------------------------------------------------------
# Drawing and applying


def input_rng(seed: int, replicate: int) -> np.random.Generator:
    from ikdsim.model.rng import stable_key

    return np.random.default_rng(np.random.SeedSequence(entropy=[seed, replicate], spawn_key=(stable_key(STREAM),)))


def draw(scenario: Scenario, seed: int, replicate: int) -> dict[str, float]:
    """The input set of one replicate: from the posterior when there is one, else the priors."""
    rng = input_rng(seed, replicate)
    if scenario.posterior is not None:
        post = scenario.posterior
        cum = np.cumsum(post.weights)
        row = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        values = dict(zip(post.names, post.draws[min(row, len(post.draws) - 1)], strict=True))
        # Unknowns the calibration did not cover keep their priors.
        rest = [n for n in scenario.uncertain if n not in values]
        us = rng.random(len(scenario.uncertain))
        for i, name in enumerate(scenario.uncertain):
            if name in rest:
                values[name] = scenario.uncertain[name].ppf(float(us[i]))
        return values
    us = rng.random(len(scenario.uncertain))
    return {name: unk.ppf(float(u)) for (name, unk), u in zip(scenario.uncertain.items(), us, strict=True)}


def assignments(scenario: Scenario, values: Mapping[str, float]) -> list[tuple[str, Any]]:
    """(field path, value) for every field the unknowns drive."""
    from ikdsim.scenario.loader import scenario_to_data
    from ikdsim.scenario.paths import resolve
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        unk = scenario.uncertain[name]
        for path in unk.fields:
            field = resolve(data, path, Scenario)
            new: Any = value * field.current if unk.how == "multiply" else value
            if field.kind == "integer":
                new = round(new)
            out.append((path, new))
    return out


def apply(scenario: Scenario, values: Mapping[str, float], origin: str = "uncertain") -> Scenario:
    """The scenario with the drawn values in its fields, validated; the result is a fixed scenario."""
    from ikdsim.scenario.loader import Document, scenario_to_data, validate
    from ikdsim.scenario.paths import set_value
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    for path, value in assignments(scenario, values):
        set_value(data, path, value, Scenario, origin=f"{origin}: {path}")
    data["uncertain"] = {}
    data["posterior"] = None
    fixed: Scenario = validate(Document(data, {(): 1}, f"{scenario.name} ({origin})"))
    return fixed


def fixed_inputs(scenario: Scenario) -> Scenario:
    """The scenario at its point values (today's behaviour, `--fixed-inputs`)."""
    if not scenario.uncertain and scenario.posterior is None:
        return scenario
    return scenario.model_copy(update={"uncertain": {}, "posterior": None})


def for_replicate(scenario: Scenario, seed: int, replicate: int) -> tuple[Scenario, dict[str, float]]:
    """What replicate r of `seed` runs: the scenario with its drawn inputs, and those inputs."""
    if not scenario.uncertain:
        return scenario, {}
    values = draw(scenario, seed, replicate)
    return apply(scenario, values, f"uncertain inputs of replicate {replicate}"), values


def check_block(scenario: Scenario) -> None:
    """Every path exists and every end of every range gives a valid scenario (raises ValueError
    naming `uncertain.<name>.<field>`)."""
    from ikdsim.errors import InputError
    from ikdsim.scenario.loader import scenario_to_data
    from ikdsim.scenario.paths import resolve
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    for name, unk in scenario.uncertain.items():
        for i, path in enumerate(unk.fields):
            try:
                resolve(data, path, Scenario, origin=repr(path))
            except InputError as exc:
                raise ValueError(f"uncertain.{name}.fields[{i}]: {exc}") from None
        low, high = unk.support()
        if not (math.isfinite(low) and math.isfinite(high)):
            low, high = unk.ppf(1e-4), unk.ppf(1 - 1e-4)
        for end in (low, high):
            try:
                apply(scenario.model_copy(update={"posterior": None}), {name: end})
            except InputError as exc:
                detail = "; ".join(exc.problems) if getattr(exc, "problems", None) else str(exc)
                raise ValueError(
                    f"uncertain.{name}: the range reaches {end:g}, which the scenario does not allow ({detail})"
                ) from None


def names(scenario: Scenario) -> list[str]:
    return list(scenario.uncertain)


def describe(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """(name, fields, range 5–95 %, source) of every unknown, for tables and reports."""
    rows = []
    for name, unk in scenario.uncertain.items():
        lo, hi = unk.ppf(0.05), unk.ppf(0.95)
        how = "× " if unk.how == "multiply" else ""
        rows.append((name, ", ".join(unk.fields), f"{how}{lo:.4g} to {hi:.4g}", unk.source or "assumption"))
    return rows


def draws_matrix(records: Sequence[Mapping[str, float]], names_: Sequence[str]) -> np.ndarray:
    return np.array([[r[n] for n in names_] for r in records], dtype=float).reshape(len(records), len(names_))
