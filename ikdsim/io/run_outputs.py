"""The output folder of one run (`ikdsim.io.layout.RunFiles`)."""

from __future__ import annotations

from pathlib import Path

from ikdsim.io.folders import atomic_folder
from ikdsim.io.layout import RunFiles
from ikdsim.io.tables import write_csv, write_json
from ikdsim.model import columns
from ikdsim.model.results import Result

DAILY_LEAD = list(columns.LEAD)


def daily_columns(result: Result) -> list[str]:
    rest = [c for c in result.daily if c not in DAILY_LEAD]
    return ["date", "day", *DAILY_LEAD, *rest]


def write_run(result: Result, out: Path, force: bool = False) -> Path:
    with atomic_folder(out, force) as tmp:
        files = RunFiles(tmp)
        columns = daily_columns(result)
        write_csv(
            files.daily,
            columns,
            (
                [date.isoformat(), day, *(result.daily[c][day] for c in columns[2:])]
                for day, date in enumerate(result.dates)
            ),
        )
        shares = result.district_shares()
        write_csv(
            files.districts,
            ["date", "district", "activated", "activated_share"],
            (
                [date.isoformat(), name, result.district_activated[day, d], shares[day, d]]
                for day, date in enumerate(result.dates)
                for d, name in enumerate(result.districts)
            ),
        )
        write_json(files.summary, result.summary)
        files.write_scenario(result.scenario)
    return out
