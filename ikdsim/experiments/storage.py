"""The folder of a sweep: manifest, Parquet chunks written as runs finish, and the final tables.

Layout::

    OUT/manifest.json          provenance and the status of every session (start, end, runs)
    OUT/sweep.yaml             the sweep file as given
    OUT/scenario.resolved.yaml the base scenario after the sweep's fixed changes
    OUT/points.csv             the design: one row per point with its values and scenario hash
    OUT/chunks/part-*.parquet  finished runs, keyed by run_key (hash of resolved scenario, seed, replicate)
    OUT/paths/part-*.parquet   with --save-paths: each run's daily activated share
    OUT/runs.parquet           final table, one row per (point, replicate), sorted; written last
    OUT/paths.parquet          with --save-paths, in the same order

Every file is written under a temporary name and renamed into place, so a kill -9 at any
moment leaves only complete chunks: exactly the runs `--resume` may trust and skip.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.errors import InputError
from ikdsim.experiments.samplers import Axis, Column
from ikdsim.experiments.sweep import OUTPUTS
from ikdsim.io.layout import SweepFiles

CHUNKS = "chunks"
PATHS = "paths"
LOCK = ".lock"
# Files derived from the chunks; removed when a session starts so that none can be stale.
FINAL_FILES = (SweepFiles.runs, SweepFiles.paths, SweepFiles.points_summary, SweepFiles.target_points,
               SweepFiles.sensitivity)


@dataclass
class RunRow:
    """What a chunk keeps of one finished run."""

    run_key: str
    point: int
    replicate: int
    outputs: dict[str, Any]
    error: str | None = None
    path: np.ndarray | None = None


@dataclass
class SweepFolder:
    path: Path
    _seq: int = 0
    _lock: Any = field(default=None, repr=False)

    # -- creating and opening --------------------------------------------------------------

    @classmethod
    def create(cls, out: Path, force: bool, files: dict[str, str]) -> SweepFolder:
        """Create OUT atomically with its first files; a refusal or failure leaves nothing."""
        from ikdsim.io.folders import atomic_folder, check_destination

        check_destination(out, force)
        if (out / LOCK).exists():
            # --force must not pull a folder from under a sweep that is still writing into it.
            probe = cls(out)
            probe.lock()
            probe.close()
        with atomic_folder(out, force) as tmp:
            for name, text in files.items():
                (tmp / name).write_text(text, encoding="utf-8")
            (tmp / CHUNKS).mkdir()
        folder = cls(out)
        folder.lock()
        return folder

    @classmethod
    def open(cls, out: Path) -> SweepFolder:
        """Open an existing sweep folder to resume it."""
        if not (out / SweepFiles.manifest).is_file():
            raise InputError(f"{out}: not a sweep folder (no {SweepFiles.manifest}); nothing to resume")
        if not os.access(out, os.W_OK | os.X_OK):
            raise InputError(f"{out}: cannot write into the sweep folder (permission denied)")
        folder = cls(out)
        folder.lock()
        (out / CHUNKS).mkdir(exist_ok=True)
        for stale in [*out.glob(f"{CHUNKS}/.*.tmp"), *out.glob(f"{PATHS}/.*.tmp"), *out.glob(".*.tmp")]:
            stale.unlink(missing_ok=True)
        return folder

    def lock(self) -> None:
        """Refuse a second sweep writing into the same folder; the kernel drops the lock when
        the process dies, even by kill -9, so an interrupted sweep never blocks its resume."""
        handle = (self.path / LOCK).open("a")
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows: no advisory locks; the user must not run two at once
            pass
        except OSError:
            handle.close()
            raise InputError(f"{self.path}: another sweep is writing into this folder") from None
        self._lock = handle

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def clear_final(self) -> None:
        for name in FINAL_FILES:
            (self.path / name).unlink(missing_ok=True)

    # -- manifest --------------------------------------------------------------------------

    def read_manifest(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.path / SweepFiles.manifest).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.path / SweepFiles.manifest}: unreadable ({exc})") from None
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        self.write_text(SweepFiles.manifest, json.dumps(data, indent=2) + "\n")

    def write_text(self, name: str, text: str) -> None:
        with self._writing(self.path / name) as tmp:
            tmp.write_text(text, encoding="utf-8")

    # -- chunks ----------------------------------------------------------------------------

    def chunk_files(self, kind: str = CHUNKS) -> list[Path]:
        return sorted((self.path / kind).glob("part-*.parquet"))

    def done_keys(self) -> tuple[set[str], list[str]]:
        """Keys of the runs stored in complete chunks, and warnings about unreadable chunks."""
        pq = require("pyarrow.parquet")
        keys: set[str] = set()
        warnings: list[str] = []
        for file in self.chunk_files():
            try:
                keys.update(pq.read_table(file, columns=["run_key"]).column("run_key").to_pylist())
            except Exception as exc:  # a chunk we cannot read is not trusted: its runs run again
                file.rename(file.with_suffix(".corrupt"))
                warnings.append(f"{file}: unreadable chunk set aside, its runs will run again ({exc})")
            seq = int(file.stem.split("-")[1])
            self._seq = max(self._seq, seq)
        return keys, warnings

    def write_chunk(self, rows: Sequence[RunRow], save_paths: bool) -> None:
        if not rows:
            return
        pa = require("pyarrow")
        self._seq += 1
        name = f"part-{self._seq:06d}.parquet"
        if save_paths:
            # Paths first: a run counts as done only once its row is in a chunk of runs.
            self.write_table(
                Path(PATHS) / name,
                pa.table({"run_key": [r.run_key for r in rows], "activated_share": _paths_array(rows)}),
            )
        self.write_table(Path(CHUNKS) / name, chunk_table(rows))

    def write_table(self, name: Path | str, table: Any) -> None:
        pq = require("pyarrow.parquet")
        target = self.path / name
        target.parent.mkdir(exist_ok=True)
        with self._writing(target) as tmp:
            # Fixed row groups and codec: equal tables give equal bytes.
            pq.write_table(table, tmp, compression="zstd", row_group_size=65536)

    @contextlib.contextmanager
    def _writing(self, target: Path) -> Iterator[Path]:
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            yield tmp
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(
                f"{target}: could not write ({exc.strerror or exc}); the runs already stored are kept: "
                "free some space or fix the folder, then run again with --resume"
            ) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def write_blocks(self, name: str, blocks: Iterator[Any], metadata: dict[str, str], rows: int) -> None:
        """Write tables one after the other into one Parquet file, one row group per block."""
        pq = require("pyarrow.parquet")
        with self._writing(self.path / name) as tmp:
            writer = None
            try:
                for block in blocks:
                    block = block.replace_schema_metadata(metadata)
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, block.schema, compression="zstd")
                    writer.write_table(block, row_group_size=rows)
            finally:
                if writer is not None:
                    writer.close()

    def read_chunks(self, kind: str = CHUNKS, columns: Sequence[str] | None = None) -> Any:
        pa = require("pyarrow")
        pq = require("pyarrow.parquet")
        tables = [pq.read_table(f, columns=list(columns) if columns else None) for f in self.chunk_files(kind)]
        if not tables:
            return pa.table({"run_key": pa.array([], pa.string())})
        # Chunks from an older ikdsim may lack an output column: fill it with nulls, do not fail.
        return pa.concat_tables(tables, promote_options="default")


ARROW_TYPES = {"float": "float64", "int": "int64", "bool": "bool_", "date": "date32", "string": "string"}


def arrow_type(column: Column) -> Any:
    pa = require("pyarrow")
    return getattr(pa, ARROW_TYPES[column])()


def output_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if OUTPUTS[name] == "date":
        return dt.date.fromisoformat(value)
    return value


def chunk_table(rows: Sequence[RunRow]) -> Any:
    """Every known output is stored, whatever the sweep asks for, so a resumed sweep that asks
    for other outputs can still reuse the runs."""
    pa = require("pyarrow")
    columns: dict[str, Any] = {
        "run_key": pa.array([r.run_key for r in rows], pa.string()),
        "point": pa.array([r.point for r in rows], pa.int64()),
        "replicate": pa.array([r.replicate for r in rows], pa.int64()),
    }
    for name, kind in OUTPUTS.items():
        columns[name] = pa.array([output_value(name, r.outputs.get(name)) for r in rows], arrow_type(kind))
    columns["error"] = pa.array([r.error for r in rows], pa.string())
    return pa.table(columns)


def _paths_array(rows: Sequence[RunRow]) -> Any:
    pa = require("pyarrow")
    return pa.array(
        [None if r.path is None else np.asarray(r.path, dtype=np.float32) for r in rows],
        pa.list_(pa.float32()),
    )


def axis_array(axis: Axis, values: Sequence[Any]) -> Any:
    pa = require("pyarrow")
    if axis.column == "string":
        values = [None if v is None else json.dumps(_jsonable(v)) for v in values]
    return pa.array(list(values), arrow_type(axis.column))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))
