"""Join the design with the stored runs into the final tables, sorted by (point, replicate).

The chunks hold runs in whatever order they finished, over however many sessions; the final
table is built from the design's order alone, so it is the same bytes whatever the workers,
the engine, or the interruptions were.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ikdsim._optional import require
from ikdsim.experiments.design import Design, run_key
from ikdsim.experiments.storage import PATHS, PATHS_FILE, RUNS_FILE, SweepFolder, axis_array

PointHash = tuple[str | None, str | None]


def row_keys(design: Design, hashes: Sequence[PointHash]) -> list[str | None]:
    """Run key of every (point, replicate) row in table order; None for invalid points."""
    return [
        None if sha is None else run_key(sha, design.seed, r)
        for sha, _ in hashes
        for r in range(design.replicates)
    ]


def _first_index(keys: list[Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, key in enumerate(keys):
        index.setdefault(key, i)
    return index


def runs_table(design: Design, hashes: Sequence[PointHash], folder: SweepFolder) -> Any:
    pa = require("pyarrow", "sweep")
    stored = folder.read_chunks()
    found = _first_index(stored.column("run_key").to_pylist())
    keys = row_keys(design, hashes)
    missing = [k for k in keys if k is not None and k not in found]
    if missing:
        raise RuntimeError(f"{len(missing)} run(s) are not stored yet; the sweep is not complete")
    take = pa.array([None if k is None else found[k] for k in keys], pa.int64())
    reps = design.replicates
    columns: dict[str, Any] = {
        "point": pa.array([i for i in range(len(hashes)) for _ in range(reps)], pa.int64()),
        "replicate": pa.array([r for _ in hashes for r in range(reps)], pa.int64()),
        "seed": pa.array([design.seed] * len(keys), pa.int64()),
        "run_key": pa.array(keys, pa.string()),
        "scenario_sha256": pa.array([sha for sha, _ in hashes for _ in range(reps)], pa.string()),
    }
    for a, axis in enumerate(design.axes):
        columns[axis.path] = axis_array(axis, [p[a] for p in design.points for _ in range(reps)])
    for name in design.outputs:
        columns[name] = stored.column(name).take(take)
    run_errors = stored.column("error").take(take).to_pylist()
    invalid = [err for _, err in hashes for _ in range(reps)]
    columns["error"] = pa.array(
        [f"invalid scenario: {bad}" if bad else err for bad, err in zip(invalid, run_errors, strict=True)],
        pa.string(),
    )
    table = pa.table(columns).combine_chunks()
    metadata = {
        "ikdsim.sweep": design.name,
        "ikdsim.seed": str(design.seed),
        "ikdsim.replicates": str(design.replicates),
        "ikdsim.base_scenario_sha256": _base_sha(design),
    }
    return table.replace_schema_metadata(metadata)


def paths_table(design: Design, hashes: Sequence[PointHash], folder: SweepFolder) -> Any:
    pa = require("pyarrow", "sweep")
    stored = folder.read_chunks(PATHS)
    found = _first_index(stored.column("run_key").to_pylist())
    keys = row_keys(design, hashes)
    take = pa.array([found.get(k) if k is not None else None for k in keys], pa.int64())
    reps = design.replicates
    shares = stored.column("activated_share").take(take) if len(found) else pa.nulls(len(keys), pa.list_(pa.float32()))
    table = pa.table(
        {
            "point": pa.array([i for i in range(len(hashes)) for _ in range(reps)], pa.int64()),
            "replicate": pa.array([r for _ in hashes for r in range(reps)], pa.int64()),
            "activated_share": shares,
        }
    ).combine_chunks()
    return table.replace_schema_metadata({"ikdsim.first_date": design.base.horizon.start.isoformat()})


def write_final(design: Design, hashes: Sequence[PointHash], folder: SweepFolder, save_paths: bool) -> Any:
    table = runs_table(design, hashes, folder)
    if save_paths:
        folder.write_table(PATHS_FILE, paths_table(design, hashes, folder))
    # Written last: its presence means the sweep is complete.
    folder.write_table(RUNS_FILE, table)
    return table


def _base_sha(design: Design) -> str:
    from ikdsim.scenario.loader import scenario_sha256

    return scenario_sha256(design.base)
