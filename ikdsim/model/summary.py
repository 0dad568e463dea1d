"""The summary figures of one run, as JSON-ready data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ikdsim.model import columns
from ikdsim.scenario.loader import scenario_sha256

if TYPE_CHECKING:
    from ikdsim.model.queues import WaitLog
    from ikdsim.model.results import Result


def summarise(result: Result, channels: list[str], causes: list[str], waits: WaitLog) -> dict[str, Any]:
    import ikdsim

    scenario = result.scenario
    daily = result.daily
    share = daily["activated_share"]
    target = scenario.target
    reached_days = np.flatnonzero(share >= target.share - 1e-12)
    by_day = (target.by - scenario.horizon.start).days
    p90 = waits.quantile(0.9)
    return {
        "scenario": scenario.name,
        "population_total": scenario.population.total,
        "final_activated": int(daily["activated"][-1]),
        "final_share": round(float(share[-1]), 6),
        "target_share": target.share,
        "target_by": target.by.isoformat(),
        "share_at_target_by": round(float(share[by_day]), 6),
        "target_reached": bool(share[by_day] >= target.share - 1e-12),
        "date_target_reached": result.dates[int(reached_days[0])].isoformat() if len(reached_days) else None,
        "activations_by_channel": {c: int(daily[columns.activations(c)].sum()) for c in channels},
        "intents_by_cause": {c: int(daily[columns.intents(c)].sum()) for c in causes},
        "activations": int(daily["activations"].sum()),
        "gave_up": int(daily["gave_up"].sum()),
        "peak_waiting": int(daily["waiting"].max()),
        "mean_wait_days": None if (m := waits.mean()) is None else round(m, 4),
        "p90_wait_days": p90,
        "seed": result.seed,
        "replicate": result.replicate,
        "segments": result.segments,
        "scenario_sha256": scenario_sha256(scenario),
        "ikdsim_version": ikdsim.__version__,
    }
