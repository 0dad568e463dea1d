"""The `ikdsim` command end to end: outputs, determinism, bundled scenarios, entry points."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ikdsim
from ikdsim.cli.app import app
from tests.conftest import SMALL

runner = CliRunner()


def test_run_writes_the_documented_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "daily.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 365
    header = list(rows[0])
    lead = ["date", "day", "activated", "activated_share", "intents_new", "activations", "waiting", "gave_up"]
    assert header[:8] == lead
    assert {"activations_office", "activations_kel-north", "activations_team"} <= set(header)
    assert {"intents_base", "intents_word_of_mouth", "intents_service_health", "intents_campaign_drive",
            "intents_outreach_team"} <= set(header)
    summary = json.loads((out / "summary.json").read_text())
    for key in ["final_activated", "final_share", "target_share", "target_by", "target_reached", "date_target_reached",
                "activations_by_channel", "intents_by_cause", "gave_up", "peak_waiting", "mean_wait_days",
                "p90_wait_days", "seed", "scenario_sha256", "ikdsim_version"]:
        assert key in summary
    # The console, the daily table and the summary tell the same story.
    verdict = "target reached" if summary["target_reached"] else "target NOT reached"
    assert f"{summary['scenario']}: {verdict}" in result.output
    assert int(rows[-1]["activated"]) == summary["final_activated"]
    assert sum(int(r["activations"]) for r in rows) == sum(summary["activations_by_channel"].values())
    assert sum(int(r["gave_up"]) for r in rows) == summary["gave_up"]
    with (out / "districts.csv").open() as fh:
        districts = list(csv.DictReader(fh))
    assert len(districts) == 365 * 2
    last = [r for r in districts if r["date"] == rows[-1]["date"]]
    assert sum(int(r["activated"]) for r in last) == summary["final_activated"]
    # The resolved scenario reproduces the run.
    again = tmp_path / "again"
    assert runner.invoke(app, ["run", str(out / "scenario.resolved.yaml"), "--out", str(again)]).exit_code == 0
    assert (again / "daily.csv").read_bytes() == (out / "daily.csv").read_bytes()


def test_same_seed_same_bytes_and_seed_option(tmp_path: Path) -> None:
    def run(name: str, *extra: str) -> bytes:
        out = tmp_path / name
        result = runner.invoke(app, ["run", str(SMALL), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        return b"".join((out / f).read_bytes() for f in ("daily.csv", "districts.csv", "summary.json"))

    first, second = run("a"), run("b")
    other, again = run("c", "--seed", "5"), run("d", "--seed", "5")
    assert first == second
    assert other != first
    assert other == again


def test_set_changes_the_run(tmp_path: Path) -> None:
    base = runner.invoke(app, ["run", str(SMALL), "--out", str(tmp_path / "a")])
    more = runner.invoke(
        app, ["run", str(SMALL), "--out", str(tmp_path / "b"), "--set", "channels.outreach.team.teams=6"]
    )
    assert base.exit_code == more.exit_code == 0
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert b["activations_by_channel"]["team"] > 2 * a["activations_by_channel"]["team"]
    resolved = (tmp_path / "b" / "scenario.resolved.yaml").read_text()
    assert "teams: 6" in resolved


def test_schema_scenarios_version_and_module_entry() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    assert schema["title"] == "Scenario"
    assert "horizon" in schema["properties"]
    assert schema["additionalProperties"] is False
    listing = runner.invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    assert "balikpapan-2026 (default)" in listing.output
    assert "balikpapan-history" in listing.output
    version = runner.invoke(app, ["--version"])
    assert version.output.strip() == f"ikdsim {ikdsim.__version__}"
    module = subprocess.run([sys.executable, "-m", "ikdsim", "--version"], capture_output=True, text=True, check=True)
    assert module.stdout.strip() == f"ikdsim {ikdsim.__version__}"


def test_default_run_without_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "results" / "balikpapan-2026" / "summary.json").exists()


def test_python_api_matches_cli(tmp_path: Path) -> None:
    scenario = ikdsim.load_scenario(SMALL)
    result = ikdsim.simulate(scenario, seed=scenario.seed)
    runner.invoke(app, ["run", str(SMALL), "--out", str(tmp_path / "a")])
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary == json.loads(json.dumps(result.summary))
    frame = result.to_pandas()
    assert list(frame["activated"]) == list(result.daily["activated"])
