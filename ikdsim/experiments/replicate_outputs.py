"""The output folder of `run --replicates`: daily bands, one row per replicate, and the summary.

    daily.csv               date, day, then <column>_mean, _p05, _p50, _p95 for activated_share,
                            activations and waiting
    replicates.csv          one row per replicate with its summary figures
    summary.json            probability of reaching the target (Wilson 95 % interval), the date
                            it is reached (median, p05, p95), the mean final share (t 95 %
                            interval) and the stopping rule
    scenario.resolved.yaml  the scenario after defaults and overrides

With uncertain inputs (an `uncertain:` block or a posterior), also:

    inputs.csv              one row per replicate: the inputs it drew
    fan.csv                 date, day, activated_share at the 5, 25, 50, 75 and 95 % quantiles
    summary.json            + "uncertainty": the spread's split into inputs and chance, the
                            ranking of the unknowns, EVPI and EVPPI for reaching the target

Nothing here depends on how many workers ran the replicates: replicates are in replicate order
and every statistic is computed in that order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from ikdsim.analysis.uncertainty import FAN, fan
from ikdsim.experiments.replicates import BANDS, Runs
from ikdsim.io.folders import atomic_folder
from ikdsim.io.layout import ReplicateFiles
from ikdsim.io.tables import write_csv, write_json
from ikdsim.model import columns
from ikdsim.scenario.loader import scenario_sha256
from ikdsim.stats import Interval, json_number, mean_interval

QUANTILES = (5, 50, 95)
REPLICATE_FIELDS = (
    "final_activated", "final_share", "share_at_target_by", "target_reached", "date_target_reached",
    "activations", "gave_up", "peak_waiting", "mean_wait_days", "p90_wait_days",
)


def daily_rows(reps: Runs) -> tuple[list[str], list[list[Any]]]:
    header = ["date", "day"]
    values_by_column: list[np.ndarray] = []
    for name in BANDS:
        values = reps.column(name).astype(float)
        header += [f"{name}_mean", *(f"{name}_p{q:02d}" for q in QUANTILES)]
        values_by_column.append(values.mean(axis=0))
        values_by_column.extend(np.percentile(values, QUANTILES, axis=0))
    start = reps.scenario.horizon.start
    days = reps.scenario.horizon.days
    rows = [[(start + dt.timedelta(days=d)).isoformat(), d, *(c[d] for c in values_by_column)] for d in range(days)]
    return header, rows


def replicate_rows(reps: Runs) -> tuple[list[str], list[list[Any]]]:
    first = reps.records[0].summary
    channels = list(first["activations_by_channel"])
    causes = list(first["intents_by_cause"])
    header = ["replicate", "seed", *REPLICATE_FIELDS]
    header += [columns.activations(c) for c in channels] + [columns.intents(c) for c in causes]
    rows = []
    for record in reps.records:
        s = record.summary
        rows.append(
            [record.replicate, reps.seed, *(s[f] for f in REPLICATE_FIELDS)]
            + [s["activations_by_channel"][c] for c in channels]
            + [s["intents_by_cause"][c] for c in causes]
        )
    return header, rows


def _interval(est: Interval, digits: int) -> dict[str, float | None]:
    return {
        "mean": json_number(est.estimate, digits),
        "ci95_low": json_number(est.low, digits),
        "ci95_high": json_number(est.high, digits),
        "ci95_half_width": json_number(est.half_width, digits),
    }


def summary(reps: Runs) -> dict[str, Any]:
    scenario = reps.scenario
    n = reps.replicates
    prob = reps.target_probability()
    reached = int(reps.reached().sum())
    p05, p50, p95 = (None if d is None else d.isoformat() for d in reps.date_quantiles((0.05, 0.5, 0.95)))
    # Unrounded, as the sequential stopping rule sees them.
    shares = reps.final_shares()
    waits = [np.nan if w is None else w for w in reps.summary("mean_wait_days")]
    return {
        "scenario": scenario.name,
        "replicates": n,
        "seed": reps.seed,
        "population_total": scenario.population.total,
        "target_share": scenario.target.share,
        "target_by": scenario.target.by.isoformat(),
        "prob_target_reached": {
            "estimate": round(prob.estimate, 6),
            "ci95_low": round(prob.low, 6),
            "ci95_high": round(prob.high, 6),
            "replicates_reaching": reached,
            "interval": "Wilson score, 95 %",
        },
        "date_target_reached": {
            "median": p50,
            "p05": p05,
            "p95": p95,
            "replicates_reaching": int(np.sum(~np.isnan(reps.days_to_target()))),
            "note": "quantiles over all replicates, 'never' counted as later than any date; null: not reached",
        },
        "final_share": {
            **_interval(mean_interval(shares), 6),
            "sd": round(float(shares.std(ddof=1)), 6) if n > 1 else None,
            "p05": round(float(np.percentile(shares, 5)), 6),
            "p50": round(float(np.percentile(shares, 50)), 6),
            "p95": round(float(np.percentile(shares, 95)), 6),
            "interval": "Student t, 95 %, of the mean over replicates",
        },
        "share_at_target_by": _interval(mean_interval(reps.summary("share_at_target_by")), 6),
        "final_activated": _interval(mean_interval(reps.summary("final_activated")), 2),
        "gave_up": _interval(mean_interval(reps.summary("gave_up")), 2),
        "mean_wait_days": _interval(mean_interval(waits), 4),
        **({"uncertainty": unc.to_json()} if (unc := reps.uncertainty()) is not None else {}),
        "stopping": reps.stopping.to_json(),
        "scenario_sha256": scenario_sha256(scenario),
        "ikdsim_version": reps.records[0].summary["ikdsim_version"],
    }


def inputs_rows(reps: Runs) -> tuple[list[str], list[list[Any]]]:
    names = list(reps.records[0].inputs)
    return ["replicate", *names], [[r.replicate, *(r.inputs[n] for n in names)] for r in reps.records]


def fan_rows(reps: Runs) -> tuple[list[str], list[list[Any]]]:
    quantiles = fan(reps.column("activated_share"))
    start = reps.scenario.horizon.start
    header = ["date", "day", *(f"activated_share_p{q:02d}" for q in FAN)]
    rows = [
        [(start + dt.timedelta(days=d)).isoformat(), d, *(float(v) for v in quantiles[:, d])]
        for d in range(quantiles.shape[1])
    ]
    return header, rows


def write_replicates(reps: Runs, out: Path, force: bool = False) -> dict[str, Any]:
    result = summary(reps)
    with atomic_folder(out, force) as tmp:
        files = ReplicateFiles(tmp)
        write_csv(files.daily, *daily_rows(reps))
        write_csv(files.replicates, *replicate_rows(reps))
        write_json(files.summary, result)
        if reps.records[0].inputs:
            write_csv(files.inputs, *inputs_rows(reps))
            write_csv(files.fan, *fan_rows(reps))
        files.write_scenario(reps.scenario)
    return result
