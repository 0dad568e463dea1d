"""Bad input: every case gets a located message, exit code 2, no traceback, no output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from tests.conftest import SMALL

runner = CliRunner()


def run_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SMALL.read_text()
    assert old in text, old
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


# (text in small.yaml, replacement, expected fragments of the message: path, line, what is allowed)
CASES = [
    ("  base_rate: 0.03", "  base_rat: 0.03", ["yaml:15:", "adoption.base_rat", "did you mean 'base_rate'"]),
    ("{north: 0.6, south: 0.4}", "{north: 0.6, south: 0.3}", ["yaml:9:", "population.districts", "sum to 0.9"]),
    ("  total: 100000", "  total: -3", ["yaml:7:", "population.total", "greater than 0"]),
    ("  total: 100000", "  total: many", ["yaml:7:", "population.total", "valid integer"]),
    ("end: 2026-12-31}\ntarget", "end: 2025-12-31}\ntarget", ["yaml:4:", "horizon.end", "before start"]),
    ("by: 2026-12-31}", "by: 2027-03-01}", ["yaml:5:", "target.by", "outside the horizon"]),
    ("{date: 2026-01-01, share: 0.07", "{date: 2025-01-01, share: 0.07", ["observations[0].date", "outside"]),
    ("users: {worker: 0.1, elderly: 0.3}", "users: {worker: 0.1, retired: 0.3}",
     ["yaml:27:", "services[1].users.retired", "unknown group 'retired'", "known groups"]),
    ("school: {groups: [student]", "school: {groups: [pupil]",
     ["channels.outreach[0].venues.school.groups[0]", "unknown group 'pupil'"]),
    ("  initial_activated: 7000", "  initial_activated: 90000", ["yaml:8:", "above the eligible population"]),
    ("{name: drive, start", "{name: health, start", []),  # campaign and service may share a name
    ("districts: [north], counters: 2", "districts: [west], counters: 2", ["unknown district 'west'"]),
    ("open_weekdays", "open_weekdays", []),
    ("multiplier: 2.0", "multiplier: 0.5", ["campaigns[0].multiplier", "greater than or equal to 1"]),
    ("policy", "policy", []),
    ("  patience_days: 30", "  patience_days: 30\n  patience_days: 40", ["yaml:18:", "duplicate key"]),
    ("name: small", "name: small\nhorizon: [unclosed", ["yaml:3:", "YAML syntax error"]),
    ("seed: 42", "seed: !!python/object/apply:os.system [echo]", ["yaml:3:", "not allowed"]),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c for c in CASES if c[2]])
def test_bad_scenario_is_reported_with_location(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    path = edited(tmp_path, old, new)
    out = tmp_path / "out"
    code, text = run_cli("run", str(path), "--out", str(out))
    assert code == 2
    assert str(path) in text
    for fragment in expected:
        assert fragment in text, (fragment, text)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.yaml"]  # no partial folder left


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("adoption.base_rate", "expected PATH=VALUE"),
        ("=3", "path '' is empty"),
        ("adoption.base_rat=0.1", "did you mean 'base_rate'"),
        ("services.nope.conversion=0.1", "no item named 'nope'"),
        ("adoption.base_rate=-1", "--set adoption.base_rate=-1: adoption.base_rate"),
        ("adoption.base_rate.x=1", "is a value"),
        ("horizon.end=2026-02-30", "not valid YAML"),
    ],
)
def test_bad_override(tmp_path: Path, assignment: str, expected: str) -> None:
    code, text = run_cli("run", str(SMALL), "--out", str(tmp_path / "out"), "--set", assignment)
    assert code == 2
    assert expected in text, text
    assert not (tmp_path / "out").exists()


def test_overrides_are_applied_and_validated(tmp_path: Path) -> None:
    code, text = run_cli(
        "validate",
        str(SMALL),
        "--set",
        "channels.outreach.team.teams=3",
        "--set",
        "services.health.integrated_from=null",
    )
    assert code == 0, text


def test_missing_unreadable_and_folder_inputs(tmp_path: Path) -> None:
    code, text = run_cli("validate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in text
    code, text = run_cli("validate", "no-such-bundled-scenario")
    assert code == 2 and "bundled" in text
    code, text = run_cli("validate", str(tmp_path))
    assert code == 2 and "is a folder" in text
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    code, text = run_cli("validate", str(binary))
    assert code == 2 and "cannot read" in text


def test_existing_output_folder_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, text = run_cli("run", str(SMALL), "--out", str(out))
    assert code == 2 and "--force" in text
    assert (out / "mine.txt").read_text() == "keep me"
    code, text = run_cli("run", str(SMALL), "--out", str(out), "--force")
    assert code == 2 and "not a folder ikdsim wrote" in text  # --force replaces only ikdsim's folders
    assert (out / "mine.txt").read_text() == "keep me"
    (out / "mine.txt").unlink()
    code, text = run_cli("run", str(SMALL), "--out", str(out), "--force")  # an empty folder may go
    assert code == 0, text
    files = [".ikdsim-output", "daily.csv", "districts.csv", "scenario.resolved.yaml", "summary.json"]
    assert sorted(p.name for p in out.iterdir()) == files


def test_unwritable_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "file-not-folder"
    out.write_text("x")
    code, text = run_cli("run", str(SMALL), "--out", str(out / "sub"))
    assert code == 2
    assert "file-not-folder" in text
