"""What a point calibration searches: each fitted field with its range, from `--fit PATH` or
`--fit PATH=LOW:HIGH`, and the rule for widening a default range whose optimum sits at an end."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ikdsim.analysis.levers import lever_field
from ikdsim.errors import InputError
from ikdsim.scenario.schema import Scenario


@dataclass(frozen=True)
class FitParameter:
    path: str
    low: float
    high: float
    start: float
    # The schema's limits; a default range (no LOW:HIGH given) may widen up to them.
    limit_low: float = -math.inf
    limit_high: float = math.inf
    default_range: bool = False

    def value(self, u: float) -> float:
        return self.low + float(u) * (self.high - self.low)

    def unit(self, x: float) -> float:
        return (x - self.low) / (self.high - self.low)


def parse_fit(scenario: Scenario, text: str) -> FitParameter:
    """`PATH` or `PATH=LOW:HIGH`. The default range is the schema's, capped at 4 × the current
    value when the schema has no upper limit."""
    path, _, limits = text.partition("=")
    lever = lever_field(scenario, path.strip(), option="--fit")
    if lever.kind != "number":
        what = ("an " if lever.type_name[0] in "aeiou" else "a ") + lever.type_name  # words of paths.kind_of
        raise InputError(
            f"--fit {text}: {lever.path} is {what}; calibrate fits continuous numbers "
            "(use solve or a sweep for integers and dates)"
        )
    if lever.current is None:
        raise InputError(f"--fit {text}: {lever.path} has no value in this scenario to start from")
    current = float(lever.current)
    if limits:
        try:
            low_text, high_text = limits.split(":")
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise InputError(f"--fit {text}: expected PATH=LOW:HIGH, e.g. adoption.base_rate=0.005:0.05") from None
        if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
            raise InputError(f"--fit {text}: the range {low:g}:{high:g} is empty; LOW must be below HIGH")
        if low < lever.low or high > lever.high:
            raise InputError(
                f"--fit {text}: {lever.path} must stay within {lever.low:g} to {lever.high:g}"
            )
    else:
        low = lever.low if math.isfinite(lever.low) else min(0.0, current)
        high = lever.high if math.isfinite(lever.high) else (4.0 * current if current > 0 else 1.0)
        if high > 4.0 * current > low and current > 0:
            high = 4.0 * current
    start = current if low <= current <= high else (low + high) / 2.0
    return FitParameter(lever.path, low, high, start, lever.low, lever.high, default_range=not limits)


def widened(p: FitParameter, u: float, xtol: float) -> FitParameter:
    """A default range whose optimum sits at one end, stretched fourfold towards that end
    (within the schema's limits); the same parameter when there is nothing to widen."""
    if not p.default_range:
        return p
    width = p.high - p.low
    at = p.value(u)
    if u >= 1.0 - 2.0 * xtol and p.high < p.limit_high:
        return replace(p, high=min(p.limit_high, p.high + 3.0 * width), start=at)
    if u <= 2.0 * xtol and p.low > p.limit_low:
        return replace(p, low=max(p.limit_low, p.low - 3.0 * width), start=at)
    return p
