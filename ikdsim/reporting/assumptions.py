"""The assumptions of a scenario file with their sources, read from its end-of-line comments.

Scenario files carry, on every number, a comment saying where it comes from ("source: ...",
"[derived] ...") or that it is an "assumption". The report lists them so a reader can see what
rests on evidence and what on judgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ikdsim.errors import InputError
from ikdsim.scenario.loader import Loc, parse_yaml
from ikdsim.scenario.paths import path_of


@dataclass(frozen=True)
class Assumption:
    field: str
    value: str
    kind: str  # source | derived | assumption | note
    note: str


def comment_of(line: str) -> str | None:
    """The end-of-line comment of a YAML line, ignoring '#' inside quotes."""
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            text = line[i + 1 :].strip()
            return text or None
    return None


def classify(note: str) -> str:
    lowered = note.lower()
    # What a note starts with is what the value rests on; a source cited later in an
    # assumption's note does not make it sourced.
    for prefix, kind in (("source", "source"), ("[derived]", "derived"), ("assumption", "assumption")):
        if lowered.startswith(prefix):
            return kind
    if "source" in lowered:
        return "source"
    if "[derived]" in lowered:
        return "derived"
    if "assumption" in lowered:
        return "assumption"
    return "note"


def read_assumptions(path: Path) -> list[Assumption]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    doc = parse_yaml(text, str(path))
    lines = text.splitlines()
    # One entry per commented line: the deepest field on it names it best.
    by_line: dict[int, Loc] = {}
    for loc, line in doc.lines.items():
        if loc and (line not in by_line or len(loc) > len(by_line[line])):
            by_line[line] = loc
    out = []
    for line in sorted(by_line):
        note = comment_of(lines[line - 1]) if 0 < line <= len(lines) else None
        if not note:
            continue
        loc = by_line[line]
        out.append(Assumption(path_of(doc.data, loc), _value(doc.data, loc), classify(note), note))
    return out


def _value(data: Any, loc: Loc) -> str:
    node = data
    for part in loc:
        node = node[part]
    if isinstance(node, dict | list):
        return ""
    return "null" if node is None else str(node)
