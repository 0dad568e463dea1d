"""Plausibility warnings: valid but probably unmeant values are flagged, located, and never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, minimal
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.scenario.bundled import bundled
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.plausible import MAX_RATE, MIN_CITY, findings

DATA = Path(__file__).parent / "data"
TEXT = (DATA / "small.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def implausible(tmp_path: Path) -> tuple[Path, str]:
    text = (
        TEXT.replace("total: 100000", "total: 600")
        .replace("initial_activated: 7000", "initial_activated: 0")
        .replace("base_rate: 0.03", "base_rate: 2")
    )
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_validate_warns_with_the_line_and_exits_0(tmp_path: Path) -> None:
    path, text = implausible(tmp_path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid scenario 'small' (2 warning(s))" in " ".join(result.stdout.split())
    warnings = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
    assert len(warnings) == 2, result.stderr
    assert f"city.yaml:{line(text, 'total: 600')}: population.total" in warnings[0] and "600000" in warnings[0]
    assert f"city.yaml:{line(text, 'base_rate: 2')}: adoption.base_rate" in warnings[1] and "per year" in warnings[1]


def test_run_warns_on_stderr_and_still_writes_results(tmp_path: Path) -> None:
    path, _ = implausible(tmp_path)
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning:") == 2
    assert "warning" not in result.stdout
    assert (tmp_path / "out" / "summary.json").is_file()


def test_a_set_override_is_named_in_the_warning(tmp_path: Path) -> None:
    path, _ = implausible(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--set", "services.health.conversion=0.9"])
    assert result.exit_code == 0
    assert "--set services.health.conversion=0.9: services[0].conversion: encounters_per_year × conversion" in (
        " ".join(result.stderr.split())
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"total": MIN_CITY}, []),
        ({"total": MIN_CITY - 1}, [("population", "total")]),
        ({"base_rate": MAX_RATE}, []),
        ({"base_rate": MAX_RATE * 1.01}, [("adoption", "base_rate")]),
        ({"word_of_mouth": 1.5}, [("adoption", "word_of_mouth")]),
    ],
)
def test_thresholds(changes: dict[str, float], expected: list[tuple[str, ...]]) -> None:
    scenario = build(minimal(**changes))
    assert [loc for loc, _ in findings(scenario)] == expected


def test_a_strong_requirement_is_not_flagged_but_a_strong_voluntary_rate_is() -> None:
    data = minimal()
    service = {"name": "bansos", "users": {"all": 1.0}, "encounters_per_year": 4, "conversion": 0.05}
    data["services"] = [{**service, "required_from": data["horizon"]["start"], "required_conversion": 0.5}]
    assert findings(build(data)) == []
    data["services"] = [{**service, "conversion": 0.3}]
    assert [loc for loc, _ in findings(build(data))] == [("services", 0, "conversion")]


@pytest.mark.parametrize("name", sorted(bundled()))
def test_bundled_scenarios_raise_no_warning(name: str) -> None:
    assert findings(load_scenario(name)) == []


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("compare", [str(DATA / "small.yaml"), "--replicates", "2"]),  # a plausible second scenario
        ("solve", ["--lever", "adoption.word_of_mouth", "--min", "0", "--max", "0.2", "--tolerance", "0.1",
                   "--replicates", "2"]),
        ("report", ["--replicates", "2", "--no-attribution"]),
    ],
)
def test_commands_that_run_a_scenario_print_its_warnings(tmp_path: Path, command: str, options: list[str]) -> None:
    path, text = implausible(tmp_path)
    out = tmp_path / ("report.html" if command == "report" else "out")
    horizon = ["--set", "horizon.end=2026-02-01", "--set", "target.by=2026-02-01"]
    result = runner.invoke(app, [command, str(path), *horizon, *options, "-w", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
    assert len(warnings) == 2, result.stderr
    assert f"city.yaml:{line(text, 'total: 600')}: population.total" in warnings[0]
    assert "warning" not in result.stdout
