"""The traps an analyst falls into on a first scenario: each gets a message that says what to
write instead, with the file, line and field (or the --set that caused it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.scenario.loader import load_scenario

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
TEXT = SMALL.read_text(encoding="utf-8")
runner = CliRunner()


def validate_text(tmp_path: Path, text: str, *sets: str) -> tuple[int, str]:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["validate", str(path)]
    for s in sets:
        args += ["--set", s]
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_indonesian_thousands_separator_is_refused_in_the_file(tmp_path: Path) -> None:
    text = TEXT.replace("total: 100000", "total: 600.000")
    code, out = validate_text(tmp_path, text)
    assert code == 2
    assert f"city.yaml:{line(text, '600.000')}" in out and "population.total" in out and "600000" in out


def test_indonesian_thousands_separator_is_refused_through_set(tmp_path: Path) -> None:
    code, out = validate_text(tmp_path, TEXT, "population.total=600.000")
    assert code == 2 and "--set population.total=600.000" in out and "write 600000" in out


@pytest.mark.parametrize("value", ["30", "30%", "45.5"])
def test_shares_written_as_percentages(tmp_path: Path, value: str) -> None:
    text = TEXT.replace("conversion: 0.02", f"conversion: {value}")
    code, out = validate_text(tmp_path, text)
    assert code == 2 and "services[0].conversion" in out and "fractions" in out
    assert f"city.yaml:{line(text, 'conversion: ' + value)}" in out


def test_share_in_a_table_of_shares(tmp_path: Path) -> None:
    code, out = validate_text(tmp_path, TEXT.replace("worker: 0.95", "worker: 95"))
    assert code == 2 and "services[0].users.worker" in out and "write 0.95" in out


@pytest.mark.parametrize(
    ("written", "expect"),
    [("2026-02-30", "day is out of range"), ("01-03-2026", "YYYY-MM-DD"), ("2026/03/01", "YYYY-MM-DD")],
)
def test_dates_name_their_line_field_and_format(tmp_path: Path, written: str, expect: str) -> None:
    text = TEXT.replace("integrated_from: 2026-03-01", f"integrated_from: {written}")
    code, out = validate_text(tmp_path, text)
    assert code == 2 and expect in out and "YYYY-MM-DD" in out
    assert f"city.yaml:{line(text, written)}" in out and "integrated_from" in out


def test_indonesian_weekday_names_are_accepted(tmp_path: Path) -> None:
    text = TEXT.replace(
        "{name: office, districts: all, counters: 2,",
        "{name: office, districts: all, open_weekdays: [senin, selasa, rabu, kamis, Jumat, sabtu], counters: 2,",
    )
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.channels.service_points[0].open_weekdays == ["mon", "tue", "wed", "thu", "fri", "sat"]


def test_unknown_weekday_lists_what_is_allowed(tmp_path: Path) -> None:
    text = TEXT.replace("{name: office, districts: all,", "{name: office, districts: all, open_weekdays: [funday],")
    code, out = validate_text(tmp_path, text)
    assert code == 2 and "open_weekdays" in out and "'mon'" in out
