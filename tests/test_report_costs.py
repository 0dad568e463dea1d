"""Cost per lever in the report (issue 11): resources with the lever minus without, up to the
target date, priced with the scenario's `costs:`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from conftest import build, small_data
from typer.testing import CliRunner

from ikdsim.analysis.attribute import attribute
from ikdsim.cli.app import app
from ikdsim.reporting.costs import lever_costs
from ikdsim.scenario.costs import Costs
from ikdsim.scenario.loader import dump_yaml, scenario_to_data

COSTS: dict[str, Any] = {
    "counter_day": {"officer_days": 1.0, "rupiah": 400000},
    "team_day": {"officer_days": 3.0},  # no rupiah: team levers get no rupiah figure
    "campaign": {"officer_days": 10, "rupiah": 25000000},
    "source": "assumption: test prices",
}


def scenario_data() -> dict[str, Any]:
    data = small_data()
    data["horizon"]["end"] = "2026-04-30"
    data["target"] = {"share": 0.12, "by": "2026-04-30"}
    data["costs"] = COSTS
    return data


def days(weekdays: set[int], first: dt.date, last: dt.date, holidays: set[dt.date]) -> int:
    """Counted here from the dates alone, not with the model's calendar."""
    n = (last - first).days + 1
    return sum(1 for i in range(n) if (d := first + dt.timedelta(i)).weekday() in weekdays and d not in holidays)


def test_each_lever_costs_what_it_uses_up_to_the_target_date() -> None:
    scenario = build(scenario_data())
    attr = attribute(scenario, 2, candidates=["channels.outreach.team.teams=5"])
    by_lever = {c.lever: c for c in lever_costs(attr, Costs.model_validate(COSTS))}
    holidays = set(scenario.calendar.days_off(scenario.horizon.start, scenario.horizon.end))
    start, by = scenario.horizon.start, scenario.target.by
    office = by_lever["office service point"]
    counter_days = 2 * days({0, 1, 2, 3, 4}, start, by, holidays)  # 2 counters, Monday to Friday
    assert office.used == {"counter_days": counter_days}
    assert office.officer_days == counter_days and office.rupiah == 400000 * counter_days
    team_days = days({0, 2}, start, by, holidays)  # Monday and Wednesday
    outreach = by_lever["team outreach (2 teams)"]
    assert outreach.used == {"team_days": 2 * team_days} and outreach.officer_days == 6 * team_days
    assert outreach.rupiah is None  # team-days have no rupiah price
    assert by_lever["channels.outreach.team.teams=5"].used == {"team_days": 3 * team_days}  # a candidate adds
    campaign = by_lever["drive campaign"]
    assert campaign.used == {"campaigns": 1} and campaign.rupiah == 25000000
    assert by_lever["health integration"].used == {} and by_lever["health integration"].officer_days == 0


def test_report_prices_levers_only_when_the_scenario_gives_costs(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(scenario_data()))
    pages = {}
    for lang in ("en", "id"):
        out = tmp_path / f"{lang}.html"
        args = ["report", str(path), "--replicates", "2", "--lang", lang, "--out", str(out), "--workers", "1"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        pages[lang] = out.read_text()
    assert "What each lever costs" in pages["en"] and "Unit costs: assumption: test prices." in pages["en"]
    assert "Biaya setiap pengungkit" in pages["id"] and "hari kerja petugas" in pages["id"]
    # 400,000 rupiah a counter-day in Indonesian digits: the office's row ends in ".000".
    assert re.search(r"office service point</td><td>[\d.]+ loket-hari</td>", pages["id"])
    without = scenario_data()
    del without["costs"]
    path.write_text(dump_yaml(without))
    out = tmp_path / "none.html"
    args = ["report", str(path), "--replicates", "2", "--out", str(out), "--workers", "1"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert "What each lever costs" not in out.read_text()


def test_a_scenario_without_costs_resolves_and_hashes_as_before() -> None:
    data = scenario_data()
    del data["costs"]
    assert "costs" not in scenario_to_data(build(data))
    assert "costs" in scenario_to_data(build(scenario_data()))
