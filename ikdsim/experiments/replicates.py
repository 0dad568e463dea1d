"""Replicates of one scenario: a fixed number, or as many as a precision needs.

Replicate r runs `simulate(scenario, seed, replicate=r)`, whose streams come from
`SeedSequence([seed, r])`; replicate 0 is the plain single run. Records are kept by replicate
number, so the set is the same whatever the workers, and the same as running the replicates one
by one.

Sequential stopping (`precision`): the rule is "stop at the first n ≥ `min_replicates` at which
the 95 % interval half-width of the mean final share is below `precision`". Replicates run in
rounds for speed, and a round may overshoot; the set is then cut back to the first n that met
the rule, so the answer is exactly the one-at-a-time answer, whatever the round sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikdsim.experiments.executors import Engine
from ikdsim.experiments.progress import NoProgress, Progress
from ikdsim.experiments.runner import RunRecord, RunTask, batch_size_for, stream_batches
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import half_widths, t_quantile

BANDS = ("activated_share", "activations", "waiting")
MIN_REPLICATES = 10
MAX_REPLICATES = 1000


@dataclass
class Stopping:
    rule: str  # "fixed" or "sequential"
    precision: float | None = None
    min_replicates: int | None = None
    max_replicates: int | None = None
    precision_reached: bool | None = None
    runs_discarded: int = 0  # work done past the stopping point; depends on rounds, never reported in files

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule}
        if self.rule == "sequential":
            out.update(
                precision=self.precision,
                min_replicates=self.min_replicates,
                max_replicates=self.max_replicates,
                precision_reached=self.precision_reached,
                statement=(
                    "stopped at the first number of replicates n >= min_replicates at which the 95 % "
                    "interval half-width of the mean final share was below the precision"
                ),
            )
        return out


@dataclass
class ReplicateSet:
    scenario: Scenario
    seed: int
    records: list[RunRecord]
    stopping: Stopping = field(default_factory=lambda: Stopping("fixed"))

    @property
    def n(self) -> int:
        return len(self.records)

    def summaries(self, key: str) -> list[Any]:
        return [r.summary[key] for r in self.records]

    def final_shares(self) -> np.ndarray:
        return np.array([r.daily["activated_share"][-1] for r in self.records], dtype=float)

    def band(self, column: str) -> np.ndarray:
        """(replicates × days) array of a daily column."""
        return np.stack([r.daily[column] for r in self.records])


def _run(
    scenario: Scenario, seed: int, first: int, last: int, engine: Engine, progress: Progress
) -> list[RunRecord]:
    tasks = (RunTask(r, scenario, seed, r, keep_daily=BANDS) for r in range(first, last))
    out: dict[int, RunRecord] = {}
    size = batch_size_for(last - first, engine.workers)
    for records in stream_batches(tasks, engine.executor, size, max_pending=2 * engine.workers + 2):
        for record in records:
            if record.error:
                raise RuntimeError(f"replicate {record.replicate} of {scenario.name} failed: {record.error}")
            out[record.replicate] = record
        progress.advance(len(records))
    return [out[r] for r in range(first, last)]


def run_replicates(
    scenario: Scenario,
    replicates: int,
    engine: Engine,
    *,
    seed: int | None = None,
    progress: Progress | None = None,
) -> ReplicateSet:
    """Replicates 0..replicates-1."""
    progress = progress or NoProgress()
    seed = scenario.seed if seed is None else seed
    progress.start(replicates)
    try:
        records = _run(scenario, seed, 0, replicates, engine, progress)
    finally:
        progress.stop()
    return ReplicateSet(scenario, seed, records)


def stopping_point(final_shares: np.ndarray, precision: float, min_replicates: int) -> int | None:
    """The first n ≥ min_replicates whose interval half-width is below precision, or None."""
    if len(final_shares) < min_replicates:
        return None
    hits = np.flatnonzero(half_widths(final_shares, min_replicates) < precision)
    return int(hits[0]) + 1 if len(hits) else None


def run_until_precise(
    scenario: Scenario,
    precision: float,
    engine: Engine,
    *,
    seed: int | None = None,
    min_replicates: int = MIN_REPLICATES,
    max_replicates: int = MAX_REPLICATES,
    progress: Progress | None = None,
) -> ReplicateSet:
    """Add replicates until the mean final share is known to ± precision (95 %)."""
    progress = progress or NoProgress()
    seed = scenario.seed if seed is None else seed
    min_replicates = max(2, min(min_replicates, max_replicates))
    records: list[RunRecord] = []
    target = min(max_replicates, max(min_replicates, 2 * engine.workers))
    stop: int | None = None
    progress.start(target)
    try:
        while True:
            records += _run(scenario, seed, len(records), target, engine, progress)
            shares = np.array([r.daily["activated_share"][-1] for r in records], dtype=float)
            stop = stopping_point(shares, precision, min_replicates)
            if stop is not None or len(records) >= max_replicates:
                break
            target = _next_round(shares, precision, max_replicates, engine.workers)
            _retotal(progress, target)
    finally:
        progress.stop()
    reached = stop is not None
    n = stop if stop is not None else len(records)
    stopping = Stopping(
        "sequential", precision, min_replicates, max_replicates, reached, runs_discarded=len(records) - n
    )
    return ReplicateSet(scenario, seed, records[:n], stopping)


def _next_round(shares: np.ndarray, precision: float, max_replicates: int, workers: int) -> int:
    """Aim at the number of replicates the current spread says is needed, plus 10 %, while
    growing by at least one run per worker and at most fourfold per round."""
    n = len(shares)
    spread = float(shares.std(ddof=1))
    needed = math.ceil(1.1 * (t_quantile(n - 1) * spread / precision) ** 2)
    return min(max_replicates, 4 * n, max(needed, n + workers))


def _retotal(progress: Progress, total: int) -> None:
    retotal = getattr(progress, "retotal", None)
    if retotal is not None:
        retotal(total)
