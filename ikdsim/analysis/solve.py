"""Solve for the target: the smallest lever value (or latest date) that reaches it with a probability.

The search assumes the probability of reaching the target rises with an integer or numeric
lever (more teams, more counters) and falls as a date lever moves later (a later integration).
It measures both ends of the range first, then bisects; every probe runs the same replicates
with the same seeds, so neighbouring probes differ by the lever, not by luck. How sure the
answer is comes from the replicates at the answer and at the last value that failed: a Wilson
interval for each, and the posterior chance (Jeffreys prior) that the true probability is on
the side the search took it to be.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from ikdsim.analysis.levers import format_value, lever_field
from ikdsim.analysis.runs import with_overrides
from ikdsim.errors import InputError
from ikdsim.experiments.progress import Progress, tracked
from ikdsim.experiments.replicates import run_replicates
from ikdsim.scenario.paths import FieldRef
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import Interval, chance_at_least, wilson

Value = int | float | dt.date


@dataclass(frozen=True)
class Probe:
    value: Value
    reached: int
    replicates: int
    share: float = math.nan  # mean activated share on the target date: how far off a failing value is

    @property
    def probability(self) -> float:
        return self.reached / self.replicates

    @property
    def interval(self) -> Interval:
        return wilson(self.reached, self.replicates)

    def chance_at_least(self, probability: float) -> float:
        return chance_at_least(self.reached, self.replicates, probability)

    def row(self, target: float) -> dict[str, Any]:
        ci = self.interval
        return {
            "value": format_value(self.value),
            "reached": self.reached,
            "replicates": self.replicates,
            "probability": self.probability,
            "low": ci.low,
            "high": ci.high,
            "chance_at_least_target": self.chance_at_least(target),
            "meets_target": self.probability >= target,
            "mean_share_at_target_date": self.share,
        }


@dataclass
class Solution:
    lever: FieldRef
    probability: float  # required probability of reaching the target
    replicates: int
    seed: int
    minimum: Value
    maximum: Value
    probes: list[Probe] = field(default_factory=list)
    answer: Value | None = None
    status: str = "unreachable"  # found | range_end (met already at the easy end) | unreachable

    def curve(self) -> list[Probe]:
        return sorted(self.probes, key=lambda p: _order_key(p.value))

    def probe_at(self, value: Value | None) -> Probe | None:
        return next((p for p in self.probes if p.value == value), None)

    @property
    def failing_neighbour(self) -> Probe | None:
        """The probe closest to the answer on the failing side (None if the answer is an end)."""
        if self.answer is None:
            return None
        failing = [p for p in self.probes if p.probability < self.probability]
        if self.lever.kind == "date":
            later = [p for p in failing if _order_key(p.value) > _order_key(self.answer)]
            return min(later, key=lambda p: _order_key(p.value), default=None)
        smaller = [p for p in failing if _order_key(p.value) < _order_key(self.answer)]
        return max(smaller, key=lambda p: _order_key(p.value), default=None)

    @property
    def monotone(self) -> bool:
        """Whether the measured curve moves in the assumed direction (ties allowed)."""
        probs = [p.probability for p in self.curve()]
        if self.lever.kind == "date":
            probs = probs[::-1]
        return all(b >= a for a, b in itertools.pairwise(probs))

    def certainty(self) -> dict[str, Any]:
        at = self.probe_at(self.answer)
        below = self.failing_neighbour
        return {
            "answer_probability": None if at is None else at.probability,
            "answer_interval": None if at is None else [at.interval.low, at.interval.high],
            "chance_answer_meets_target": None if at is None else at.chance_at_least(self.probability),
            "neighbour": None if below is None else format_value(below.value),
            "neighbour_probability": None if below is None else below.probability,
            "chance_neighbour_fails": None if below is None else 1.0 - below.chance_at_least(self.probability),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "lever": self.lever.path,
            "kind": self.lever.kind,
            "current": self.lever.current,
            "minimum": format_value(self.minimum),
            "maximum": format_value(self.maximum),
            "probability": self.probability,
            "replicates": self.replicates,
            "seed": self.seed,
            "status": self.status,
            "answer": None if self.answer is None else format_value(self.answer),
            "monotone": self.monotone,
            **self.certainty(),
        }


def _order_key(value: Value) -> float:
    return float(value.toordinal()) if isinstance(value, dt.date) else float(value)


def parse_bound(lever: FieldRef, text: str | None, option: str) -> Value:
    if text is None or not str(text).strip():
        raise InputError(f"{option} is required for lever {lever.path} ({lever.kind})")
    raw = str(text).strip()
    try:
        if lever.kind == "integer":
            value: Value = int(raw)
        elif lever.kind == "number":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError(raw)
        else:
            value = dt.date.fromisoformat(raw)
    except ValueError:
        example = {"integer": "4", "number": "0.05", "date": "2026-03-01"}[str(lever.kind)]
        article = "an" if lever.kind == "integer" else "a"
        raise InputError(f"{option} {raw!r}: {lever.path} is {article} {lever.kind}, e.g. {option} {example}") from None
    if not isinstance(value, dt.date) and not lever.low <= value <= lever.high:
        raise InputError(
            f"{option} {raw}: outside the values {lever.path} allows "
            f"({_fmt_bound(lever.low)} to {_fmt_bound(lever.high)})"
        )
    return value


def _fmt_bound(x: float) -> str:
    return "no limit" if math.isinf(x) else f"{x:g}"


def check_lever(scenario: Scenario, path: str) -> FieldRef:
    lever = lever_field(scenario, path)
    if lever.kind not in ("integer", "number", "date"):
        raise InputError(
            f"--lever {path}: this field holds a {lever.type_name} ({lever.current!r}); "
            "solve needs an integer, a number or a date"
        )
    return lever


def solve(
    scenario: Scenario,
    path: str,
    minimum: str | Value,
    maximum: str | Value,
    probability: float = 0.8,
    replicates: int = 20,
    seed: int | None = None,
    *,
    tolerance: float | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    on_probe: Callable[[Probe], None] | None = None,
    progress: Progress | None = None,
) -> Solution:
    """Find the smallest value (latest date) of `path` in [minimum, maximum] reaching the target.

    Bisection over the lever, every probe with the same seeds per replicate.

    Args:
        scenario: the scenario to change.
        path: a numeric, integer or date field, as in `--set` (e.g. `channels.outreach.jemput-bola.teams`).
        minimum: lower end of the search (a value, or its text as on the command line).
        maximum: upper end of the search.
        probability: the required probability of reaching the target.
        replicates: replicates per probe.
        seed: root seed (default: the scenario's).
        tolerance: stop when the bracket is this narrow (numeric levers; integers and dates stop at 1).
        workers: local worker processes, when no `executor` is given.
        executor: any `concurrent.futures.Executor`.
        on_probe: called after each probe, e.g. to print its result.
        progress: counts the runs of every probe as one piece of work.

    Returns:
        The answer (or why there is none), the probability curve measured and how sure it is.
    """
    lever = check_lever(scenario, path)
    lo = minimum if not isinstance(minimum, str) else parse_bound(lever, minimum, "--min")
    hi = maximum if not isinstance(maximum, str) else parse_bound(lever, maximum, "--max")
    if _order_key(lo) > _order_key(hi):
        raise InputError(f"--min ({format_value(lo)}) is above --max ({format_value(hi)})")
    if not 0.0 < probability <= 1.0:
        raise InputError(f"--probability {probability}: must be above 0 and at most 1")
    if replicates < 1:
        raise InputError(f"--replicates {replicates}: must be at least 1")
    if tolerance is not None and not tolerance > 0:
        raise InputError(f"--tolerance {tolerance}: must be above 0")
    # Both ends must make valid scenarios: fail on bad input before the first run.
    for value in (lo, hi):
        _variant(scenario, path, value)
    root = scenario.seed if seed is None else seed
    solution = Solution(lever, probability, replicates, root, lo, hi)
    measured: dict[float, Probe] = {}

    def measure(values: Sequence[Value]) -> list[Probe]:
        todo = [v for v in dict.fromkeys(values) if _order_key(v) not in measured]
        if todo:
            runs = run_replicates(
                [_variant(scenario, path, v) for v in todo], replicates, root, workers=workers, executor=executor,
                progress=tally,
            )
            for v, r in zip(todo, runs, strict=True):
                share = float(r.share()[:, r.day_of(r.scenario.target.by)].mean())
                probe = Probe(v, int(r.reached().sum()), replicates, share)
                measured[_order_key(v)] = probe
                solution.probes.append(probe)
                if on_probe:
                    on_probe(probe)
        return [measured[_order_key(v)] for v in values]

    step = _resolution(lever, lo, hi, tolerance)
    with tracked(progress, _most_probes(lo, hi, step) * replicates) as tally:
        _bisect(solution, lever, step, measure)
    return solution


def _most_probes(lo: Value, hi: Value, step: float) -> int:
    """Both ends, then one probe per halving of the bracket down to `step`."""
    span = abs(_order_key(hi) - _order_key(lo))
    return 2 + (math.ceil(math.log2(span / step)) if span > step > 0 else 0)


def _bisect(
    solution: Solution, lever: FieldRef, step: float, measure: Callable[[Sequence[Value]], list[Probe]]
) -> None:
    """Narrow [minimum, maximum] to the boundary; the answer and status go into `solution`."""
    probability, lo, hi = solution.probability, solution.minimum, solution.maximum

    def passes(value: Value) -> bool:
        return measure([value])[0].probability >= probability

    # In search order the first end should fail and the second pass: for a date the later
    # date is the one expected to fail.
    fail_end, pass_end = (hi, lo) if lever.kind == "date" else (lo, hi)
    first, second = measure([fail_end, pass_end])
    if first.probability >= probability:
        solution.answer, solution.status = fail_end, "range_end"
        return
    if second.probability < probability:
        return
    failing, passing = fail_end, pass_end
    while abs(_order_key(passing) - _order_key(failing)) > step:
        mid = _midpoint(lever, failing, passing, step)
        if mid in (failing, passing):
            break
        if passes(mid):
            passing = mid
        else:
            failing = mid
    solution.answer, solution.status = passing, "found"


def _resolution(lever: FieldRef, lo: Value, hi: Value, tolerance: float | None) -> float:
    if lever.kind in ("integer", "date"):
        return max(1.0, math.floor(tolerance or 1.0))
    return tolerance if tolerance is not None else (_order_key(hi) - _order_key(lo)) / 100.0


def _midpoint(lever: FieldRef, a: Value, b: Value, step: float) -> Value:
    mid = (_order_key(a) + _order_key(b)) / 2.0
    if lever.kind == "integer":
        return math.floor(mid)
    if lever.kind == "date":
        # Round towards the passing end (b) so each step makes progress on whole days.
        return dt.date.fromordinal(math.floor(mid) if _order_key(b) < _order_key(a) else math.ceil(mid))
    # Numbers are probed at a tenth of the resolution: 0.1469, not 0.14687500000000003.
    digits = max(0, math.ceil(-math.log10(step / 10.0))) if step > 0 else 12
    return round(mid, digits)


def _variant(scenario: Scenario, path: str, value: Value) -> Scenario:
    return with_overrides(scenario, [f"{path}={format_value(value)}"])
