"""Plain CSV and JSON writers with a fixed number format, so equal runs give equal bytes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        # repr is the shortest text that round-trips: identical on every IEEE machine.
        return repr(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([fmt(v) for v in row])


def json_text(data: Any) -> str:
    """The JSON of every file ikdsim writes, and of `--json` on the terminal."""
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    path.write_text(json_text(data), encoding="utf-8")
