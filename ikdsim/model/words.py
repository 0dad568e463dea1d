"""Plain-language formatting shared by the components' descriptions."""

from __future__ import annotations

import datetime as dt

from ikdsim.scenario.schema import ALL, Selection


def date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:.{digits}f} %"


def where(selection: Selection, kind: str) -> str:
    return f"all {kind}s" if selection == ALL else ", ".join(selection)
