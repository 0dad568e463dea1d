"""Was activation limited by demand or by capacity, month by month?

Queues tell: when walk-in points can serve everyone who decides, the queue empties every open
day and people wait a day or two; when they cannot, the queue grows and waits stretch to weeks.
The wait in a month is estimated from the daily queue by Little's law (mean queue / daily
throughput), averaged over replicates. A month is capacity-limited when that wait reaches
`queue_days`; more officers or points would then raise activations, while more integrations or
requirements would mostly lengthen the queue. So is a month in which the points used 95 % or
more of their capacity, even before waits grow that long. Otherwise demand is the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim.experiments.replicates import Runs
from ikdsim.model.assembly import walk_in as walk_in_channels

NEAR_CAPACITY = 0.8
# Points busy on (nearly) every open day are the limit even before waits reach `queue_days`.
FULL = 0.95


ADVICE = {
    "capacity": "more officers or service points would help",
    "near_capacity": "demand-limited, but points run near capacity: add integrations and officers together",
    "demand": "more integrations, requirements or campaigns would help",
}


@dataclass(frozen=True)
class MonthLimit:
    month: str  # YYYY-MM
    days: int
    decisions: float
    activations: float
    walk_in: float
    capacity: float
    mean_waiting: float
    wait_days: float
    gave_up: float
    limited_by: str  # "demand" | "capacity"

    @property
    def utilisation(self) -> float:
        return self.walk_in / self.capacity if self.capacity > 0 else math.nan

    @property
    def near_capacity(self) -> bool:
        # Short queues at high utilisation: demand still sets the pace, but not for long.
        return self.limited_by == "demand" and self.utilisation >= NEAR_CAPACITY

    @property
    def advice_key(self) -> str:
        """Which advice fits the month; the report words it in its own language."""
        if self.limited_by == "capacity":
            return "capacity"
        return "near_capacity" if self.near_capacity else "demand"

    @property
    def advice(self) -> str:
        return ADVICE[self.advice_key]

    def row(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "days": self.days,
            "decisions": self.decisions,
            "activations": self.activations,
            "walk_in_activations": self.walk_in,
            "walk_in_capacity": self.capacity,
            "utilisation": self.utilisation,
            "mean_waiting": self.mean_waiting,
            "wait_days": self.wait_days,
            "gave_up": self.gave_up,
            "limited_by": self.limited_by,
            "advice": self.advice,
        }


def daily_capacity(runs: Runs) -> np.ndarray:
    """Walk-in activations the channels serving the queues could do each day (people)."""
    return walk_in_channels(runs.scenario)[1]


def limits_by_month(runs: Runs, queue_days: float = 7.0) -> list[MonthLimit]:
    # Every channel that serves the queues counts (service points, and any kind that has a queue).
    points, capacity = walk_in_channels(runs.scenario)
    walk_in = sum((runs.column(c) for c in points), np.zeros((runs.replicates, len(runs.dates))))
    columns = {name: runs.column(name).mean(axis=0) for name in ("intents_new", "activations", "waiting", "gave_up")}
    served = walk_in.mean(axis=0)
    months = np.array([d.year * 12 + d.month - 1 for d in runs.dates])
    out = []
    for key in dict.fromkeys(months.tolist()):
        days = months == key
        n = int(days.sum())
        queue = float(columns["waiting"][days].mean())
        throughput = float(served[days].sum()) / n
        wait = 0.0 if queue == 0.0 else (queue / throughput if throughput > 0 else math.inf)
        out.append(
            MonthLimit(
                month=f"{key // 12:04d}-{key % 12 + 1:02d}",
                days=n,
                decisions=float(columns["intents_new"][days].sum()),
                activations=float(columns["activations"][days].sum()),
                walk_in=float(served[days].sum()),
                capacity=float(capacity[days].sum()),
                mean_waiting=queue,
                wait_days=wait,
                gave_up=float(columns["gave_up"][days].sum()),
                limited_by="capacity" if wait >= queue_days or served[days].sum() >= FULL * capacity[days].sum() > 0
                else "demand",
            )
        )
    return out
