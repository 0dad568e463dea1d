"""The policy commands end to end: files written, exit code 2 and no output on bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.scenario.loader import load_scenario

runner = CliRunner()
SMALL = str(Path(__file__).parent / "data" / "small.yaml")
SHORT = ["--set", "horizon.end=2026-04-30", "--set", "target.by=2026-04-30", "--set", "target.share=0.12"]
ONE = ["--workers", "1"]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_compare_writes_comparison_and_plot(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    more = tmp_path / "more-teams.yaml"
    more.write_text(Path(SMALL).read_text().replace("teams: 2", "teams: 3").replace("name: small", "name: more"))
    result = runner.invoke(app, ["compare", SMALL, str(more), *SHORT, "--replicates", "3", "--out", str(out),
                                 "--plot", *ONE])
    assert result.exit_code == 0, result.output
    assert "more minus small" in result.output
    table = rows(out / "comparison.csv")
    assert [r["metric"] for r in table] == ["final_share", "activations", "target_reached", "days_to_target"]
    assert {"paired_low", "paired_high", "unpaired_low", "unpaired_high", "width_ratio"} <= set(table[0])
    assert float(table[0]["difference"]) > 0  # a third team activates more people
    identical = runner.invoke(app, ["compare", SMALL, SMALL, *SHORT, "--replicates", "2", *ONE,
                                    "--out", str(tmp_path / "same")])
    assert identical.exit_code == 0 and "Identical in every replicate" in identical.output
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(rows(out / "paths.csv")) == 2 * 120
    meta = json.loads((out / "compare.json").read_text())
    assert meta["replicates"] == 3 and meta["seed"] == 42


def test_solve_attribute_calibrate_write_their_files(tmp_path: Path) -> None:
    solved = runner.invoke(app, ["solve", SMALL, *SHORT, "--lever", "channels.outreach.team.teams", "--min", "0",
                                 "--max", "4", "--replicates", "3", "--out", str(tmp_path / "s"), "--plot", *ONE])
    assert solved.exit_code == 0, solved.output
    summary = json.loads((tmp_path / "s" / "solve.json").read_text())
    assert summary["status"] == "found" and "Answer" in solved.output
    assert {r["value"] for r in rows(tmp_path / "s" / "solve.csv")} >= {"0", "4", summary["answer"]}
    assert (tmp_path / "s" / "probability.png").is_file()

    attributed = runner.invoke(app, ["attribute", SMALL, *SHORT, "--replicates", "2", "--candidate",
                                     "channels.outreach.team.teams=3", "--out", str(tmp_path / "a"), *ONE])
    assert attributed.exit_code == 0, attributed.output
    levers = rows(tmp_path / "a" / "attribution.csv")
    assert levers[-1]["lever"] == "channels.outreach.team.teams=3" and levers[-1]["in_scenario"] == "False"
    assert [m["month"] for m in rows(tmp_path / "a" / "months.csv")] == ["2026-01", "2026-02", "2026-03", "2026-04"]

    obs = tmp_path / "obs.csv"
    obs.write_text("date,activated,source\n2026-03-01,10400,test\n2026-04-30,14000,test\n")
    calibrated = runner.invoke(app, ["calibrate", SMALL, *SHORT, "--fit", "adoption.base_rate=0.01:0.2",
                                     "--observations", str(obs), "--replicates", "2", "--out", str(tmp_path / "c"),
                                     "--plot", *ONE])
    assert calibrated.exit_code == 0, calibrated.output
    fit = json.loads((tmp_path / "c" / "calibration.json").read_text())["parameters"][0]
    assert fit["low"] <= fit["estimate"] <= fit["high"]
    written = load_scenario(tmp_path / "c" / "scenario.calibrated.yaml")
    assert written.adoption.base_rate == fit["estimate"]
    assert written.horizon.end.isoformat() == "2026-04-30"  # --set values are kept in the file written
    assert {"fit.csv", "evaluations.csv", "profile.csv", "fit.png"} <= {p.name for p in (tmp_path / "c").iterdir()}


def test_plot_command_on_a_run_folder(tmp_path: Path) -> None:
    run = runner.invoke(app, ["run", SMALL, *SHORT, "--out", str(tmp_path / "r")])
    assert run.exit_code == 0, run.output
    result = runner.invoke(app, ["plot", str(tmp_path / "r"), "--out", str(tmp_path / "png")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
        "causes.png", "channels.png", "districts.png", "queue.png", "share.png"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", SMALL], "at least two scenarios"),
        (["solve", SMALL, "--lever", "adoption.word_of_mouth_scope", "--min", "0", "--max", "1"],
         "solve needs an integer"),
        (["solve", SMALL, "--lever", "channels.outreach.team.teams", "--min", "6", "--max", "2"],
         "--min (6) is above --max (2)"),
        (["solve", SMALL, "--lever", "services.health.integrated_from", "--min", "soon", "--max", "2026-05-01"],
         "is a date"),
        (["calibrate", SMALL, "--fit", "adoption.base_rate"], "no observations after the first day"),
        (["calibrate", SMALL, "--fit", "channels.outreach.team.teams"], "calibrate fits continuous numbers"),
        (["attribute", SMALL, "--candidate", "adoption.base_rate"], "expected PATH=VALUE"),
        (["plot", "no-such-folder"], "no such result folder"),
        (["report", SMALL, "--set", "adoption.base_rate=fast"], "base_rate"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    extra = ["--out", str(out)] if args[0] not in {"plot"} else []
    result = runner.invoke(app, [*args, *extra, *([] if args[0] == "plot" else ONE)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_observations_and_non_convergence_exit_2(tmp_path: Path) -> None:
    obs = tmp_path / "obs.csv"
    obs.write_text("date,activated\n2027-02-01,100\n")
    outside = runner.invoke(app, ["calibrate", SMALL, "--fit", "adoption.base_rate", "--observations", str(obs),
                                  "--out", str(tmp_path / "o1"), *ONE])
    assert outside.exit_code == 2 and "outside the horizon" in outside.output
    obs.write_text("date,activated\n2026-04-01,20000\n")
    stuck = runner.invoke(app, ["calibrate", SMALL, *SHORT, "--fit", "adoption.base_rate", "--observations",
                                str(obs), "--max-evals", "2", "--replicates", "1", "--out", str(tmp_path / "o2"),
                                *ONE])
    assert stuck.exit_code == 2
    assert "did not converge" in stuck.output and "Tried" in stuck.output
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_existing_outputs_are_kept_without_force(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    report.write_text("keep me")
    result = runner.invoke(app, ["report", SMALL, "--out", str(report), *ONE])
    assert result.exit_code == 2 and "--force" in result.output
    assert report.read_text() == "keep me"
    (tmp_path / "cmp").mkdir()
    again = runner.invoke(app, ["compare", SMALL, SMALL, "--out", str(tmp_path / "cmp"), *ONE])
    assert again.exit_code == 2 and "--force" in again.output
