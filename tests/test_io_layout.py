"""Output folders: every file name is written once, in ikdsim/io/layout.py, and the commands
write exactly the files their folder class lists."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.io.layout import CompareFiles, Files, ReplicateFiles, RunFiles, SweepFiles

SMALL = Path(__file__).parent / "data" / "small.yaml"
SHORT = ["--set", "horizon.end=2026-02-15", "--set", "target.by=2026-02-15"]
PACKAGE = Path(__file__).parents[1] / "ikdsim"


def shown(folder: Path) -> list[str]:
    """The result files (the hidden marker that lets --force replace the folder is not one)."""
    return [p.name for p in folder.iterdir() if not p.name.startswith(".")]


def test_a_file_is_its_name_on_the_class_and_its_path_in_a_folder(tmp_path: Path) -> None:
    assert RunFiles.daily == "daily.csv"
    assert RunFiles(tmp_path).daily == tmp_path / "daily.csv"
    assert RunFiles.names() == ["scenario.resolved.yaml", "daily.csv", "districts.csv", "summary.json"]
    assert "manifest.json" in SweepFiles.names()


def test_run_replicates_and_compare_write_exactly_their_folders_files(tmp_path: Path) -> None:
    cli = CliRunner()
    one = cli.invoke(app, ["run", str(SMALL), *SHORT, "--out", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    assert sorted(shown(tmp_path / "one")) == sorted(RunFiles.names())
    many = cli.invoke(app, ["run", str(SMALL), *SHORT, "--replicates", "2", "-w", "1", "--out", str(tmp_path / "r")])
    assert many.exit_code == 0, many.output
    chance_only = set(ReplicateFiles.names()) - {ReplicateFiles.inputs, ReplicateFiles.fan}  # no uncertain:
    assert set(shown(tmp_path / "r")) == chance_only
    both = cli.invoke(app, ["compare", str(SMALL), str(SMALL), *SHORT, "--replicates", "2", "-w", "1", "--plot",
                            "--out", str(tmp_path / "c")])
    assert both.exit_code == 0, both.output
    assert sorted(shown(tmp_path / "c")) == sorted(CompareFiles.names())


def all_kinds(cls: type[Files]) -> list[type[Files]]:
    return [cls, *(k for sub in cls.__subclasses__() for k in all_kinds(sub))]


def test_no_module_but_the_layout_spells_an_output_file_name() -> None:
    names = {n for cls in all_kinds(Files) for n in cls.names()}
    quoted = re.compile(r"""["']([a-z_.]+\.(?:csv|json|yaml|png|parquet))["']""")
    found = [
        f"{path.relative_to(PACKAGE)}: {m.group(1)}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "layout.py"
        for m in quoted.finditer(path.read_text(encoding="utf-8"))
        if m.group(1) in names
    ]
    assert found == []
