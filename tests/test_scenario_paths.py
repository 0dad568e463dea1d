"""Dotted paths over the schema: kinds, bounds, values, locations and the messages for mistakes."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from conftest import build, small_data
from hypothesis import given, settings
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
    # and back: the path a user writes, the item by its name
    assert paths.path_of(data, ref.loc) == "channels.service_points.kel-north.counters"
    assert paths.path_of({"xs": [{"v": 1}]}, ("xs", 0, "v")) == "xs.[0].v"


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


def test_source_line_is_the_line_of_the_field() -> None:
    from conftest import SMALL

    from ikdsim.scenario.loader import read_document

    doc = read_document(SMALL)
    text = SMALL.read_text(encoding="utf-8").splitlines()
    for path, needle in [("services.bansos.required_conversion", "required_conversion: 0.9"),
                         ("adoption.patience_days", "patience_days: 30")]:
        ref = paths.resolve(doc.data, path, Scenario, lines=doc.lines)
        assert ref.line is not None and needle in text[ref.line - 1]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("adoption.base_rat", ["where: unknown field 'adoption.base_rat'", "Allowed: base_rate,"]),
        ("services.nope.conversion", ["where: no item named 'nope' at 'services.nope'", "items here: health, bansos"]),
        ("adoption.base_rate.x", ["where: adoption.base_rate is a value, it has no field 'x'"]),
        ("population.groups.nobody.share", ["where: 'population.groups.nobody' does not exist"]),
        ("adoption.propensity", ["where: unknown field", "did you mean 'propensity_classes'"]),
    ],
)
def test_every_mistake_is_prefixed_with_where_the_path_came_from(path: str, words: list[str]) -> None:
    for act in (lambda: paths.resolve(small_data(), path, Scenario, origin="where"),
                lambda: paths.set_value(small_data(), path, 1, Scenario, origin="where")):
        with pytest.raises(InputError) as err:
            act()
        assert all(w in str(err.value) for w in words), str(err.value)


def test_data_alone_reads_values_but_not_what_is_absent() -> None:
    data = small_data()
    assert paths.get_value(data, "services.1.conversion") == 0.0
    with pytest.raises(InputError, match="does not exist"):
        paths.get_value(data, "services.bansos.users.student")
    assert paths.locate(data, "services.bansos.users.student") is None


def test_field_names_follow_lists_and_mappings() -> None:
    assert "teams" in paths.field_names(Scenario, ("channels", "outreach", 0))
    assert set(paths.field_names(Scenario, ("population", "districts", "north"))) == {
        "share", "initial_activated_share", "source"}
    assert paths.field_names(Scenario, ("nothing",)) == []


def test_nested_models_name_list_items_and_mapping_values() -> None:
    found = dict(paths.nested_models(Scenario))
    assert found[""] is Scenario
    assert "services[]" in found and "population.groups.<name>" in found
    assert "channels.outreach[].venues.<name>" in found


def test_solve_sweeps_and_the_uncertain_block_see_one_kind() -> None:
    """The lever of solve and calibrate, a sweep's axis and the uncertain block's rounding agree."""
    from ikdsim.analysis.levers import lever_field
    from ikdsim.scenario import uncertain

    scenario = build(small_data())
    assert lever_field(scenario, "channels.outreach.team.teams").kind == "integer"
    assert lever_field(scenario, "adoption.base_rate").kind == "number"
    data = small_data()
    data["uncertain"] = {"teams": {"fields": ["channels.outreach.team.teams"], "how": "multiply",
                                   "dist": "uniform", "low": 0.5, "high": 2.0}}
    with_unknown = build(data)
    assert uncertain.assignments(with_unknown, {"teams": 1.3}) == [("channels.outreach.team.teams", 3)]


def _leaves(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*prefix, str(key)))]
    if isinstance(node, list) and node and all(isinstance(item, dict) and "name" in item for item in node):
        return [leaf for item in node for leaf in _leaves(item, (*prefix, str(item["name"])))]
    return [prefix]


BASE = scenario_to_data(build(small_data()))
LEAVES = [leaf for leaf in _leaves(BASE) if leaf[-1] != "name"]  # a new name would move the item


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(LEAVES), st.integers(min_value=0, max_value=10**6))
def test_set_then_resolve_changes_that_field_only(parts: tuple[str, ...], value: int) -> None:
    data = copy.deepcopy(BASE)
    path = ".".join(parts)
    loc = paths.set_value(data, path, value, Scenario, origin="x")
    ref = paths.resolve(data, path, Scenario)
    assert ref.current == value and ref.loc == loc and paths.locate(data, path) == loc
    expected = copy.deepcopy(BASE)
    node: Any = expected
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value
    assert data == expected


@given(st.lists(st.text(alphabet="abcxyz_-09", min_size=1, max_size=6), min_size=1, max_size=5))
def test_split_reads_back_what_was_joined(parts: list[str]) -> None:
    assert paths.split(".".join(parts)) == parts
    assert paths.split(" . ".join(parts)) == parts
    with pytest.raises(InputError, match="expected a dotted field path"):
        paths.split(".".join([*parts, ""]))


def test_setting_a_field_the_data_lacks_adds_it() -> None:
    data = small_data()
    data.pop("posterior", None)
    assert paths.set_value(data, "posterior", None, Scenario, origin="--set") == ("posterior",)
    assert "posterior" in data and data["posterior"] is None
