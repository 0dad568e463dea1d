"""Per-point statistics of a finished sweep, and the points that reach the target reliably.

For each point: the mean of each numeric output with its 95 % t interval, the probability of
reaching the target with its Wilson interval, and the quantiles of the date the target is
reached ('never' counted as later than any date, so a median of never means most replicates
missed). Failed runs are counted and left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.errors import InputError
from ikdsim.experiments.storage import SweepFolder
from ikdsim.experiments.sweep import OUTPUTS
from ikdsim.io.layout import SweepFiles
from ikdsim.stats import day_quantiles, json_number, mean_interval, wilson

FIXED = ("point", "replicate", "seed", "run_key", "scenario_sha256", "error")


@dataclass
class PointSummary:
    parameters: list[str]
    header: list[str]
    rows: list[list[Any]]
    reaching: list[list[Any]]
    threshold: float
    has_target: bool


def read_runs(folder: Path, columns: list[str] | None = None) -> Any:
    pq = require("pyarrow.parquet")
    file = folder / SweepFiles.runs
    if not file.is_file():
        if SweepFiles(folder).manifest.is_file():
            raise InputError(
                f"{folder}: the sweep has not finished ({SweepFiles.runs} is missing); "
                "complete it with `ikdsim sweep SWEEP.yaml --out DIR --resume`"
            )
        raise InputError(f"{folder}: not a sweep folder (no {SweepFiles.runs} or {SweepFiles.manifest})")
    try:
        return pq.read_table(file, columns=columns)
    except Exception as exc:
        raise InputError(f"{file}: unreadable ({exc})") from None


def point_batches(folder: Path, rows: int = 8192) -> tuple[list[str], Iterator[dict[str, list[Any]]]]:
    """Column names and the runs table in batches of plain values, never all of it at once."""
    pq = require("pyarrow.parquet")
    read_runs(folder, columns=["point"])  # the same checks and messages as a full read
    parquet = pq.ParquetFile(folder / SweepFiles.runs)
    return list(parquet.schema_arrow.names), (b.to_pydict() for b in parquet.iter_batches(batch_size=rows))


def _by_point(batches: Iterable[dict[str, list[Any]]]) -> Iterator[dict[str, list[Any]]]:
    """The rows of each point together (the table is sorted by point)."""
    current: dict[str, list[Any]] = {}
    for batch in batches:
        points = batch["point"]
        start = 0
        while start < len(points):
            end = start
            while end < len(points) and points[end] == points[start]:
                end += 1
            if current and current["point"][0] != points[start]:
                yield current
                current = {}
            for name, values in batch.items():
                current.setdefault(name, []).extend(values[start:end])
            start = end
    if current:
        yield current


def summarise_points(names: list[str], batches: Iterable[dict[str, list[Any]]], threshold: float = 0.8) -> PointSummary:
    outputs = [n for n in names if n in OUTPUTS]
    parameters = [n for n in names if n not in FIXED and n not in OUTPUTS]
    header = ["point", *parameters, "runs", "failed"]
    for name in outputs:
        header += _columns(name)
    rows: list[list[Any]] = []
    for group in _by_point(batches):
        ok = [i for i, error in enumerate(group["error"]) if error is None]
        row: list[Any] = [group["point"][0], *(group[p][0] for p in parameters), len(ok), len(group["error"]) - len(ok)]
        for name in outputs:
            row += _stats(name, [group[name][i] for i in ok])
        rows.append(row)
    has_target = "target_reached" in outputs
    reaching: list[list[Any]] = []
    if has_target:
        col = header.index("target_reached_prob")
        reaching = [r for r in rows if r[col] is not None and r[col] >= threshold]
    return PointSummary(parameters, header, rows, reaching, threshold, has_target)


def _columns(name: str) -> list[str]:
    kind = OUTPUTS[name]
    if kind == "bool":
        return [f"{name}_prob", f"{name}_ci95_low", f"{name}_ci95_high"]
    if kind == "date":
        return [f"{name}_p05", f"{name}_p50", f"{name}_p95", f"{name}_count"]
    return [f"{name}_mean", f"{name}_ci95_low", f"{name}_ci95_high"]


def _stats(name: str, values: list[Any]) -> list[Any]:
    kind = OUTPUTS[name]
    if kind == "bool":
        est = wilson(sum(1 for v in values if v), len(values))
        return [json_number(est.estimate), json_number(est.low), json_number(est.high)]
    if kind == "date":
        days = [None if v is None else v.toordinal() for v in values]
        quantiles = day_quantiles(days, (0.05, 0.5, 0.95))
        dates = [None if q is None else dt.date.fromordinal(q) for q in quantiles]
        return [*dates, sum(1 for d in days if d is not None)]
    est = mean_interval([np.nan if v is None else float(v) for v in values])
    return [json_number(est.estimate), json_number(est.low), json_number(est.high)]


def write_summary(folder: Path, threshold: float = 0.8) -> PointSummary:
    from ikdsim.io.tables import fmt

    summary = summarise_points(*point_batches(folder), threshold)
    store = SweepFolder(folder)
    for name, rows in ((SweepFiles.points_summary, summary.rows), (SweepFiles.target_points, summary.reaching)):
        if name == SweepFiles.target_points and not summary.has_target:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(summary.header)
        writer.writerows([[fmt(v) for v in row] for row in rows])
        store.write_text(name, buffer.getvalue())
    return summary
