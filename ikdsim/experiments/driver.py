"""Run a design into a sweep folder: skip stored runs, stream the rest to chunks, then consolidate.

Point i, replicate r runs with the sweep's root seed and replicate number r, never a seed made
from the point index: every point sees the same random numbers in replicate r (common random
numbers), so differences between points are the parameters' doing, not noise.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikdsim.errors import InputError
from ikdsim.experiments import provenance
from ikdsim.experiments.consolidate import PointHash, write_final
from ikdsim.experiments.design import Design, run_key
from ikdsim.experiments.executors import Engine
from ikdsim.experiments.progress import NoProgress, Progress
from ikdsim.experiments.runner import RunRecord, RunTask, batch_size_for, stream_batches
from ikdsim.experiments.storage import RunRow, SweepFolder
from ikdsim.io.layout import SweepFiles
from ikdsim.io.tables import fmt
from ikdsim.scenario.loader import dump_yaml, scenario_sha256

PATH_COLUMN = "activated_share"


@dataclass
class SweepOutcome:
    folder: Path
    points: int
    rows: int
    ran: int = 0
    reused: int = 0
    failed: int = 0
    invalid_points: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Flusher:
    """Buffers finished runs and writes them as one chunk every `runs` runs or `seconds` seconds:
    few files for big sweeps, and little lost work when a sweep is killed."""

    folder: SweepFolder
    save_paths: bool
    runs: int = 256
    seconds: float = 10.0
    rows: list[RunRow] = field(default_factory=list)
    last: float = field(default_factory=time.monotonic)

    def add(self, rows: list[RunRow]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.runs or time.monotonic() - self.last >= self.seconds:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.folder.write_chunk(self.rows, self.save_paths)
        self.rows = []
        self.last = time.monotonic()


def run_sweep(
    design: Design,
    out: Path,
    engine: Engine,
    *,
    resume: bool = False,
    force: bool = False,
    save_paths: bool | None = None,
    progress: Progress | None = None,
    flush_runs: int = 256,
    flush_seconds: float = 10.0,
    manifest_extra: dict[str, Any] | None = None,
) -> SweepOutcome:
    """Run every (point, replicate) of `design` not yet stored in `out`, then write the final table."""
    progress = progress or NoProgress()
    save_paths = design.spec.save_paths if save_paths is None else save_paths
    hashes: list[PointHash] = list(design.point_hashes())
    outcome = SweepOutcome(out, len(design.points), len(design.points) * design.replicates)
    outcome.invalid_points = sum(1 for sha, _ in hashes if sha is None)
    if outcome.invalid_points == len(hashes):
        raise InputError(f"{design.source}: every point gives an invalid scenario; first: {hashes[0][1]}")

    fresh = json_manifest(design, hashes, manifest_extra)
    files = _folder_files(design, hashes, fresh)
    if resume and out.exists():
        folder = SweepFolder.open(out)
        manifest = folder.read_manifest()
        for name, text in files.items():
            if name != SweepFiles.manifest:
                folder.write_text(name, text)
        # The sweep file may have changed (more replicates, more points): describe the current
        # design, keep the history.
        manifest.update({k: v for k, v in fresh.items() if k not in ("sessions", "started")})
    else:
        folder = SweepFolder.create(out, force, files)
        manifest = fresh
    session: dict[str, Any] = {"started": provenance.now(), "finished": None, "status": "running",
                               "engine": engine.description, "command": provenance.command_line()}
    manifest.setdefault("sessions", []).append(session)
    manifest["status"] = "running"
    try:
        folder.clear_final()
        folder.write_manifest(manifest)
        done, outcome.warnings = folder.done_keys()
        todo, outcome.reused = _count(design, hashes, done)
        session["runs_reused"] = outcome.reused
        flusher = Flusher(folder, save_paths, flush_runs, flush_seconds)
        progress.start(todo, outcome.reused)
        try:
            tasks = _tasks(design, hashes, done, save_paths)
            size = batch_size_for(todo, engine.workers)
            for records in stream_batches(tasks, engine.executor, size, max_pending=2 * engine.workers + 2):
                rows = [_row(rec) for rec in records]
                outcome.ran += len(rows)
                outcome.failed += sum(1 for r in rows if r.error)
                flusher.add(rows)
                progress.advance(len(rows))
        except BaseException:
            # Whatever stops the loop (Ctrl-C, a worker lost, a full disk), keep what finished.
            with contextlib.suppress(InputError):
                flusher.flush()
            raise
        finally:
            progress.stop()
        flusher.flush()
        write_final(design, hashes, folder, save_paths)
        session["status"] = manifest["status"] = "complete"
    except KeyboardInterrupt:
        session["status"] = manifest["status"] = "interrupted"
        raise
    except BaseException:
        session["status"] = manifest["status"] = "failed"
        raise
    finally:
        session["finished"] = provenance.now()
        session["runs_done"] = outcome.ran
        session["runs_failed"] = outcome.failed
        manifest["finished"] = session["finished"]
        with contextlib.suppress(InputError):
            folder.write_manifest(manifest)
        folder.close()
    return outcome


def _unique_points(hashes: list[PointHash]) -> Iterator[tuple[int, str]]:
    """Valid points with a resolved scenario not seen before: two points that resolve to the
    same scenario (say, an integer axis sampled twice at the same value) share their runs."""
    seen: set[str] = set()
    for i, (sha, _) in enumerate(hashes):
        if sha is not None and sha not in seen:
            seen.add(sha)
            yield i, sha


def _count(design: Design, hashes: list[PointHash], done: set[str]) -> tuple[int, int]:
    """(runs to do, runs already stored), counting each distinct run once."""
    todo = stored = 0
    for _, sha in _unique_points(hashes):
        for r in range(design.replicates):
            if run_key(sha, design.seed, r) in done:
                stored += 1
            else:
                todo += 1
    return todo, stored


def _tasks(design: Design, hashes: list[PointHash], done: set[str], save_paths: bool) -> Iterator[RunTask]:
    """Tasks point by point, built lazily so that memory grows with the points, not the runs."""
    keep = (PATH_COLUMN,) if save_paths else ()
    for i, sha in _unique_points(hashes):
        scenario = None
        for r in range(design.replicates):
            key = run_key(sha, design.seed, r)
            if key in done:
                continue
            scenario = scenario or design.scenario(i)
            yield RunTask((key, i), scenario, design.seed, r, keep_daily=keep)


def _row(record: RunRecord) -> RunRow:
    key, point = typing.cast(tuple[str, int], record.key)
    return RunRow(
        run_key=key,
        point=point,
        replicate=record.replicate,
        outputs=record.summary,
        error=record.error,
        path=record.daily.get(PATH_COLUMN),
    )


def json_manifest(design: Design, hashes: list[PointHash], extra: dict[str, Any] | None) -> dict[str, Any]:
    spec = design.spec
    versions = provenance.versions()
    manifest: dict[str, Any] = {
        "kind": "sweep",
        "name": design.name,
        "sweep_file": str(design.source),
        "sweep": design.source.read_text(encoding="utf-8"),
        "ikdsim_version": versions["ikdsim"],
        "versions": versions,
        "git": provenance.git_commit(),
        "seed": design.seed,
        "replicates": design.replicates,
        "sampler": spec.sampler.model_dump(),
        "parameters": [{"path": a.path, "kind": a.kind} for a in design.axes],
        "outputs": design.outputs,
        "points": len(design.points),
        "invalid_points": sum(1 for sha, _ in hashes if sha is None),
        "runs": len(design.points) * design.replicates,
        "base_scenario_sha256": scenario_sha256(design.base),
        "base_scenario": design.base_data,
        "started": provenance.now(),
        "finished": None,
        "status": "running",
    }
    manifest.update(extra or {})
    return manifest


def _folder_files(design: Design, hashes: list[PointHash], manifest: dict[str, Any]) -> dict[str, str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["point", *(a.path for a in design.axes), "scenario_sha256", "error"])
    for i, (point, (sha, err)) in enumerate(zip(design.points, hashes, strict=True)):
        writer.writerow([i, *(fmt(v) for v in point), sha or "", err or ""])
    return {
        SweepFiles.manifest: json.dumps(manifest, indent=2) + "\n",
        SweepFiles.design: design.source.read_text(encoding="utf-8"),
        SweepFiles.scenario: dump_yaml(design.base_data),
        SweepFiles.points: buffer.getvalue(),
    }
