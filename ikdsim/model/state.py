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
