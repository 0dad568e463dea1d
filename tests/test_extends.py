"""Variants as `extends:` files: the bundled ones resolve to exactly the full files they replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.scenario.loader import load_scenario, read_document, scenario_to_data

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.mark.parametrize("variant", ["madiun-mandate", "more-teams", "no-integration"])
def test_bundled_variants_are_short_and_resolve_to_the_old_full_files(variant: str) -> None:
    path = ROOT / "scenarios" / f"balikpapan-2026-{variant}.yaml"
    assert len(path.read_text(encoding="utf-8").splitlines()) < 30
    data = scenario_to_data(load_scenario(path))
    # The deliberate differences: variants inherit the default's uncertain inputs, and the days off
    # come from the holidays package, which keeps every day of the old list (docs/assumptions.md#holidays).
    data.pop("uncertain")
    # Added since: the base's district map (drawn in reports, not simulated), which variants inherit.
    assert data["population"].pop("district_map")["geojson"]["file"] == "balikpapan-kecamatan.geojson"
    old = read_document(DATA / "variants" / f"balikpapan-2026-{variant}.resolved.yaml").data
    new_days, old_days = data.pop("calendar")["holidays"], old.pop("calendar")["holidays"]
    assert {str(d) for d in old_days} <= set(new_days)
    assert json.dumps(data, sort_keys=True, default=str) == json.dumps(old, sort_keys=True, default=str)


def test_variant_inherits_the_uncertain_inputs_it_does_not_remove() -> None:
    base = load_scenario("balikpapan-2026")
    variant = load_scenario("balikpapan-2026-no-integration")
    assert set(base.uncertain) - set(variant.uncertain) == {"bansos_enforcement"}
    assert "bansos" not in [s.name for s in variant.services]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_point_into_the_file_that_wrote_the_value(tmp_path: Path) -> None:
    base = (DATA / "small.yaml").read_text(encoding="utf-8").replace("base_rate: 0.03", "base_rate: -1")
    write(tmp_path, "base.yaml", base)
    variant = write(tmp_path, "variant.yaml", "extends: base.yaml\nname: v\nseed: 1\n")
    result = runner.invoke(app, ["validate", str(variant)])
    line = base[: base.index("base_rate: -1")].count("\n") + 1
    assert result.exit_code == 2 and f"base.yaml:{line}: adoption.base_rate" in result.output
    variant = write(tmp_path, "variant2.yaml", f"extends: {DATA / 'small.yaml'}\nname: v\nadoption:\n  base_rate: -2\n")
    result = runner.invoke(app, ["validate", str(variant)])
    assert result.exit_code == 2 and "variant2.yaml:4: adoption.base_rate" in result.output


def test_named_items_merge_and_cycles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2 and "cycle" in result.output
    variant = write(
        tmp_path,
        "v.yaml",
        f"extends: {DATA / 'small.yaml'}\nname: v\nchannels:\n  service_points:\n"
        "    - {name: office, counters: 5}\n    - {name: new-point, districts: all}\n",
    )
    scenario = load_scenario(variant)
    points = {p.name: p for p in scenario.channels.service_points}
    assert list(points) == ["office", "kel-north", "new-point"]
    assert points["office"].counters == 5 and points["office"].hours_per_day == 7  # other fields kept
    missing = write(
        tmp_path, "m.yaml", f"extends: {DATA / 'small.yaml'}\nname: m\nservices:\n  - {{name: nope, remove: true}}\n"
    )
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2 and "m.yaml:4" in result.output and "nope" in result.output


def test_unknown_bundled_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path, "v.yaml", "extends: nowhere\nname: v\n"))])
    assert result.exit_code == 2 and "v.yaml:1: extends" in result.output and "balikpapan-2026" in result.output
