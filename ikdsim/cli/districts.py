"""`run --by district`: where the city stands, district by district.

A single run shows counts on the first day and the target date; replicates show each district's
final share over the futures, as the run records keep it (the share at the horizon's end).
"""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table

from ikdsim.cli.common import console
from ikdsim.experiments.replicates import Runs
from ikdsim.model.results import Result
from ikdsim.stats import mean_interval


def district_rows(result: Result) -> list[tuple[str, int, int, int, float, int]]:
    """(district, wajib-KTP people, activated on the first day, on the target date, share, people to target)."""
    s = result.scenario
    at = min(max((s.target.by - result.dates[0]).days, 0), len(result.dates) - 1)
    rows = []
    for d, name in enumerate(result.districts):
        size = int(result.district_size[d])
        first, then = int(result.district_activated[0, d]), int(result.district_activated[at, d])
        # Rounded before the ceiling so that 0.3 × 10 = 3.0000000000000004 asks for 3 people, not 4.
        needed = max(0, math.ceil(round(s.target.share * size, 6)) - then)
        rows.append((name, size, first, then, then / max(size, 1), needed))
    return rows


def district_json(result: Result) -> list[dict[str, Any]]:
    """The rows of the `--by district` table, for `--json`."""
    keys = ("district", "people", "activated_first_day", "activated_target_date", "share", "to_target")
    return [dict(zip(keys, row, strict=True)) for row in district_rows(result)]


def print_districts(result: Result) -> None:
    s = result.scenario
    first, by = result.dates[0], s.target.by
    title = f"By district: activated people on {first} and on the target date ({s.target.share:.0%} by {by})"
    table = Table(title=title, title_justify="left")
    table.add_column("district", no_wrap=True)  # names must stay whole to tell districts apart
    table.add_column("wajib KTP", justify="right")
    table.add_column(str(first), justify="right", no_wrap=True)
    table.add_column(str(by), justify="right", no_wrap=True)
    table.add_column("share", justify="right")
    table.add_column("to target", justify="right")
    for name, size, start, then, share, needed in district_rows(result):
        short = f"{needed:,}" if needed else "reached"
        table.add_row(name, f"{size:,}", f"{start:,}", f"{then:,}", f"{share:.2%}", short)
    console.print(table)


def print_district_spread(reps: Runs) -> None:
    s = reps.scenario
    target = s.target.share
    title = (
        f"By district over {reps.replicates} replicates: activated share on {s.horizon.end} "
        f"(target {target:.0%} by {s.target.by})"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("district", no_wrap=True)
    table.add_column("mean share", justify="right")
    table.add_column("95 % interval", justify="right", no_wrap=True)
    table.add_column(f"chance ≥ {target:.0%}", justify="right")
    for name in s.population.districts:
        shares = [r.districts[name] for r in reps.records]
        est = mean_interval(shares)
        interval = "n/a" if math.isnan(est.low) else f"{est.low:.2%} to {est.high:.2%}"
        chance = sum(x >= target for x in shares) / len(shares)
        table.add_row(name, f"{est.estimate:.2%}", interval, f"{chance:.0%}")
    console.print(table)
