"""Compare scenarios with common random numbers: paired differences against the first one.

For each metric the paired interval (replicate r of B minus replicate r of A) is reported next
to the unpaired interval the same runs would give if they had been drawn independently; the
ratio of their widths is what common random numbers buy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim.experiments.progress import Progress
from ikdsim.experiments.replicates import Runs, run_replicates
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import (
    Interval,
    mean_interval,
    paired_difference,
    proportion_difference,
    unpaired_difference,
    wilson,
)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    values: Callable[[Runs], np.ndarray]
    binary: bool = False


def _activations(runs: Runs) -> np.ndarray:
    total: np.ndarray = runs.column("activations").sum(axis=1).astype(float)
    return total


METRICS: tuple[Metric, ...] = (
    Metric("final_share", "final activated share", "share", Runs.final_shares),
    Metric("activations", "activations in the horizon", "people", _activations),
    Metric("target_reached", "probability of reaching the target", "probability", Runs.reached, binary=True),
    Metric("days_to_target", "days from start to the target (replicates reaching it)", "days", Runs.days_to_target),
)


@dataclass(frozen=True)
class Difference:
    """One metric of one scenario against the baseline (the first scenario)."""

    scenario: str
    baseline: str
    metric: Metric
    baseline_mean: float
    scenario_mean: float
    paired: Interval
    unpaired: Interval

    @property
    def width_ratio(self) -> float:
        """Paired width / unpaired width: below 1 when common random numbers help."""
        if not (self.unpaired.width > 0) or math.isnan(self.paired.width):
            return math.nan
        return self.paired.width / self.unpaired.width

    def row(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "baseline": self.baseline,
            "metric": self.metric.name,
            "baseline_mean": self.baseline_mean,
            "scenario_mean": self.scenario_mean,
            "difference": self.paired.estimate,
            "paired_low": self.paired.low,
            "paired_high": self.paired.high,
            "unpaired_low": self.unpaired.low,
            "unpaired_high": self.unpaired.high,
            "paired_width": self.paired.width,
            "unpaired_width": self.unpaired.width,
            "width_ratio": self.width_ratio,
            "pairs": self.paired.n,
        }


@dataclass
class Comparison:
    runs: list[Runs]
    differences: list[Difference]

    @property
    def seed(self) -> int:
        return self.runs[0].seed

    @property
    def replicates(self) -> int:
        return self.runs[0].replicates

    def table(self) -> list[dict[str, Any]]:
        return [d.row() for d in self.differences]

    def replicate_rows(self) -> list[dict[str, Any]]:
        rows = []
        for runs in self.runs:
            final = runs.final_shares()
            acts = _activations(runs)
            for r, rec in enumerate(runs.records):
                rows.append({
                    "scenario": runs.label,
                    "replicate": rec.replicate,
                    "seed": rec.seed,
                    "final_share": float(final[r]),
                    "activations": int(acts[r]),
                    "target_reached": bool(rec.summary["target_reached"]),
                    "date_target_reached": rec.summary["date_target_reached"],
                })
        return rows

    def path_rows(self) -> list[dict[str, Any]]:
        """Daily activated share per scenario: mean and 5th, 50th, 95th percentiles of replicates."""
        rows = []
        for runs in self.runs:
            share = runs.share()
            mean = share.mean(axis=0)
            p05, p50, p95 = np.percentile(share, [5, 50, 95], axis=0)
            for d, date in enumerate(runs.dates):
                rows.append({"scenario": runs.label, "date": date.isoformat(), "mean": float(mean[d]),
                             "p05": float(p05[d]), "p50": float(p50[d]), "p95": float(p95[d])})
        return rows

    def scenario_rows(self) -> list[dict[str, Any]]:
        """Per scenario (not differences): the figures a reader looks for first."""
        rows = []
        for runs in self.runs:
            final = mean_interval(runs.final_shares())
            days = runs.days_to_target()
            p05, p50, p95 = (None if d is None else d.isoformat() for d in runs.date_quantiles([0.05, 0.5, 0.95]))
            rows.append({
                "scenario": runs.label,
                "final_share": final.estimate,
                "final_share_low": final.low,
                "final_share_high": final.high,
                "prob_target_reached": runs.target_probability().estimate,
                "replicates_reaching": int(np.sum(~np.isnan(days))),
                "date_target_reached_p50": p50,
                "date_target_reached_p05": p05,
                "date_target_reached_p95": p95,
            })
        return rows


    def outlook_rows(self) -> list[dict[str, Any]]:
        """Each policy over the futures the replicates drew (inputs and chance): its chance of
        the target with an interval, its final share's spread, and against the baseline the
        chance that it does better (paired by replicate, so by input draw too) and the spread of
        the difference."""
        base = self.runs[0].final_shares()
        rows = []
        for runs in self.runs:
            final = runs.final_shares()
            prob = runs.target_probability()
            diff = final - base
            better = int(np.sum(diff > 0))
            identical = bool(np.all(diff == 0))
            p_better = wilson(better, runs.replicates)
            d05, d50, d95 = np.percentile(diff, [5, 50, 95])
            s05, s50, s95 = np.percentile(final, [5, 50, 95])
            rows.append({
                "scenario": runs.label,
                "prob_target_reached": prob.estimate,
                "prob_target_low": prob.low,
                "prob_target_high": prob.high,
                "final_share_p05": float(s05),
                "final_share_p50": float(s50),
                "final_share_p95": float(s95),
                "prob_better_than_baseline": None if runs is self.runs[0] else better / runs.replicates,
                "prob_better_low": None if runs is self.runs[0] else p_better.low,
                "prob_better_high": None if runs is self.runs[0] else p_better.high,
                "difference_p05": None if runs is self.runs[0] else float(d05),
                "difference_p50": None if runs is self.runs[0] else float(d50),
                "difference_p95": None if runs is self.runs[0] else float(d95),
                "identical_to_baseline": identical,
            })
        return rows


def differences(runs: Sequence[Runs]) -> list[Difference]:
    base = runs[0]
    out = []
    for other in runs[1:]:
        for metric in METRICS:
            a, b = metric.values(base), metric.values(other)
            if metric.binary:
                paired = proportion_difference(a, b, paired=True)
                unpaired = proportion_difference(a, b, paired=False)
            else:
                paired = paired_difference(a, b)
                unpaired = unpaired_difference(a, b)
            out.append(
                Difference(
                    other.label,
                    base.label,
                    metric,
                    float(np.nanmean(a)) if np.any(~np.isnan(a)) else math.nan,
                    float(np.nanmean(b)) if np.any(~np.isnan(b)) else math.nan,
                    paired,
                    unpaired,
                )
            )
    return out


def compare(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int | None = None,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run every scenario with the same seeds per replicate and difference each against the first.

    Args:
        scenarios: the first is the baseline.
        replicates: replicates per scenario (paired by replicate number).
        seed: root seed for all scenarios (default: the first scenario's): common random numbers
            need the same seed everywhere.
        workers: local worker processes, when no `executor` is given.
        executor: any `concurrent.futures.Executor`.
        progress: counts the runs (e.g. a bar on a terminal; see `ikdsim.experiments.progress`).

    Returns:
        Per scenario and metric, the paired and unpaired 95 % intervals of the difference.
    """
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    root = scenarios[0].seed if seed is None else seed
    runs = run_replicates(scenarios, replicates, root, workers=workers, executor=executor, progress=progress)
    return Comparison(runs, differences(runs))
