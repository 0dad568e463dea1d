"""Join the design with the stored runs into the final tables, sorted by (point, replicate).

The chunks hold runs in whatever order they finished, over however many sessions; the final
table is built from the design's order alone, so it is the same bytes whatever the workers,
the engine, or the interruptions were. It is written in blocks of whole points (a fixed number
of rows, so the file layout is fixed too): memory holds the stored outputs in Arrow's compact
form plus one block, not a Python object per run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ikdsim._optional import require
from ikdsim.experiments.design import Design, run_key
from ikdsim.experiments.storage import PATHS, SweepFolder, axis_array
from ikdsim.io.layout import SweepFiles

PointHash = tuple[str | None, str | None]
BLOCK_ROWS = 16384


def _blocks(design: Design, hashes: Sequence[PointHash]) -> Iterator[range]:
    per_block = max(1, BLOCK_ROWS // design.replicates)
    for first in range(0, len(hashes), per_block):
        yield range(first, min(first + per_block, len(hashes)))


def _keys(design: Design, hashes: Sequence[PointHash], points: range) -> list[str | None]:
    """Run key of every (point, replicate) row of a block; None for invalid points."""
    return [
        None if (sha := hashes[p][0]) is None else run_key(sha, design.seed, r)
        for p in points
        for r in range(design.replicates)
    ]


def _positions(keys: list[str | None], stored_keys: Any) -> Any:
    """Row of each key among the stored runs (the first, if a run was stored twice)."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    wanted = pa.array(keys, pa.string())
    found = pc.index_in(wanted, value_set=stored_keys)
    missing = pc.sum(pc.and_(pc.is_valid(wanted), pc.is_null(found))).as_py() or 0
    if missing:
        raise RuntimeError(f"{missing} run(s) are not stored yet; the sweep is not complete")
    return found


def runs_blocks(design: Design, hashes: Sequence[PointHash], folder: SweepFolder) -> Iterator[Any]:
    pa = require("pyarrow")
    stored = folder.read_chunks(columns=["run_key", *design.outputs, "error"])
    stored_keys = stored.column("run_key").combine_chunks()
    reps = design.replicates
    for points in _blocks(design, hashes):
        keys = _keys(design, hashes, points)
        take = _positions(keys, stored_keys)
        columns: dict[str, Any] = {
            "point": pa.array([p for p in points for _ in range(reps)], pa.int64()),
            "replicate": pa.array([r for _ in points for r in range(reps)], pa.int64()),
            "seed": pa.array([design.seed] * len(keys), pa.int64()),
            "run_key": pa.array(keys, pa.string()),
            "scenario_sha256": pa.array([hashes[p][0] for p in points for _ in range(reps)], pa.string()),
        }
        for a, axis in enumerate(design.axes):
            columns[axis.path] = axis_array(axis, [design.points[p][a] for p in points for _ in range(reps)])
        for name in design.outputs:
            columns[name] = stored.column(name).take(take)
        run_errors = stored.column("error").take(take).to_pylist()
        invalid = [hashes[p][1] for p in points for _ in range(reps)]
        columns["error"] = pa.array(
            [f"invalid scenario: {bad}" if bad else err for bad, err in zip(invalid, run_errors, strict=True)],
            pa.string(),
        )
        yield pa.table(columns).combine_chunks()


def paths_blocks(design: Design, hashes: Sequence[PointHash], folder: SweepFolder) -> Iterator[Any]:
    pa = require("pyarrow")
    stored = folder.read_chunks(PATHS)
    shares_type = pa.list_(pa.float32())
    stored_keys = stored.column("run_key").combine_chunks()
    reps = design.replicates
    for points in _blocks(design, hashes):
        keys = _keys(design, hashes, points)
        if len(stored_keys):
            pc = require("pyarrow.compute")
            shares = stored.column("activated_share").take(pc.index_in(pa.array(keys, pa.string()), stored_keys))
        else:
            shares = pa.nulls(len(keys), shares_type)
        yield pa.table(
            {
                "point": pa.array([p for p in points for _ in range(reps)], pa.int64()),
                "replicate": pa.array([r for _ in points for r in range(reps)], pa.int64()),
                "activated_share": shares,
            }
        ).combine_chunks()


def write_final(design: Design, hashes: Sequence[PointHash], folder: SweepFolder, save_paths: bool) -> None:
    from ikdsim.scenario.loader import scenario_sha256

    if save_paths:
        meta = {"ikdsim.first_date": design.base.horizon.start.isoformat()}
        folder.write_blocks(SweepFiles.paths, paths_blocks(design, hashes, folder), meta, BLOCK_ROWS)
    metadata = {
        "ikdsim.sweep": design.name,
        "ikdsim.seed": str(design.seed),
        "ikdsim.replicates": str(design.replicates),
        "ikdsim.base_scenario_sha256": scenario_sha256(design.base),
    }
    # Written last: its presence means the sweep is complete.
    folder.write_blocks(SweepFiles.runs, runs_blocks(design, hashes, folder), metadata, BLOCK_ROWS)
