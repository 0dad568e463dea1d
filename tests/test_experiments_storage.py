"""Sweep storage: resume after kill -9 and Ctrl-C, faults while writing, failed runs, locking."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.experiments.storage import SweepFolder

DATA = Path(__file__).parent / "data"
BASE = DATA / "sweep-base.yaml"
IKDSIM = Path(sys.executable).parent / "ikdsim"
runner = CliRunner()


def write_sweep(tmp_path: Path, points: int = 10, replicates: int = 4, extra: str = "") -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {BASE}\nreplicates: {replicates}\nsampler: {{method: lhs, n: {points}}}\n"
        + textwrap.dedent("""
            parameters:
              adoption.base_rate: {low: 0.1, high: 0.6}
              channels.outreach.team.teams: {low: 0, high: 3}
            """)
        + extra,
        encoding="utf-8",
    )
    return path


def sweep(*args: str) -> Any:
    return runner.invoke(app, ["sweep", *args, "-w", "1"])


def finals(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in ("runs.parquet", "points_summary.csv", "target_points.csv")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The uninterrupted sweep every interrupted one must match, byte for byte."""
    tmp = tmp_path_factory.mktemp("reference")
    path = write_sweep(tmp)
    result = sweep(str(path), "--out", str(tmp / "ref"))
    assert result.exit_code == 0, result.output
    return path, finals(tmp / "ref")


