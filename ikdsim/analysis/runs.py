"""Replicates with common random numbers: every scenario runs replicate r from the same seed.

Each model component draws from its own named stream seeded by (seed, replicate, name), so two
scenarios that differ in one lever see the same demand draws, the same queue draws at the
points they share, and so on. Differences between them are then mostly the lever's effect,
not noise, and paired intervals are narrow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim.experiments.runner import RunRecord, RunTask, run_tasks
from ikdsim.scenario.loader import Document, apply_overrides, scenario_to_data, validate
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import day_quantiles

# Daily columns every analysis keeps; channel and cause columns are added per scenario.
BASE_COLUMNS = ("activated", "activations", "intents_new", "waiting", "gave_up")


def with_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with `PATH=VALUE` changes applied and validated like a file."""
    if not overrides:
        return scenario
    doc = Document(scenario_to_data(scenario), {(): 1}, scenario.name)
    changed: Scenario = validate(apply_overrides(doc, overrides))
    return changed


def all_columns(scenario: Scenario) -> tuple[str, ...]:
    """Daily columns kept from every run: totals, each channel and each cause (a few kB a run)."""
    from ikdsim.model.assembly import cause_columns, channel_columns

    return tuple(dict.fromkeys([*BASE_COLUMNS, *channel_columns(scenario), *cause_columns(scenario)]))


@dataclass
class Runs:
    """The replicates of one scenario, in replicate order."""

    scenario: Scenario
    records: list[RunRecord]
    seed: int
    label: str = ""  # the scenario's name, made unique among the scenarios run together

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
        return self.column("activated") / self.total

    def activated_on(self, date: dt.date) -> np.ndarray:
        return self.column("activated")[:, self.day_of(date)].astype(float)

    def summary(self, key: str) -> list[Any]:
        return [r.summary[key] for r in self.records]

    def reached(self) -> np.ndarray:
        return np.array([bool(r.summary["target_reached"]) for r in self.records], dtype=float)

    def date_quantiles(self, qs: Sequence[float]) -> list[dt.date | None]:
        """Quantiles of the date the target is reached, "never" (None) counted as later than any
        date (the rule of `ikdsim.stats.day_quantiles`)."""
        start = self.scenario.horizon.start
        return [None if d is None else start + dt.timedelta(days=d) for d in day_quantiles(self.days_to_target(), qs)]

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


def run_replicates(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    *,
    workers: int = 1,
    executor: Executor | None = None,
) -> list[Runs]:
    """Run replicates 0..N-1 of every scenario with the same seed; one `Runs` per scenario."""
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    tasks = [
        RunTask((i, r), s, seed, r, keep_daily=all_columns(s))
        for i, s in enumerate(scenarios)
        for r in range(replicates)
    ]
    records = run_tasks(tasks, workers=workers, executor=executor)
    failed = [rec for rec in records if rec.error]
    if failed:
        first = failed[0]
        raise RuntimeError(f"{len(failed)} run(s) failed; first: replicate {first.replicate}: {first.error}")
    labels = unique_labels([s.name for s in scenarios])
    return [
        Runs(s, records[i * replicates : (i + 1) * replicates], seed, labels[i]) for i, s in enumerate(scenarios)
    ]


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names as given, with ' (2)', ' (3)' … added to repeats so tables and plots can tell them apart."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
