"""Shared fixtures: small scenarios built from plain dicts, so each test states what it varies."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ikdsim.scenario.loader import Document, read_document, validate
from ikdsim.scenario.schema import Scenario

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"


def small_data() -> dict[str, Any]:
    return copy.deepcopy(read_document(SMALL).data)


def build(data: dict[str, Any]) -> Scenario:
    scenario: Scenario = validate(Document(data, {}, "<test>"))
    return scenario


def minimal(
    *,
    total: int = 100_000,
    initial: int = 0,
    smartphone: float = 1.0,
    base_rate: float = 0.3,
    word_of_mouth: float = 0.0,
    capacity: int | None = 10**9,
    weekdays: list[str] | None = None,
    patience: float | None = 30.0,
    days: int = 365,
    **extra: Any,
) -> dict[str, Any]:
    """One district, one group, one point open every day: the textbook case."""
    import datetime as dt

    start = dt.date(2026, 1, 1)
    end = start + dt.timedelta(days=days - 1)
    data: dict[str, Any] = {
        "name": "minimal",
        "seed": 7,
        "horizon": {"start": start, "end": end},
        "target": {"share": 0.3, "by": end},
        "population": {
            "total": total,
            "initial_activated": initial,
            "districts": {"city": 1.0},
            "groups": {"all": {"share": 1.0, "smartphone": smartphone}},
        },
        "adoption": {"base_rate": base_rate, "word_of_mouth": word_of_mouth, "patience_days": patience},
        "channels": {
            "service_points": [
                {
                    "name": "office",
                    "daily_capacity": capacity,
                    "open_weekdays": weekdays or ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                }
            ]
        },
    }
    data.update(extra)
    return data


@pytest.fixture
def small() -> Scenario:
    return build(small_data())
