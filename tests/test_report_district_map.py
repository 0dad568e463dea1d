"""The district map: one patch per district coloured by its share, MultiPolygons and holes, the
target on the colour bar, and the map in the report and `ikdsim plot` only when the scenario
names a GeoJSON (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.reporting import district_map
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.plots import TARGET_COLOUR, new_figure
from ikdsim.reporting.report import build_report
from ikdsim.scenario.districts import DistrictMap
from ikdsim.scenario.loader import load_scenario
from tests.test_geojson import GOOD, SMALL, collection, feature, scenario, square

runner = CliRunner()
SHORT = ["horizon.end=2026-03-31", "target.by=2026-03-31", "target.share=0.12"]
MAP_ALT = 'alt="map of the share activated by district"'


def ring(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [*points, points[0]]


SHAPES = {
    "north": [[ring([(0, 1), (2, 1), (2, 2), (0, 2)])]],
    "east": [[ring([(2, 0), (3, 0), (3, 2), (2, 2)])]],
    "south": [[ring([(0, 0), (2, 0), (2, 1), (0, 1)])]],
}


def test_one_patch_per_district_in_the_colour_of_its_share() -> None:
    shares = {"north": 0.10, "east": 0.25, "south": 0.40}
    _, (ax,) = new_figure()
    drawn = district_map.draw(ax, SHAPES, shares, target_share=0.30)
    assert len(ax.patches) == 3 and set(drawn.patches) == set(SHAPES)
    for name, share in shares.items():
        assert drawn.patches[name].get_facecolor() == pytest.approx(drawn.cmap(drawn.norm(share)))
    colours = {tuple(p.get_facecolor()) for p in drawn.patches.values()}
    assert len(colours) == 3
    # More share is darker (the colour map runs from light to dark).
    luminance = {n: np.dot(drawn.patches[n].get_facecolor()[:3], (0.2126, 0.7152, 0.0722)) for n in shares}
    assert luminance["north"] > luminance["east"] > luminance["south"]
    # Each label names its district (the shared prefix, none here, would be dropped) and its share.
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["east\n25.0\u00a0%", "north\n10.0\u00a0%", "south\n40.0\u00a0%"]
    # The patch holds the label: each label sits inside its own district.
    for text in ax.texts:
        name = text.get_text().split("\n")[0]
        assert drawn.patches[name].get_path().contains_point(text.get_position())


def test_a_district_without_a_result_is_grey_and_says_so() -> None:
    _, (ax,) = new_figure()
    drawn = district_map.draw(ax, SHAPES, {"north": 0.2, "east": 0.3})
    assert drawn.patches["south"].get_facecolor() == pytest.approx(to_rgba(district_map.NO_SHARE))
    assert any(t.get_text() == "south\nno result" for t in ax.texts)


def pixel(fig: Any, ax: Any, x: float, y: float) -> tuple[float, ...]:
    """The rendered colour at data point (x, y)."""
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return tuple(image[image.shape[0] - 1 - round(py), round(px)] / 255)


@pytest.mark.parametrize("hole_turns_as_outer", [False, True])
def test_a_multipolygon_with_a_hole_is_one_patch(hole_turns_as_outer: bool) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    outer = ring([(0, 0), (4, 0), (4, 4), (0, 4)])  # counterclockwise
    hole = ring([(1, 1), (1, 3), (3, 3), (3, 1)])  # clockwise, as RFC 7946 asks
    if hole_turns_as_outer:  # as older exports write it: the fill rule alone would not cut it out
        hole = hole[::-1]
    island = ring([(6, 0), (7, 0), (7, 1), (6, 1)])
    fig, (ax,) = new_figure()
    FigureCanvasAgg(fig)
    drawn = district_map.draw(ax, {"bay": [[outer, hole], [island]]}, {"bay": 0.5})
    assert len(ax.patches) == 1
    fill = drawn.patches["bay"].get_facecolor()
    assert pixel(fig, ax, 0.5, 0.5)[:3] == pytest.approx(fill[:3], abs=0.02)
    assert pixel(fig, ax, 6.5, 0.5)[:3] == pytest.approx(fill[:3], abs=0.02)  # the second polygon
    assert pixel(fig, ax, 2.2, 1.6)[:3] == pytest.approx((1, 1, 1), abs=0.02)  # the hole (the label is at 2, 2)
    assert pixel(fig, ax, 5, 0.5)[:3] == pytest.approx((1, 1, 1), abs=0.02)  # between the parts
    assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 7


def test_labels_stay_inside_a_concave_district() -> None:
    # A C shape: its centroid lies in the gap, outside the district.
    c_shape = [ring([(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3)])]
    x, y = district_map.label_point([c_shape])
    from matplotlib.path import Path as MplPath

    assert MplPath(np.array(c_shape[0])).contains_point((x, y))


def test_colour_range_covers_shares_and_target() -> None:
    assert district_map.colour_range([0.12, 0.18], 0.30) == pytest.approx((0.10, 0.30))
    assert district_map.colour_range([0.31, 0.52], 0.30) == pytest.approx((0.30, 0.55))
    low, high = district_map.colour_range([0.2, 0.2], None)
    assert low < 0.2 <= high


def test_short_names_drop_only_a_shared_prefix() -> None:
    assert district_map.short_names(["balikpapan-utara", "balikpapan-kota"]) == {
        "balikpapan-utara": "utara", "balikpapan-kota": "kota"}
    assert district_map.short_names(["north", "nowhere"]) == {"north": "north", "nowhere": "nowhere"}
    assert district_map.short_names(["only-one"]) == {"only-one": "only-one"}


def mapped() -> DistrictMap:
    shapes = {"file": "map.geojson", "schematic": True, "shapes": SHAPES}
    return DistrictMap.model_validate({"geojson": shapes, "source": "drawn for a test"})


@pytest.mark.parametrize(("code", "schematic", "target_label"), [
    ("en", "Schematic boundaries, not survey boundaries", "target 30\u00a0%"),
    ("id", "Batas skematis, bukan batas hasil survei", "target 30\u00a0%"),
])
def test_figure_marks_the_target_and_says_the_boundaries_are_schematic(
    code: str, schematic: str, target_label: str
) -> None:
    fig = district_map.figure("city", mapped(), {"north": 0.1, "east": 0.2, "south": 0.25}, 0.30, Lang(code))
    ax, bar = fig.axes
    assert ax.get_xlabel().startswith(schematic) and "map.geojson (drawn for a test)" in ax.get_xlabel()
    target_lines = [line for line in bar.lines if line.get_color() == TARGET_COLOUR]
    assert len(target_lines) == 1 and target_lines[0].get_ydata()[0] == pytest.approx(0.30)
    assert target_label in [t.get_text() for t in bar.texts]
    assert bar.get_ylim() == pytest.approx((0.10, 0.30))
    ticks = [t.get_text() for t in bar.get_yticklabels()]
    assert ticks[0] == "10\u00a0%" and ticks[-1] == "30\u00a0%"


def test_a_map_that_is_not_schematic_does_not_say_so() -> None:
    plain = DistrictMap.model_validate({"geojson": {"file": "official.geojson", "shapes": SHAPES}})
    assert district_map.note(plain) == "Boundaries: official.geojson."


def test_the_report_has_the_map_when_the_scenario_names_a_geojson(tmp_path: Path) -> None:
    with_map = load_scenario(scenario(tmp_path), SHORT)
    html = build_report([with_map], replicates=2, attribution=False)
    assert html.count(MAP_ALT) == 1
    assert 'alt="share by district"' in html  # the bar chart stays
    without = build_report([load_scenario(SMALL, SHORT)], replicates=2, attribution=False)
    assert MAP_ALT not in without and "map.geojson" not in without
    assert html.count("<img") == without.count("<img") + 1


def test_the_indonesian_report_labels_the_map_in_indonesian(tmp_path: Path) -> None:
    html = build_report([load_scenario(scenario(tmp_path), SHORT)], replicates=2, attribution=False, lang="id")
    assert 'alt="peta capaian aktivasi per kecamatan"' in html and MAP_ALT not in html


def test_plot_writes_the_map_beside_the_district_chart_only_when_there_is_one(tmp_path: Path) -> None:
    path = scenario(tmp_path, collection(*GOOD["features"]))
    changes = [arg for change in SHORT for arg in ("--set", change)]
    for source, expected in ((path, True), (SMALL, False)):
        out = tmp_path / f"run-{expected}"
        result = runner.invoke(app, ["run", str(source), "--out", str(out), *changes])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["plot", str(out)])
        assert result.exit_code == 0, result.output
        assert (out / "districts.png").is_file()
        assert (out / "district_map.png").is_file() is expected


def test_a_map_with_an_island_draws_from_a_scenario(tmp_path: Path) -> None:
    islands = collection(
        feature("north", {"type": "Polygon", "coordinates": [square(0, 1)]}),
        feature("south", {"type": "Polygon", "coordinates": [square(0, 0)]}),
        feature("south", {"type": "Polygon", "coordinates": [square(3, 0, 0.3)]}),  # an island, its own feature
    )
    (tmp_path / "islands.geojson").write_text(json.dumps(islands), encoding="utf-8")
    s = load_scenario(scenario(tmp_path, None, "geojson: islands.geojson"))
    assert s.population.district_map is not None
    fig = district_map.figure("x", s.population.district_map, {"north": 0.2, "south": 0.3})
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    south = next(p for p in ax.patches if p.get_path().contains_point((0.5, 0.5)))
    assert south.get_path().contains_point((3.1, 0.1))
