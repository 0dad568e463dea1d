"""Results of one simulation: a daily table as flat columns, districts, and a summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ikdsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Result:
    """What `simulate` returns.

    `daily` maps column names (in output order) to arrays with one value per day; it becomes a
    table directly (`to_pandas()`, or the `daily.csv` writer). `district_activated` is
    (days × districts). `summary` is plain JSON-ready data.
    """

    scenario: Scenario
    seed: int
    replicate: int
    dates: list[dt.date]
    daily: dict[str, np.ndarray]
    districts: list[str]
    district_activated: np.ndarray
    district_size: np.ndarray
    summary: dict[str, Any] = field(default_factory=dict)
    wait_histogram: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    segments: int = 0

    def to_pandas(self) -> pd.DataFrame:
        from ikdsim._optional import require

        pd = require("pandas", "io")
        frame = pd.DataFrame({"date": self.dates, **self.daily})
        return frame

    def share_on(self, date: dt.date) -> float:
        return float(self.daily["activated_share"][(date - self.dates[0]).days])
