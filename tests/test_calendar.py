"""calendar: {country: ID}: a country's holidays from the holidays package, plus add: and remove:."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import pytest
from conftest import build, minimal
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.model.calendar import Calendar as DayCalendar
from ikdsim.model.engine import simulate
from ikdsim.scenario.loader import load_scenario, scenario_sha256, scenario_to_data

DATA = Path(__file__).parent / "data"
TEXT = (DATA / "small.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def package_days(first: dt.date, last: dt.date, categories: tuple[str, ...] = ("public", "government")) -> set[dt.date]:
    found = holidays.country_holidays("ID", years=range(first.year, last.year + 1), categories=categories)
    return {d for d in found if first <= d <= last}


def scenario(calendar: dict[str, Any], start: dt.date = dt.date(2025, 11, 17), days: int = 410) -> Any:
    data = minimal(days=days)
    data["horizon"]["start"] = start
    data["horizon"]["end"] = start + dt.timedelta(days=days - 1)
    data["target"]["by"] = data["horizon"]["end"]
    data["calendar"] = calendar
    return build(data)


def test_country_gives_public_holidays_and_cuti_bersama_of_every_year_in_the_horizon() -> None:
    s = scenario({"country": "ID"})
    got = set(s.holiday_dates)
    assert got == package_days(s.horizon.start, s.horizon.end)
    # Both years of the horizon, clipped to it, and both categories (the second is cuti bersama).
    assert {d.year for d in got} == {2025, 2026}
    assert min(got) >= s.horizon.start
    assert package_days(s.horizon.start, s.horizon.end, ("government",)) < got
    assert package_days(s.horizon.start, s.horizon.end, ("public",)) < got


def test_categories_choose_part_of_the_list() -> None:
    s = scenario({"country": "id", "categories": ["public"]})
    assert set(s.holiday_dates) == package_days(s.horizon.start, s.horizon.end, ("public",))


def test_add_and_remove_change_the_days_by_date() -> None:
    base = scenario({"country": "ID"})
    listed = base.holiday_dates
    workday = next(d for d in (base.horizon.start + dt.timedelta(days=i) for i in range(60)) if d not in listed)
    s = scenario({"country": "ID", "add": [workday], "remove": [listed[-1]]})
    assert set(s.holiday_dates) == (set(listed) | {workday}) - {listed[-1]}


def test_a_holiday_closes_the_service_points() -> None:
    s = scenario({"country": "ID"}, days=400)
    days = DayCalendar(s)
    result = simulate(s, seed=1)
    closed = np.flatnonzero(days.holiday)
    assert len(closed) == len(s.holiday_dates)
    assert result.daily["activations"][closed].sum() == 0
    assert result.daily["activations"].sum() > 0


def test_resolved_scenario_holds_the_dates_and_hashes_like_the_explicit_list() -> None:
    by_country = scenario({"country": "ID", "remove": [dt.date(2026, 12, 24)]})
    explicit = scenario({"holidays": by_country.holiday_dates})
    data = scenario_to_data(by_country)
    assert data["calendar"] == {"holidays": [d.isoformat() for d in by_country.holiday_dates]}
    assert scenario_sha256(by_country) == scenario_sha256(explicit)
    assert simulate(by_country, seed=3).summary == simulate(explicit, seed=3).summary


def test_the_old_explicit_list_still_works() -> None:
    s = scenario({"holidays": [dt.date(2026, 8, 17), dt.date(2026, 1, 1)]})
    assert s.holiday_dates == [dt.date(2026, 1, 1), dt.date(2026, 8, 17)]


def test_bundled_scenarios_use_the_package() -> None:
    for name in ("balikpapan-2026", "balikpapan-history"):
        s = load_scenario(name, [])
        assert s.calendar.country == "ID" and not s.calendar.holidays
        assert set(s.holiday_dates) == package_days(s.horizon.start, s.horizon.end)


def line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("calendar", "needle", "words"),
    [
        ("  country: XX\n", "country: XX", ["calendar.country", "'XX'", "ISO 3166-1"]),
        ("  country: ID\n  remove: [2026-03-03]\n", "remove:", ["calendar.remove[0]", "2026-03-03", "not a holiday"]),
        ("  country: ID\n  add: [2027-01-04]\n", "add:", ["calendar.add[0]", "outside the horizon"]),
        ("  add: [2026-03-03]\n", "add:", ["calendar.add", "needs country"]),
        ("  country: ID\n  holidays: [2026-03-03]\n", "holidays: [", ["calendar.holidays", "add:"]),
        ("  country: ID\n  categories: [bank]\n", "categories:", ["calendar.categories", "'bank'", "government"]),
        ("  country: ID\n  add: [2026-02-30]\n", "2026-02-30", ["calendar.add[0]", "YYYY-MM-DD"]),
    ],
)
def test_mistakes_are_located(tmp_path: Path, calendar: str, needle: str, words: list[str]) -> None:
    text = TEXT.replace("calendar:\n  holidays: [2026-08-17]\n", "calendar:\n" + calendar)
    assert text != TEXT
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    out = " ".join(result.output.split())
    for word in words:
        assert word in out, (word, out)
    assert f"city.yaml:{line(text, needle)}: calendar." in out, out


def test_a_variant_changes_the_days_in_a_few_lines_and_errors_point_into_it(tmp_path: Path) -> None:
    base = load_scenario("balikpapan-2026")
    day = base.holiday_dates[-1]
    path = tmp_path / "variant.yaml"
    path.write_text(f"extends: balikpapan-2026\nname: v\ncalendar:\n  remove: [{day}]\n", encoding="utf-8")
    assert load_scenario(path).holiday_dates == base.holiday_dates[:-1]
    path.write_text("extends: balikpapan-2026\nname: v\ncalendar:\n  remove: [2026-03-03]\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "variant.yaml:4: calendar.remove[0]" in " ".join(result.output.split())
