"""Per-district starting shares (population.districts items), `run --by district`, and the
district map's names against the districts (population.district_map)."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import build, small_data
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.model.engine import simulate
from ikdsim.model.population import build_segments
from ikdsim.scenario.loader import load_scenario, scenario_sha256, scenario_to_data
from tests.test_geojson import GOOD, collection, feature, refused, scenario, square

DATA = Path(__file__).parent / "data"
TEXT = (DATA / "small.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def with_north(**north: Any) -> dict[str, Any]:
    data = small_data()
    data["population"]["districts"]["north"] = {"share": 0.6, **north}
    return data


def activated_at_start(data: dict[str, Any]) -> dict[str, int]:
    segments = build_segments(build(data))
    return {
        name: int(segments.initial_activated[segments.district == i].sum()) for i, name in enumerate(segments.districts)
    }


def test_a_known_district_starts_at_its_share_and_the_others_share_the_rest() -> None:
    data = with_north(initial_activated_share=0.1, source="SIAK Nov 2025")
    scenario = build(data)
    total, city = scenario.population.total, scenario.population.initial_count
    start = activated_at_start(data)
    assert start["north"] == round(0.1 * 0.6 * total)
    assert start["south"] == city - start["north"]
    # Without the district's figure the same city total spreads evenly: north would hold 60 %.
    even = activated_at_start(small_data())
    assert sum(even.values()) == city and even["north"] != start["north"]


def test_every_district_known_fixes_the_city_total() -> None:
    data = with_north(initial_activated_share=0.05)
    data["population"]["districts"]["south"] = {"share": 0.4, "initial_activated_share": 0.2}
    del data["population"]["initial_activated"]
    scenario = build(data)
    total = scenario.population.total
    assert scenario.population.initial_count == round(0.05 * 0.6 * total) + round(0.2 * 0.4 * total)
    assert activated_at_start(data) == {"north": round(0.05 * 0.6 * total), "south": round(0.2 * 0.4 * total)}


def test_short_form_resolves_and_hashes_as_before() -> None:
    plain = build(small_data())
    assert scenario_to_data(plain)["population"]["districts"] == {"north": 0.6, "south": 0.4}
    spelled = build(with_north())  # the long form without a starting share is the same district
    assert scenario_sha256(spelled) == scenario_sha256(plain)
    known = build(with_north(initial_activated_share=0.1))
    assert scenario_to_data(known)["population"]["districts"]["north"]["initial_activated_share"] == 0.1
    assert scenario_sha256(known) != scenario_sha256(plain)


def validate_text(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("districts", "city", "needle", "words"),
    [
        ("{north: {share: 0.6, initial_activated_share: 0.3}, south: 0.4}", "initial_activated: 7000",
         "initial_activated: 7000", ["population.initial_activated", "18,000", "7,000"]),
        ("{north: {share: 0.6, initial_activated_share: 0.01}, south: 0.4}", "", "population:",
         ["population.initial_activated", "only some districts", "['south']"]),
        ("{north: {share: 0.6, initial_activated_share: 0.01}, south: {share: 0.4, initial_activated_share: 0.01}}",
         "initial_activated: 7000", "initial_activated: 7000", ["remove initial_activated"]),
        ("{north: {share: 0.6, initial_activated_share: 0.95}, south: 0.4}", "initial_activated: 7000", "districts:",
         ["population.districts.north.initial_activated_share", "usable smartphone"]),
        ("{north: 60, south: 0.4}", "initial_activated: 7000", "districts:", ["population.districts.north", "0.6"]),
        ("{north: {share: 0.6, start: 0.1}, south: 0.4}", "initial_activated: 7000", "districts:",
         ["population.districts.north.start", "unknown field"]),
    ],
)
def test_mistakes_are_located(tmp_path: Path, districts: str, city: str, needle: str, words: list[str]) -> None:
    text = TEXT.replace("districts: {north: 0.6, south: 0.4}", f"districts: {districts}")
    text = text.replace("  initial_activated: 7000\n", f"  {city}\n" if city else "")
    code, out = validate_text(tmp_path, text)
    assert code == 2, out
    for word in words:
        assert word in out, (word, out)
    assert f"city.yaml:{line(text, needle)}:" in out, out


def test_run_by_district_prints_each_district_against_the_target(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(DATA / "small.yaml"), "--by", "district", "--out", str(out)], env={
        "COLUMNS": "200"
    })
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│ ")}
    with (out / "districts.csv").open(encoding="utf-8") as fh:
        final = {r["district"]: int(r["activated"]) for r in csv.DictReader(fh) if r["date"] == "2026-12-31"}
    assert set(final) <= set(rows) and set(final) == {"north", "south"}
    for name, activated in final.items():
        cells = [c.strip() for c in rows[name].split("│")[1:-1]]
        size = int(cells[1].replace(",", ""))
        assert int(cells[3].replace(",", "")) == activated
        assert cells[4] == f"{activated / size:.2%}"
        needed = math.ceil(round(0.30 * size, 6)) - activated
        assert cells[5] == (f"{needed:,}" if needed > 0 else "reached")
    assert np.isclose(sum(int(c.split("│")[2].strip().replace(",", "")) for c in map(rows.get, final)), 100_000)


def test_by_district_over_replicates_shows_each_district_s_spread(tmp_path: Path) -> None:
    n = 3
    args = ["run", str(DATA / "small.yaml"), "--by", "district", "--replicates", str(n), "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│ ")}
    scenario = load_scenario(DATA / "small.yaml")
    # Replicate i of run --replicates is simulate(seed, replicate=i) for a scenario without unknowns.
    runs = [simulate(scenario, seed=scenario.seed, replicate=i) for i in range(n)]
    for d, name in enumerate(scenario.population.districts):
        shares = [r.district_activated[-1, d] / r.district_size[d] for r in runs]
        cells = [c.strip() for c in rows[name].split("│")[1:-1]]
        assert cells[1] == f"{np.mean(shares):.2%}"
        assert cells[3] == f"{sum(x >= scenario.target.share for x in shares) / n:.0%}"


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_missing_or_extra_district_is_a_located_error(tmp_path: Path, command: str) -> None:
    only_north = collection(GOOD["features"][0])
    message = refused(scenario(tmp_path, only_north), command)
    assert f"{tmp_path / 'with-map.yaml'}:5: population.district_map.geojson: map.geojson has no feature " \
           "whose 'name' is south; its features name north" in message
    extra = collection(*GOOD["features"], feature("east", {"type": "Polygon", "coordinates": [square(5, 5)]}))
    message = refused(scenario(tmp_path, extra), command)
    assert "with-map.yaml:5: population.district_map.geojson: map.geojson has features for east, which are " \
           "not districts of this scenario (population.districts: north, south)" in message


def test_a_path_given_by_set_is_refused_with_the_reason() -> None:
    path_by_set = "population.district_map.geojson=map.geojson"
    result = runner.invoke(app, ["validate", str(DATA / "small.yaml"), "--set", path_by_set])
    assert result.exit_code == 2
    assert "population.district_map.geojson" in result.output and "(--set cannot)" in result.output
