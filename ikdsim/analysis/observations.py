"""Observed activation counts: from the scenario's `observations` or from a CSV file.

A CSV has a header with `date` and `activated` and/or `share` (one of them per row) and may
have `source`. Every problem is reported with the file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from ikdsim.errors import InputError
from ikdsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Observed:
    date: dt.date
    count: int  # people activated on that date
    total: int  # population.total: the binomial denominator
    source: str = ""

    @property
    def share(self) -> float:
        return self.count / self.total


def from_scenario(scenario: Scenario) -> list[Observed]:
    total = scenario.population.total
    out = []
    for obs in scenario.observations:
        count = obs.activated if obs.activated is not None else round((obs.share or 0.0) * total)
        out.append(Observed(obs.date, count, total, obs.source))
    return out


def read_csv(path: Path, scenario: Scenario) -> list[Observed]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip() for f in reader.fieldnames or []]
    if "date" not in fields or not {"activated", "share"} & set(fields):
        raise InputError(
            f"{path}:1: expected a header with 'date' and 'activated' or 'share' (got {', '.join(fields) or 'nothing'})"
        )
    out = []
    for number, row in enumerate(reader, start=2):
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cells.values()):
            continue
        out.append(_row(cells, scenario, f"{path}:{number}"))
    if not out:
        raise InputError(f"{path}: no observations (only a header)")
    return out


def _row(cells: dict[str, str], scenario: Scenario, where: str) -> Observed:
    total = scenario.population.total
    try:
        date = dt.date.fromisoformat(cells.get("date", ""))
    except ValueError:
        raise InputError(f"{where}: date {cells.get('date', '')!r} is not a date (YYYY-MM-DD)") from None
    activated, share = cells.get("activated", ""), cells.get("share", "")
    if bool(activated) == bool(share):
        raise InputError(f"{where}: give exactly one of activated or share")
    if activated:
        try:
            count = int(activated)
        except ValueError:
            raise InputError(f"{where}: activated {activated!r} is not a whole number of people") from None
        if count < 0:
            raise InputError(f"{where}: activated {count} is negative")
    else:
        try:
            value = float(share)
        except ValueError:
            raise InputError(f"{where}: share {share!r} is not a number") from None
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise InputError(f"{where}: share {share} must be between 0 and 1")
        count = round(value * total)
    check(Observed(date, count, total, cells.get("source", "")), scenario, where)
    return Observed(date, count, total, cells.get("source", ""))


def check(obs: Observed, scenario: Scenario, where: str) -> None:
    horizon = scenario.horizon
    if not horizon.start <= obs.date <= horizon.end:
        raise InputError(f"{where}: date {obs.date} is outside the horizon ({horizon.start} to {horizon.end})")
    if obs.count > obs.total:
        raise InputError(f"{where}: activated {obs.count} is above population.total ({obs.total})")


def usable(
    observed: list[Observed] | None, scenario: Scenario, holdout: dt.date | None = None
) -> tuple[list[Observed], list[Observed], list[Observed]]:
    """(to fit, starting values, held out): the scenario's observations unless a list is given,
    each checked against the scenario. A count on the first day is the initial condition
    (population.initial_activated), not evidence: the model starts from it whatever the inputs.
    Counts on or after `holdout` are kept apart to check a forecast."""
    obs = list(observed) if observed is not None else from_scenario(scenario)
    if not obs:
        raise InputError(
            f"{scenario.name}: no observations to calibrate on; add observations to the scenario "
            "or give --observations FILE.csv"
        )
    for i, o in enumerate(obs):
        check(o, scenario, f"observations[{i}] ({o.date})")
    start = scenario.horizon.start
    skipped = [o for o in obs if o.date <= start]
    held_out = [o for o in obs if o.date > start and holdout is not None and o.date >= holdout]
    fit = [o for o in obs if o.date > start and o not in held_out]
    if not fit:
        raise InputError(
            f"{scenario.name}: no observations after the first day ({start})"
            + (f" and before --holdout {holdout}" if holdout else "")
            + "; a count on the first day is the starting value, not data to calibrate on"
        )
    return fit, skipped, held_out