def _default_sigint() -> None:
    # A job started in the background by a non-interactive shell inherits SIGINT ignored, and
    # Python keeps it ignored: Ctrl-C must reach the sweep however the tests were started.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(path: Path, out: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    # One run per chunk and a flush on every batch: the kill lands between stored chunks.
    return subprocess.Popen(
        [str(IKDSIM), "sweep", str(path), "--out", str(out), "-w", str(workers), "--chunk-runs", "1",
         "--chunk-seconds", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_default_sigint,
    )


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _wait_for_chunks(out: Path, proc: subprocess.Popen[bytes], count: int) -> None:
    deadline = time.monotonic() + 30
    while len(list((out / "chunks").glob("part-*.parquet"))) < count:
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_resume_after_kill_9_gives_the_same_table(tmp_path: Path, reference: tuple[Path, dict[str, bytes]]) -> None:
    path, expected = reference
    out = tmp_path / "killed"
    proc = _start(path, out, workers=2)
    _wait_for_chunks(out, proc, 5)
    workers = _descendants(proc.pid)
    assert len(workers) >= 2  # the fork server and the pool's processes
    proc.kill()
    proc.communicate()
    # The pool's processes notice that their parent is gone and exit (within about a second).
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers), "orphaned worker processes"
    stored = {k for f in SweepFolder(out).chunk_files() for k in pq.read_table(f)["run_key"].to_pylist()}
    assert 0 < len(stored) < 40
    assert not (out / "runs.parquet").exists()
    unfinished = runner.invoke(app, ["sweep-summary", str(out)])
    assert unfinished.exit_code == 2 and "has not finished" in unfinished.output
    # Without --resume the folder is not overwritten by accident.
    refused = sweep(str(path), "--out", str(out))
    assert refused.exit_code == 2 and "--resume" in refused.output
    result = sweep(str(path), "--out", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert finals(out) == expected
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    first, last = manifest["sessions"][0], manifest["sessions"][-1]
    assert first["status"] == "running"  # killed: it never got to record its end
    assert last["runs_reused"] == len(stored) and last["runs_done"] == 40 - len(stored)
    # Nothing lost or duplicated: every run key is stored exactly once across the chunks.
    keys = [k for f in SweepFolder(out).chunk_files() for k in pq.read_table(f)["run_key"].to_pylist()]
    assert len(keys) == len(set(keys)) == 40


def test_ctrl_c_stores_finished_runs_and_resume_completes(
    tmp_path: Path, reference: tuple[Path, dict[str, bytes]]
) -> None:
    path, expected = reference
    out = tmp_path / "interrupted"
    proc = _start(path, out)
    _wait_for_chunks(out, proc, 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"--resume" in err and b"Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert sweep(str(path), "--out", str(out), "--resume").exit_code == 0
    assert finals(out) == expected


def test_full_disk_while_writing_a_chunk(
    tmp_path: Path, reference: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, expected = reference
    out = tmp_path / "full"
    real = pq.write_table
    calls = {"n": 0}

    def failing(table: Any, where: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] >= 3:  # the disk is full from the third chunk on
            Path(where).write_bytes(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing)
    result = sweep(str(path), "--out", str(out), "--chunk-runs", "4", "--chunk-seconds", "0")
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "--resume" in result.output
    assert not list(out.rglob("*.tmp")) and not (out / "runs.parquet").exists()
    assert len(SweepFolder(out).chunk_files()) == 2
    monkeypatch.setattr(pq, "write_table", real)
    assert sweep(str(path), "--out", str(out), "--resume").exit_code == 0
    assert finals(out) == expected


def test_unwritable_output_folder(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, points=2, replicates=1)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = sweep(str(path), "--out", str(blocker / "out"))
    assert result.exit_code == 2 and str(blocker) in result.output
    assert not (blocker.parent / "out").exists()
    assert sweep(str(path), "--out", str(blocker)).exit_code == 2


def test_resume_and_force_together_and_resume_of_a_non_sweep(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, points=2, replicates=1)
    assert "not both" in sweep(str(path), "--out", str(tmp_path / "o"), "--resume", "--force").output
    (tmp_path / "plain").mkdir()
    result = sweep(str(path), "--out", str(tmp_path / "plain"), "--resume")
    assert result.exit_code == 2 and "not a sweep folder" in result.output


def test_a_second_sweep_cannot_write_into_a_locked_folder(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, points=2, replicates=1)
    out = tmp_path / "o"
    assert sweep(str(path), "--out", str(out)).exit_code == 0
    holder = SweepFolder.open(out)
    try:
        for option in ("--resume", "--force"):
            result = sweep(str(path), "--out", str(out), option)
            assert result.exit_code == 2 and "another sweep is writing" in result.output
        assert (out / "runs.parquet").exists()
    finally:
        holder.close()


def test_failed_runs_and_invalid_points_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ikdsim.model.engine as engine

    real = engine.simulate

    def flaky(scenario: Any, seed: Any = None, replicate: int = 0, **kw: Any) -> Any:
        if replicate == 1 and scenario.adoption.base_rate > 0.35:
            raise ZeroDivisionError("model blew up")
        return real(scenario, seed=seed, replicate=replicate, **kw)

    monkeypatch.setattr(engine, "simulate", flaky)
    path = tmp_path / "sweep.yaml"
    # Each initial count is valid on its own; with few smartphones the larger one is not.
    path.write_text(textwrap.dedent(f"""
        scenario: {BASE}
        replicates: 2
        sampler: {{method: grid}}
        parameters:
          adoption.base_rate: {{values: [0.2, 0.5]}}
          population.initial_activated: {{values: [1000, 30000]}}
          population.groups.old.smartphone: {{values: [0.6, 0.1]}}
        """))
    out = tmp_path / "o"
    result = sweep(str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "failed" in result.output and "invalid scenario" in result.output
    table = pq.read_table(out / "runs.parquet").to_pylist()
    assert len(table) == 16
    for row in table:
        bad_point = row["population.initial_activated"] == 30000 and row["population.groups.old.smartphone"] == 0.1
        if bad_point:
            assert row["error"].startswith("invalid scenario:") and "eligible" in row["error"]
            assert row["final_share"] is None and row["run_key"] is None
        elif row["replicate"] == 1 and row["adoption.base_rate"] == 0.5:
            assert "ZeroDivisionError: model blew up" in row["error"] and row["final_share"] is None
        else:
            assert row["error"] is None and row["final_share"] > 0
    summary = (out / "points_summary.csv").read_text().splitlines()
    assert summary[0].startswith("point,adoption.base_rate,population.initial_activated")
    assert "runs,failed" in summary[0]


def test_outputs_chosen_on_resume_reuse_stored_runs(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, points=3, replicates=2)
    out = tmp_path / "o"
    assert sweep(str(path), "--out", str(out)).exit_code == 0
    # More replicates and other outputs: the six stored runs are reused, three more run.
    path = write_sweep(tmp_path, points=3, replicates=3, extra="outputs: [final_share, gave_up]\n")
    result = sweep(str(path), "--out", str(out), "--resume")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["runs_reused"] == 6 and manifest["sessions"][-1]["runs_done"] == 3
    columns = pq.read_table(out / "runs.parquet").column_names
    assert columns[-3:] == ["final_share", "gave_up", "error"]
    assert os.path.exists(out / "points_summary.csv")


def test_final_table_in_several_blocks_holds_the_same_rows(
    tmp_path: Path, reference: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ikdsim.experiments.consolidate as consolidate

    path, expected = reference
    monkeypatch.setattr(consolidate, "BLOCK_ROWS", 9)  # 4 replicates: two points per block
    assert sweep(str(path), "--out", str(tmp_path / "blocks")).exit_code == 0
    written = pq.ParquetFile(tmp_path / "blocks" / "runs.parquet")
    assert written.num_row_groups == 5
    reference_table = pq.read_table(pa_buffer(expected["runs.parquet"]))
    assert written.read().to_pylist() == reference_table.to_pylist()
    assert written.schema_arrow.metadata == reference_table.schema.metadata


def pa_buffer(data: bytes) -> Any:
    import pyarrow as pa

    return pa.BufferReader(data)
