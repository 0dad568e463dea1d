"""`--json` prints what the files hold, alone on stdout; table names fold instead of being cut."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.cli.common import console
from ikdsim.io.tables import fmt

runner = CliRunner()
SMALL = str(Path(__file__).parent / "data" / "small.yaml")
SHORT = ["--set", "horizon.end=2026-04-30", "--set", "target.by=2026-04-30", "--set", "target.share=0.12"]
ONE = ["--workers", "1"]


def invoke_json(args: list[str]) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert "Results written to" in result.stderr and "Results written to" not in result.stdout
    return json.loads(result.stdout)  # nothing but the document on stdout


def same_as_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """JSON rows equal the CSV's, value by value as the CSV writer formats them."""
    with path.open() as fh:
        expected = list(csv.DictReader(fh))
    assert rows and [{k: fmt(v) for k, v in row.items()} for row in rows] == expected


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def test_run_and_run_replicates(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke_json(["run", SMALL, *SHORT, "--out", str(out)]) == read_json(out / "summary.json")
    by = invoke_json(["run", SMALL, *SHORT, "--out", str(tmp_path / "by"), "--by", "district"])
    assert [d["district"] for d in by.pop("districts")] == ["north", "south"]
    assert by == read_json(tmp_path / "by" / "summary.json")
    reps = tmp_path / "reps"
    summary = invoke_json(["run", SMALL, *SHORT, "--replicates", "3", "--out", str(reps), *ONE])
    assert summary == read_json(reps / "summary.json") and summary["replicates"] == 3


def test_compare(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    doc = invoke_json(["compare", SMALL, SMALL, *SHORT, "--set", "adoption.base_rate=0.2", "--replicates", "3",
                       "--out", str(out), *ONE])
    outlook, comparison = doc.pop("outlook"), doc.pop("comparison")
    assert doc == read_json(out / "compare.json")
    same_as_csv(outlook, out / "outlook.csv")
    same_as_csv(comparison, out / "comparison.csv")


def test_solve_attribute_calibrate(tmp_path: Path) -> None:
    solved = invoke_json(["solve", SMALL, *SHORT, "--lever", "channels.outreach.team.teams", "--min", "0",
                          "--max", "4", "--replicates", "3", "--out", str(tmp_path / "s"), *ONE])
    same_as_csv(solved.pop("curve"), tmp_path / "s" / "solve.csv")
    assert solved == read_json(tmp_path / "s" / "solve.json") and solved["status"] == "found"

    attributed = invoke_json(["attribute", SMALL, *SHORT, "--replicates", "2", "--candidate",
                              "channels.outreach.team.teams=3", "--out", str(tmp_path / "a"), *ONE])
    same_as_csv(attributed["levers"], tmp_path / "a" / "attribution.csv")
    same_as_csv(attributed["months"], tmp_path / "a" / "months.csv")

    obs = tmp_path / "obs.csv"
    obs.write_text("date,activated,source\n2026-03-01,10400,test\n2026-04-30,14000,test\n")
    calibrated = invoke_json(["calibrate", SMALL, *SHORT, "--fit", "adoption.base_rate=0.01:0.2", "--observations",
                              str(obs), "--replicates", "2", "--no-profile", "--out", str(tmp_path / "c"), *ONE])
    assert calibrated == read_json(tmp_path / "c" / "calibration.json") and calibrated["parameters"]


def test_long_lever_names_fold_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 80)  # as when piped, whatever the test runner's terminal
    long_name = "kelurahan-balikpapan-utara-sepinggan-baru"
    scenario = tmp_path / "long.yaml"
    scenario.write_text(Path(SMALL).read_text().replace("kel-north", long_name))
    result = runner.invoke(app, ["attribute", str(scenario), *SHORT, "--replicates", "2", "--out",
                                 str(tmp_path / "a"), *ONE])
    assert result.exit_code == 0, result.output
    assert long_name in (tmp_path / "a" / "attribution.csv").read_text()
    assert "…" not in result.stdout  # cut names end in an ellipsis
    # The lever column, its folded pieces put back together.
    cells = [line.split("│")[2].strip() for line in result.stdout.splitlines() if line.count("│") == 6]
    assert long_name in "".join(cells).replace(" ", "")
