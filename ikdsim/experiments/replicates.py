"""Many runs of one or more scenarios: the one container (`Runs`) and the one runner every
multi-run answer uses (`run --replicates`, compare, attribute, solve, calibrate, discover, the
report); a fixed number of replicates, or as many as a precision needs.

Common random numbers: every scenario runs replicate r from the same seed, and each model
component draws from its own named stream seeded by (seed, replicate, name), so two scenarios
that differ in one lever see the same demand draws, the same queue draws at the points they
share, and the same uncertain inputs. Differences between them are then mostly the lever's
effect, not noise, and paired intervals are narrow.

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

import datetime as dt
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ikdsim.analysis.uncertainty import Uncertainty, analyse
from ikdsim.experiments.executors import Engine
from ikdsim.experiments.progress import NoProgress, Progress, tracked
from ikdsim.experiments.runner import RunRecord, RunTask, batch_size_for, default_workers, stream_batches
from ikdsim.scenario.schema import Scenario
from ikdsim.scenario.uncertain import draws_matrix
from ikdsim.stats import Interval, day_quantiles, half_widths, t_quantile, wilson

# Daily columns `run --replicates` keeps (its daily.csv bands); analyses keep `all_columns`.
BANDS = ("activated_share", "activations", "waiting")
# Daily columns every analysis keeps; channel and cause columns are added per scenario.
BASE_COLUMNS = ("activated", "activated_share", "activations", "intents_new", "waiting", "gave_up")
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


def all_columns(scenario: Scenario) -> tuple[str, ...]:
    """Daily columns kept from every run: totals, each channel and each cause (a few kB a run)."""
    from ikdsim.model.assembly import cause_columns, channel_columns

    return tuple(dict.fromkeys([*BASE_COLUMNS, *channel_columns(scenario), *cause_columns(scenario)]))


@dataclass
class Runs:
    """The replicates of one scenario, in replicate order, with what each drew and reported."""

    scenario: Scenario
    records: list[RunRecord]
    seed: int
    label: str = ""  # the scenario's name, made unique among the scenarios run together
    stopping: Stopping = field(default_factory=lambda: Stopping("fixed"))

    def __post_init__(self) -> None:
        self.label = self.label or self.scenario.name

    @property
    def replicates(self) -> int:
        return len(self.records)

    @property
    def total(self) -> int:
        return self.scenario.population.total

    @property
    def dates(self) -> list[dt.date]:
        start = self.scenario.horizon.start
        return [start + dt.timedelta(days=d) for d in range(self.scenario.horizon.days)]

    def day_of(self, date: dt.date) -> int:
        return (date - self.scenario.horizon.start).days

    def column(self, name: str) -> np.ndarray:
        """(replicates × days) array of a kept daily column."""
        return np.stack([r.daily[name] for r in self.records])

    def share(self) -> np.ndarray:
        return self.column("activated_share")

    def final_shares(self) -> np.ndarray:
        return np.array([r.daily["activated_share"][-1] for r in self.records], dtype=float)

    def activated_on(self, date: dt.date) -> np.ndarray:
        return self.column("activated")[:, self.day_of(date)].astype(float)

    def summary(self, key: str) -> list[Any]:
        return [r.summary[key] for r in self.records]

    def reached(self) -> np.ndarray:
        """1 for each replicate at the target share by the target date, else 0."""
        return np.array([bool(r.summary["target_reached"]) for r in self.records], dtype=float)

    def uncertainty(self) -> Uncertainty | None:
        """The spread's split into inputs and chance and the ranking of the unknowns (None when
        the scenario states no uncertain inputs): what run --replicates and the report print."""
        names = list(self.records[0].inputs)
        if not names:
            return None
        x = draws_matrix([r.inputs for r in self.records], names)
        return analyse(names, x, self.final_shares(), self.reached())

    def target_probability(self) -> Interval:
        """P(target reached by the target date) over the replicates, with its Wilson interval."""
        return wilson(int(self.reached().sum()), self.replicates)

    def days_to_target(self) -> np.ndarray:
        """Days from the horizon start to the first day at target; NaN where never reached."""
        start = self.scenario.horizon.start
        return np.array(
            [
                np.nan if (d := r.summary["date_target_reached"]) is None else (dt.date.fromisoformat(d) - start).days
                for r in self.records
            ],
            dtype=float,
        )

    def date_quantiles(self, qs: Sequence[float]) -> list[dt.date | None]:
        """Quantiles of the date the target is reached, "never" (None) counted as later than any
        date (the rule of `ikdsim.stats.day_quantiles`)."""
        start = self.scenario.horizon.start
        return [None if d is None else start + dt.timedelta(days=d) for d in day_quantiles(self.days_to_target(), qs)]

    def district_shares(self) -> dict[str, float]:
        """Final share by district, the mean over the replicates."""
        names = list(self.records[0].districts)
        return {n: float(np.mean([r.districts[n] for r in self.records])) for n in names}


def _run(
    scenarios: Sequence[Scenario],
    seed: int,
    first: int,
    last: int,
    executor: Executor | None,
    workers: int,
    progress: Progress,
    keep: tuple[str, ...] | None,
) -> list[list[RunRecord]]:
    """Replicates first..last-1 of every scenario, in replicate order whatever the finishing order."""
    tasks = (
        RunTask((i, r), s, seed, r, keep_daily=keep if keep is not None else all_columns(s))
        for i, s in enumerate(scenarios)
        for r in range(first, last)
    )
    out: dict[tuple[int, int], RunRecord] = {}
    size = batch_size_for((last - first) * len(scenarios), workers)
    for records in stream_batches(tasks, executor, size, max_pending=2 * workers + 2):
        for record in records:
            key = cast(tuple[int, int], record.key)
            if record.error:
                raise RuntimeError(f"replicate {record.replicate} of {scenarios[key[0]].name} failed: {record.error}")
            out[key] = record
        progress.advance(len(records))
    return [[out[(i, r)] for r in range(first, last)] for i in range(len(scenarios))]


def run_replicates(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    keep: tuple[str, ...] | None = None,
) -> list[Runs]:
    """Replicates 0..replicates-1 of every scenario from the same seed; one `Runs` per scenario.

    `executor` (a process pool, a Dask client's executor) runs them; without one, `workers` > 1
    starts a local pool. `keep` names the daily columns kept (default: `all_columns`). `progress`
    counts the runs; inside a `tracked` block they join its bar (see `ikdsim.experiments.progress`).
    """
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    if executor is None and workers > 1:
        from ikdsim.experiments.executors import open_engine

        with open_engine(workers) as engine:
            return run_replicates(scenarios, replicates, seed, workers=engine.workers, executor=engine.executor,
                                  progress=progress, keep=keep)
    # An executor's worker count is not known here; it only sizes batches, never changes results.
    pool = max(workers, default_workers()) if executor is not None else 1
    with tracked(progress, replicates * len(scenarios)) as tally:
        per_scenario = _run(scenarios, seed, 0, replicates, executor, pool, tally, keep)
    labels = unique_labels([s.name for s in scenarios])
    pairs = zip(scenarios, per_scenario, strict=True)
    return [Runs(s, records, seed, labels[i]) for i, (s, records) in enumerate(pairs)]


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names as given, with ' (2)', ' (3)' … added to repeats so tables and plots can tell them apart."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


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
    keep: tuple[str, ...] | None = BANDS,
) -> Runs:
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
            records += _run([scenario], seed, len(records), target, engine.executor, engine.workers, progress, keep)[0]
            shares = np.array([r.daily["activated_share"][-1] for r in records], dtype=float)
            stop = stopping_point(shares, precision, min_replicates)
            if stop is not None or len(records) >= max_replicates:
                break
            target = _next_round(shares, precision, max_replicates, engine.workers)
            progress.retotal(target)
    finally:
        progress.stop()
    reached = stop is not None
    n = stop if stop is not None else len(records)
    stopping = Stopping(
        "sequential", precision, min_replicates, max_replicates, reached, runs_discarded=len(records) - n
    )
    return Runs(scenario, records[:n], seed, stopping=stopping)


def _next_round(shares: np.ndarray, precision: float, max_replicates: int, workers: int) -> int:
    """Aim at the number of replicates the current spread says is needed, plus 10 %, while
    growing by at least one run per worker and at most fourfold per round."""
    n = len(shares)
    spread = float(shares.std(ddof=1))
    needed = math.ceil(1.1 * (t_quantile(n - 1) * spread / precision) ** 2)
    return min(max_replicates, 4 * n, max(needed, n + workers))

