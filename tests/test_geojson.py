"""`population.district_map`: the GeoJSON a scenario names is read relative to the file that names
it, kept in the scenario, and every fault in it is a located message with exit 2 (issue 11).
The districts' names against the scenario's are checked in tests/test_districts.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.scenario.loader import dump_yaml, load_scenario, scenario_sha256, scenario_to_data

SMALL = Path(__file__).parent / "data" / "small.yaml"
runner = CliRunner()


def square(x: float, y: float, size: float = 1.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(name: str, geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": name, **properties}, "geometry": geometry}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


GOOD = collection(
    feature("north", {"type": "Polygon", "coordinates": [square(0, 1)]}),
    feature("south", {"type": "MultiPolygon", "coordinates": [[square(0, 0)], [square(2, 0, 0.5)]]}, schematic=True),
)


def scenario(tmp_path: Path, geojson: Any = GOOD, block: str = "geojson: map.geojson") -> Path:
    """A scenario extending tests/data/small.yaml with a district map; the map's line is 5."""
    if geojson is not None:
        text = geojson if isinstance(geojson, str) else json.dumps(geojson, indent=1)
        (tmp_path / "map.geojson").write_text(text, encoding="utf-8")
    path = tmp_path / "with-map.yaml"
    path.write_text(
        f"extends: {SMALL}\nname: with-map\npopulation:\n  district_map:\n    {block}\n", encoding="utf-8"
    )
    return path


def refused(path: Path, command: str = "validate") -> str:
    args = [command, str(path)] + (["--out", str(path.parent / "out")] if command == "run" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())  # rich wraps long messages


def test_the_map_is_read_relative_to_the_file_that_names_it_and_kept(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    base = scenario(tmp_path / "a")
    variant = tmp_path / "b" / "variant.yaml"
    variant.write_text(f"extends: ../a/{base.name}\nname: variant\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # neither folder: the working folder plays no part
    s = load_scenario(variant)
    shapes = s.population.district_map.geojson  # type: ignore[union-attr]
    assert shapes.file == "map.geojson" and shapes.schematic
    assert len(shapes.shapes["north"]) == 1 and len(shapes.shapes["south"]) == 2  # the MultiPolygon's two parts
    assert shapes.shapes["south"][1][0][1] == (2.5, 0.0)
    # The resolved scenario carries the shapes: it loads again where the GeoJSON is not.
    resolved = tmp_path / "elsewhere.yaml"
    resolved.write_text(dump_yaml(scenario_to_data(s)), encoding="utf-8")
    (tmp_path / "a" / "map.geojson").unlink()
    again = load_scenario(resolved)
    assert again.population.district_map == s.population.district_map
    assert scenario_sha256(again) == scenario_sha256(s)


def test_a_scenario_without_a_map_resolves_as_before() -> None:
    data = scenario_to_data(load_scenario(SMALL))
    assert "district_map" not in data["population"]


def test_the_name_property_is_the_scenarios_to_choose(tmp_path: Path) -> None:
    renamed = collection(*[
        {**f, "properties": {"nama_kec": f["properties"]["name"]}} for f in GOOD["features"]
    ])
    path = scenario(tmp_path, renamed, "geojson: map.geojson\n    name_property: nama_kec")
    assert set(load_scenario(path).population.district_map.geojson.shapes) == {"north", "south"}  # type: ignore[union-attr]
    message = refused(scenario(tmp_path, renamed))
    assert f"{tmp_path / 'with-map.yaml'}:5: population.district_map.geojson: " in message
    assert "features[0].properties.name: no district name (properties here: nama_kec;" in message


BAD_FILES: list[tuple[str, Any, str]] = [
    ("not JSON", '{"type": "FeatureCollection",\n "features": [}\n', "map.geojson:2: invalid JSON: Expecting value"),
    ("not a collection", {"type": "Feature"}, "map.geojson: type: expected a GeoJSON FeatureCollection"),
    ("no features", collection(), "map.geojson: features: expected a list with one feature per district"),
    ("a point", collection(feature("north", {"type": "Point", "coordinates": [0, 0]})),
     "map.geojson: features[0].geometry.type: 'Point': a district map draws Polygon and MultiPolygon features only"),
    ("no geometry", collection(feature("north", None)),  # type: ignore[arg-type]
     "features[0].geometry: missing; a district needs a Polygon or MultiPolygon"),
    ("open ring", collection(feature("north", {"type": "Polygon", "coordinates": [[*square(0, 0)[:-1], [9, 9]]]})),
     "features[0].geometry.coordinates[0]: the ring is not closed"),
    ("short ring", collection(feature("north", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})),
     "features[0].geometry.coordinates[0]: a ring needs at least 4 positions"),
    ("text position", collection(feature("north", {
        "type": "MultiPolygon", "coordinates": [[square(0, 0)], [[[0, 0], ["a", 1], [1, 1], [0, 0]]]]})),
     'features[0].geometry.coordinates[1][0][1]: expected [longitude, latitude] as numbers, got ["a", 1]'),
]


@pytest.mark.parametrize(("case", "geojson", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_an_invalid_geojson_is_a_located_error(tmp_path: Path, case: str, geojson: Any, expected: str) -> None:
    message = refused(scenario(tmp_path, geojson))
    assert f"{tmp_path / 'with-map.yaml'}:5: population.district_map.geojson: {tmp_path / 'map.geojson'}" in message
    assert expected in message


def test_a_file_that_does_not_exist_is_a_located_error(tmp_path: Path) -> None:
    for command in ("validate", "run"):
        message = refused(scenario(tmp_path, None, "geojson: maps/nowhere.geojson"), command)
        assert f"with-map.yaml:5: population.district_map.geojson: {tmp_path / 'maps' / 'nowhere.geojson'}: " \
               "no such file" in message


def test_the_reader_refuses_what_is_too_large(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ikdsim.scenario import geojson

    monkeypatch.setattr(geojson, "MAX_MAP_POSITIONS", 9)
    (tmp_path / "map.geojson").write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(InputError, match=r"where: .*map.geojson: features\[1\]: more than 9 positions"):
        geojson.read_geojson(tmp_path / "map.geojson", "name", "where")


def test_the_bundled_scenario_and_its_variants_carry_the_schematic_map() -> None:
    for name in ("balikpapan-2026", "balikpapan-2026-more-teams"):
        s = load_scenario(name)
        assert s.population.district_map is not None
        shapes = s.population.district_map.geojson
        assert shapes.schematic and set(shapes.shapes) == set(s.population.districts)


def test_a_copy_of_a_bundled_scenario_keeps_its_shipped_map(tmp_path: Path) -> None:
    from ikdsim.scenario.bundled import bundled

    copy = tmp_path / "my-city.yaml"  # the tutorial's first step: cp scenarios/balikpapan-2026.yaml my-city.yaml
    copy.write_text(bundled()["balikpapan-2026"].read_text(encoding="utf-8"), encoding="utf-8")
    assert load_scenario(copy).population.district_map == load_scenario("balikpapan-2026").population.district_map
    # A file of the same name beside the copy is the copy's own; a path with a folder never falls back.
    (tmp_path / "balikpapan-kecamatan.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match=r"balikpapan-kecamatan\.geojson"):
        load_scenario(copy)
    text = copy.read_text(encoding="utf-8")
    moved = text.replace("geojson: balikpapan-kecamatan", "geojson: maps/balikpapan-kecamatan")
    copy.write_text(moved, encoding="utf-8")
    with pytest.raises(InputError, match="no such file"):
        load_scenario(copy)
