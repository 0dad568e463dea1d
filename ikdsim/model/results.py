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

    Attributes:
        scenario: the scenario that was run.
        seed: the root seed used.
        replicate: the replicate number (streams from `SeedSequence([seed, replicate])`).
        dates: one date per simulated day.
        daily: column name -> one value per day, in the order of `daily.csv`: activated,
            activated_share, intents_new, activations, waiting, gave_up, then
            `activations_<channel>` and `intents_<cause>`. Becomes a table directly
            (`to_pandas()`).
        districts: district names, in scenario order.
        district_activated: activated people, days × districts.
        district_size: wajib-KTP people per district.
        summary: the figures of `summary.json` (JSON-ready).
        wait_histogram: activations through a queue by days waited.
        segments: number of population segments simulated.
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

        pd = require("pandas")
        frame = pd.DataFrame({"date": self.dates, **self.daily})
        return frame

    def district_shares(self) -> np.ndarray:
        """Activated share by district, days × districts."""
        shares: np.ndarray = self.district_activated / np.maximum(self.district_size, 1)
        return shares
