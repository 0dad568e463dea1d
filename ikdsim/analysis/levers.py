"""The field a lever or a fitted parameter moves: its kind, bounds and current value.

Solve and calibrate move one field of a scenario; both need to know, before any run, whether the
field can be searched or fitted at all and what range the schema allows. The path is resolved by
`ikdsim.scenario.paths`, like every other path.
"""

from __future__ import annotations

import datetime as dt

from ikdsim.scenario.loader import scenario_to_data
from ikdsim.scenario.paths import FieldRef, resolve, split
from ikdsim.scenario.schema import Scenario


def lever_field(scenario: Scenario, path: str, option: str = "--lever") -> FieldRef:
    """Resolve `path` against the schema and the scenario; InputError if it does not exist."""
    return resolve(scenario_to_data(scenario), split(path, option), Scenario, origin=f"{option} {path!r}")


def format_value(value: int | float | dt.date | None) -> str:
    """Text for a `PATH=VALUE` override that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)
