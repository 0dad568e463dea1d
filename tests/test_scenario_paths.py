"""Dotted paths over the schema: kinds, bounds, values, locations and the messages for mistakes."""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import build, small_data
from hypothesis import given
from hypothesis import strategies as st

from ikdsim.errors import InputError
from ikdsim.scenario import paths
from ikdsim.scenario.loader import scenario_to_data
from ikdsim.scenario.schema import Scenario


@pytest.mark.parametrize(
    ("path", "kind", "low", "high"),
    [
        ("adoption.base_rate", "number", 0.0, math.inf),
        ("channels.outreach.team.teams", "integer", 0.0, math.inf),
        ("services.health.integrated_from", "date", -math.inf, math.inf),
        ("population.groups.student.smartphone", "number", 0.0, 1.0),
        ("population.districts.north", "number", -math.inf, math.inf),
        ("adoption.word_of_mouth_scope", "choice", -math.inf, math.inf),
        ("description", "other", -math.inf, math.inf),
    ],
)
def test_kinds_and_bounds_come_from_the_schema(path: str, kind: str, low: float, high: float) -> None:
    ref = paths.resolve(scenario_to_data(build(small_data())), path, Scenario)
    assert ref.kind == kind
    if kind in ("number", "integer"):
        assert ref.low >= low and ref.high <= high


def test_current_value_and_location_name_list_items_by_index() -> None:
    data = small_data()
    ref = paths.resolve(data, "channels.service_points.kel-north.counters", Scenario)
    assert ref.loc == ("channels", "service_points", 1, "counters")
    assert ref.current == data["channels"]["service_points"][1]["counters"] == 2
    assert paths.locate(data, ["channels", "service_points", "kel-north", "counters"]) == ref.loc
    assert paths.locate(data, ["channels", "service_points", "nowhere"]) is None


def test_a_mapping_key_the_data_does_not_hold_is_unset_not_an_error() -> None:
    ref = paths.resolve(small_data(), "services.bansos.users.student", Scenario)
    assert ref.current is None and ref.kind == "number"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("adoption.base_rat", "did you mean 'base_rate'"),
        ("services.nowhere.conversion", "no item named 'nowhere'"),
        ("adoption.base_rate.x", "is a value"),
        ("", "expected a dotted field path"),
        ("adoption..base_rate", "expected a dotted field path"),
    ],
)
def test_mistakes_are_named(path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        paths.resolve(small_data(), paths.split(path, "--lever"), Scenario, origin="--lever")


@given(st.floats(0, 10, allow_nan=False), st.sampled_from(["adoption.base_rate", "services.health.conversion",
                                                             "channels.outreach.team.on_site_conversion"]))
def test_set_then_get_round_trips(value: float, path: str) -> None:
    data: dict[str, Any] = small_data()
    loc = paths.set_value(data, path.split("."), value, Scenario, origin="test")
    assert paths.get_value(data, path.split(".")) == value
    assert paths.resolve(data, path, Scenario).loc == loc


def test_set_creates_what_the_schema_allows_and_refuses_the_rest() -> None:
    data = small_data()
    data.pop("campaigns", None)
    paths.set_value(data, ["adoption", "propensity_classes", "count"], 2, Scenario, origin="test")
    assert data["adoption"]["propensity_classes"]["count"] == 2
    with pytest.raises(InputError, match=r"unknown field 'adoption\.nope'"):
        paths.set_value(data, ["adoption", "nope"], 1, Scenario, origin="--set")
