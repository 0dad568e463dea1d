"""Outputs under hostile or careless use: names that escape, `--force` on foreign folders,
kills, full disks and bad seeds. Each case: exit 2 (or 143), a located message, no traceback,
and nothing touched outside the output folder."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.io import folders
from ikdsim.scenario.schema import SEED_MAX

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["../../../escaped", "/abs/path", "a/b", "..", ".hidden", "x y"])
def test_sweep_name_that_escapes_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    work = tmp_path / "work" / "deep" / "er"
    work.mkdir(parents=True)
    shutil.copy(DATA / "sweep-base.yaml", work / "sweep-base.yaml")
    sweep = (DATA / "sweep.yaml").read_text(encoding="utf-8")
    (work / "s.yaml").write_text(f"name: {name!r}\n" + sweep, encoding="utf-8")
    sentinel = tmp_path / "escaped"
    sentinel.mkdir()
    (sentinel / "precious.txt").write_text("keep me", encoding="utf-8")
    before = tree(tmp_path)
    monkeypatch.chdir(work)
    for command in (["sweep", "s.yaml", "--force"], ["sensitivity", "s.yaml", "--n", "4", "--force"]):
        code, text = invoke(*command)
        assert code == 2, text
        assert "s.yaml" in text and "name" in text
    assert tree(tmp_path) == before


def test_force_refuses_a_folder_ikdsim_did_not_write(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work", encoding="utf-8")
    before = tree(tmp_path)
    code, text = invoke("run", str(SMALL), "--out", str(foreign), "--force")
    assert code == 2 and "not a folder ikdsim wrote" in text
    assert tree(tmp_path) == before


def test_force_refuses_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, text = invoke("run", str(SMALL), "--out", ".", "--force")
    assert code == 2 and "--force" in text
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"


def test_force_replaces_its_own_folder_and_an_empty_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", str(SMALL), "--out", str(out))[0] == 0
    assert (out / folders.MARKER).is_file()
    assert invoke("run", str(SMALL), "--out", str(out), "--force")[0] == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("run", str(SMALL), "--out", str(empty), "--force")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "out"]


def test_force_through_a_symlink_leaves_no_old_folder(tmp_path: Path) -> None:
    real = tmp_path / "real"
    assert invoke("run", str(SMALL), "--out", str(real))[0] == 0
    link = tmp_path / "link"
    link.symlink_to(real)
    assert invoke("run", str(SMALL), "--out", str(link), "--force")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_report_force_replaces_only_a_report(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html>someone's page</html>", encoding="utf-8")
    code, text = invoke("report", str(SMALL), "--out", str(page), "--force", "--replicates", "2")
    assert code == 2 and "not a file ikdsim wrote" in text
    assert page.read_text(encoding="utf-8") == "<html>someone's page</html>"


@pytest.mark.parametrize("name", ["../x", "/etc", "a/b", ""])
def test_one_name_rule(name: str) -> None:
    with pytest.raises(InputError, match="cannot name an output folder"):
        folders.default_folder(name)


def test_default_folders_stay_under_results() -> None:
    assert folders.default_folder("city", "compare") == Path("results/city-compare")
    assert folders.default_file("city", "report", "html") == Path("results/city-report.html")


@pytest.mark.parametrize("seed", ["-1", str(SEED_MAX + 1), "99999999999999999999999"])
@pytest.mark.parametrize("command", ["run", "compare", "report"])
def test_cli_seeds_outside_the_range_are_refused(tmp_path: Path, command: str, seed: str) -> None:
    code, text = invoke(command, str(SMALL), "--seed", seed, "--out", str(tmp_path / "o"))
    assert code == 2 and "--seed" in text
    assert list(tmp_path.iterdir()) == []


def test_largest_seed_is_accepted_in_file_and_on_the_command_line(tmp_path: Path) -> None:
    assert invoke("run", str(SMALL), "--seed", str(SEED_MAX), "--out", str(tmp_path / "a"))[0] == 0
    code, text = invoke("run", str(SMALL), "--set", f"seed={SEED_MAX + 1}", "--out", str(tmp_path / "b"))
    assert code == 2 and "seed" in text


def test_a_full_disk_leaves_no_partial_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    monkeypatch.setattr(Path, "write_bytes", full)
    code, text = invoke("run", str(SMALL), "--out", str(tmp_path / "out"))
    assert code == 2 and "disk full" in text and str(tmp_path / "out") in text
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_write_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(InputError, match="disk full"):
        folders.atomic_write_text(tmp_path / "r.html", "x")
    assert list(tmp_path.iterdir()) == []


def test_permission_denied_gives_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: the suite may run as root, which ignores file permissions.
    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", denied)
    code, text = invoke("run", str(SMALL), "--out", str(tmp_path / "ro" / "out"))
    assert code == 2 and "Permission denied" in text
    assert list(tmp_path.iterdir()) == []


def test_plot_into_an_unwritable_place_gives_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("run", str(SMALL), "--out", str(out))[0] == 0
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, text = invoke("plot", str(out), "--out", str(blocker / "png"))
    assert code == 2 and str(blocker / "png") in text


def test_stale_temporaries_of_a_dead_process_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.{dead.pid}.partial"
    stale.mkdir()
    (stale / "daily.csv").write_text("half", encoding="utf-8")
    live = tmp_path / f".out.{os.getppid()}.partial"  # a live process's temporary stays
    live.mkdir()
    assert invoke("run", str(SMALL), "--out", str(tmp_path / "out"))[0] == 0
    assert not stale.exists() and live.exists()


KILL_WHILE_WRITING = """
import os, signal, sys
from pathlib import Path
from ikdsim.cli.app import main

real = Path.write_text
def write_then_die(self, *args, **kwargs):
    written = real(self, *args, **kwargs)
    if self.parent.name.endswith(".partial"):  # half-way through writing the output folder
        os.kill(os.getpid(), signal.SIGTERM)
    return written
Path.write_text = write_then_die
sys.argv = ["ikdsim", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", [["run"], ["report", "--replicates", "2"]])
def test_sigterm_while_writing_leaves_no_temporary(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / ("report.html" if command[0] == "report" else "out")
    proc = subprocess.run(
        [sys.executable, "-c", KILL_WHILE_WRITING, command[0], str(SMALL), *command[1:], "--out", str(out)],
        capture_output=True, cwd=tmp_path, timeout=120,
    )
    if command[0] == "report":  # the report is one file: the signal can only come after it
        assert proc.returncode == 0
        assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
        return
    assert proc.returncode == 143, proc.stderr
    assert b"Traceback" not in proc.stderr and b"terminated" in proc.stderr
    assert list(tmp_path.iterdir()) == []
