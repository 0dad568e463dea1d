"""The posterior draws file (`posterior.csv`): one column per unknown and a `weight` column."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_FILE_BYTES

WEIGHT = "weight"


def read_posterior(path: Path, where: str) -> dict[str, Any]:
    """Read a draws file into the scenario's `posterior` mapping; errors name the file and row."""
    try:
        if path.stat().st_size > 20 * MAX_FILE_BYTES:
            raise InputError(f"{where}: {path} is too large for a posterior draws file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{where}: {path}: cannot read ({exc.strerror or exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or WEIGHT not in rows[0] or len(rows) < 2:
        raise InputError(f"{path}:1: expected a header with the unknowns and '{WEIGHT}', then one row per draw")
    header = rows[0]
    names = [h for h in header if h != WEIGHT]
    draws: list[list[float]] = []
    weights: list[float] = []
    for i, row in enumerate(rows[1:], start=2):
        try:
            values = dict(zip(header, (float(v) for v in row), strict=True))
        except ValueError:
            raise InputError(f"{path}:{i}: expected {len(header)} numbers") from None
        if not all(math.isfinite(v) for v in values.values()):
            raise InputError(f"{path}:{i}: every value must be a finite number")
        draws.append([values[n] for n in names])
        weights.append(values[WEIGHT])
    return {"source": path.name, "names": names, "draws": draws, "weights": weights}


def posterior_csv(names: Sequence[str], draws: Sequence[Sequence[float]], weights: Sequence[float]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*names, WEIGHT])
    for row, w in zip(draws, weights, strict=True):
        writer.writerow([repr(float(v)) for v in row] + [repr(float(w))])
    return buffer.getvalue()
