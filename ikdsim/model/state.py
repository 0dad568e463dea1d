"""The mutable counts of one simulation: who is not intending, waiting, activated."""

from __future__ import annotations

import numpy as np

from ikdsim.model.population import Segments


class State:
    """Per-segment counts. Waiting people live in the service points' queues.

    Invariant, every day and in every segment:
    not eligible + not intending + waiting + activated = segment size.
    """

    def __init__(self, segments: Segments) -> None:
        self.segments = segments
        self.not_eligible = segments.size - segments.eligible
        self.activated = segments.initial_activated.copy()
        self.not_intending = segments.eligible - segments.initial_activated
        self.district_size = np.bincount(segments.district, weights=segments.size, minlength=len(segments.districts))
        self.total = int(segments.size.sum())

    def activated_total(self) -> int:
        return int(self.activated.sum())

    def activated_by_district(self) -> np.ndarray:
        return np.bincount(
            self.segments.district, weights=self.activated, minlength=len(self.segments.districts)
        ).astype(np.int64)


class ActivatedLog:
    """Activated people per segment at the end of each day, summed by day and district in blocks.

    Summing every day would be two small numpy calls a day; copying the row into a block and
    summing a block at a time with one matrix product is cheaper. The sums are exact: the counts
    are integers far below 2^53, so their float64 products with 0/1 and sums are exact.
    """

    def __init__(self, segments: Segments, days: int) -> None:
        n = len(segments)
        self.districts = np.zeros((n, len(segments.districts)))
        self.districts[np.arange(n), segments.district] = 1.0
        # Blocks of up to 64 days and 8 MiB, however many segments there are.
        self.block = np.zeros((max(1, min(64, 2**20 // max(n, 1))), n), dtype=np.int64)
        self.filled = 0
        self.total = np.zeros(days, dtype=np.int64)
        self.by_district = np.zeros((days, len(segments.districts)), dtype=np.int64)
        self.day = 0

    def record(self, activated: np.ndarray) -> None:
        self.block[self.filled] = activated
        self.filled += 1
        if self.filled == len(self.block):
            self._flush()

    def _flush(self) -> None:
        rows = self.block[: self.filled]
        days = slice(self.day, self.day + self.filled)
        self.total[days] = rows.sum(axis=1)
        self.by_district[days] = (rows.astype(np.float64) @ self.districts).round().astype(np.int64)
        self.day += self.filled
        self.filled = 0

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """(activated each day, activated each day by district)."""
        self._flush()
        return self.total, self.by_district
