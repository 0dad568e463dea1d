"""What each lever is worth: counterfactual runs without it (or with a candidate added).

A lever's contribution is the paired difference, replicate by replicate, in people activated by
the target date between the scenario and its counterfactual, both run from the same seeds.
Levers found in the scenario are switched off one at a time:

- a service integration: `integrated_from: null` (a requirement on the same service stays);
- a requirement: `required_from: null`;
- a campaign: `multiplier: 1` (it still exists, it just no longer changes anything);
- a service point: closed from the day before the horizon (its district may have no point left:
  that is the counterfactual);
- an outreach programme: `teams: 0`; and, with several teams, one team fewer (the last team's
  worth).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim.analysis.months import MonthLimit, limits_by_month
from ikdsim.analysis.runs import with_overrides
from ikdsim.experiments.progress import Progress
from ikdsim.experiments.replicates import Runs, run_replicates
from ikdsim.scenario.loader import parse_assignment
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import Interval, paired_difference, proportion_difference


@dataclass(frozen=True)
class Lever:
    name: str
    kind: str  # integration | requirement | campaign | service_point | outreach | outreach_team | candidate
    change: tuple[str, ...]  # the overrides that make the counterfactual
    in_scenario: bool = True

    @property
    def description(self) -> str:
        return "; ".join(self.change)


def levers_in(scenario: Scenario) -> list[Lever]:
    """Every lever of the scenario that can act before the target date, as its components list them."""
    from ikdsim.model.assembly import components

    return [Lever(c.name, c.kind, c.change) for part in components(scenario) for c in part.levers()]


def candidate_levers(candidates: Sequence[str]) -> list[Lever]:
    levers = []
    for text in candidates:
        parse_assignment(text)  # a malformed candidate fails here, before any run
        levers.append(Lever(text, "candidate", (text,), in_scenario=False))
    return levers


@dataclass(frozen=True)
class Contribution:
    lever: Lever
    activations: Interval  # people activated by the target date thanks to the lever
    probability: Interval  # change in the probability of reaching the target
    total: int

    def row(self, rank: int) -> dict[str, Any]:
        a = self.activations
        return {
            "rank": rank,
            "lever": self.lever.name,
            "kind": self.lever.kind,
            "in_scenario": self.lever.in_scenario,
            "counterfactual": self.lever.description,
            "activations": a.estimate,
            "activations_low": a.low,
            "activations_high": a.high,
            "share_points": a.estimate / self.total,
            "prob_target_change": self.probability.estimate,
            "prob_target_change_low": self.probability.low,
            "prob_target_change_high": self.probability.high,
            "pairs": a.n,
        }


@dataclass
class Attribution:
    base: Runs
    existing: list[Contribution]
    candidates: list[Contribution]
    months: list[MonthLimit]

    def ranked(self) -> list[Contribution]:
        """Levers in the scenario first, then candidates; each group by contribution, largest first."""
        return _rank(self.existing) + _rank(self.candidates)

    def table(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for group in (_rank(self.existing), _rank(self.candidates)):
            rows.extend(c.row(i + 1) for i, c in enumerate(group))
        return rows


def _rank(items: list[Contribution]) -> list[Contribution]:
    # Ties (e.g. several zero contributions) keep the scenario's order: stable sort.
    return sorted(items, key=lambda c: -c.activations.estimate if np.isfinite(c.activations.estimate) else 0.0)


def attribute(
    scenario: Scenario,
    replicates: int,
    seed: int | None = None,
    candidates: Sequence[str] = (),
    *,
    workers: int = 1,
    executor: Executor | None = None,
    queue_days: float = 7.0,
    progress: Progress | None = None,
) -> Attribution:
    """Value every lever of a scenario, and candidate changes, by counterfactual runs.

    Each lever is switched off (a candidate switched on) in a copy of the scenario; all copies run
    with the same seeds per replicate, so each contribution is a paired difference.

    Args:
        scenario: the scenario whose levers are valued.
        replicates: replicates per variant.
        seed: root seed (default: the scenario's).
        candidates: `PATH=VALUE` changes not yet in the scenario, valued the same way.
        workers: local worker processes, when no `executor` is given.
        executor: any `concurrent.futures.Executor` (e.g. a Dask client's).
        queue_days: a month counts as capacity-limited when the estimated wait reaches this.
        progress: counts the runs (e.g. a bar on a terminal; see `ikdsim.experiments.progress`).

    Returns:
        The ranked contributions with 95 % intervals, and the demand/capacity label per month.
    """
    root = scenario.seed if seed is None else seed
    existing = levers_in(scenario)
    extra = candidate_levers(candidates)
    variants = [with_overrides(scenario, lever.change) for lever in (*existing, *extra)]
    runs = run_replicates(
        [scenario, *variants], replicates, root, workers=workers, executor=executor, progress=progress
    )
    base, others = runs[0], runs[1:]
    by = scenario.target.by
    contributions = []
    for lever, other in zip((*existing, *extra), others, strict=True):
        with_lever, without = (base, other) if lever.in_scenario else (other, base)
        contributions.append(
            Contribution(
                lever,
                paired_difference(without.activated_on(by), with_lever.activated_on(by)),
                proportion_difference(without.reached(), with_lever.reached(), paired=True),
                scenario.population.total,
            )
        )
    n = len(existing)
    return Attribution(base, contributions[:n], contributions[n:], limits_by_month(base, queue_days))
