"""Write a scenario file with some values changed, keeping the original's comments and layout.

Scenario files carry a source or an assumption in a comment on every number; a calibrated copy
should keep them. The value is replaced in place on its line (block style, `key: value  # note`);
when that is not possible (the key is absent, or in a flow mapping `{a: 1, b: 2}`), the whole
scenario is written out from its data instead, without comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ikdsim.errors import InputError
from ikdsim.scenario.loader import dump_yaml, parse_yaml, scenario_to_data, validate
from ikdsim.scenario.paths import locate
from ikdsim.scenario.schema import Scenario


def edited_text(source: Path | None, scenario: Scenario, changes: Mapping[str, tuple[float, str]]) -> str:
    """The text of `source` with each path set to its value and the note as its comment.

    `scenario` is the changed scenario; the result must validate to the same data, else the
    comment-free dump is returned.
    """
    fallback = _header(changes) + dump_yaml(scenario_to_data(scenario))
    if source is None or not source.is_file():
        return fallback
    try:
        text = source.read_text(encoding="utf-8")
        doc = parse_yaml(text, str(source))
    except (OSError, UnicodeDecodeError, InputError):
        return fallback
    lines = text.splitlines(keepends=True)
    for path, (value, note) in changes.items():
        loc = locate(doc.data, path)
        line = doc.lines.get(loc) if loc is not None else None
        if loc is None or line is None or not _replace(lines, line - 1, str(loc[-1]), value, note):
            return fallback
    edited = "".join(lines)
    try:
        check = validate(parse_yaml(edited, str(source)))
    except InputError:
        return fallback
    return edited if scenario_to_data(check) == scenario_to_data(scenario) else fallback


def _header(changes: Mapping[str, tuple[float, str]]) -> str:
    notes = "".join(f"#   {path}: {note}\n" for path, (_, note) in changes.items())
    return "# Written by ikdsim calibrate (comments of the original file could not be kept).\n" + notes


def _replace(lines: list[str], index: int, key: str, value: float, note: str) -> bool:
    if not 0 <= index < len(lines):
        return False
    pattern = re.compile(
        rf"^(?P<lead>\s*(?:-\s+)?{re.escape(key)}\s*:\s*)"
        r"(?P<value>[^#{}\[\]\n]*?)(?P<comment>\s+#.*)?(?P<end>\r?\n?)$"
    )
    match = pattern.match(lines[index])
    if match is None or not match.group("value").strip():
        return False
    old = match.group("value").strip()
    was = (match.group("comment") or "").strip().removeprefix("#").strip()
    comment = f"{note}; was {old}" + (f" ({was})" if was else "")
    lines[index] = f"{match.group('lead')}{value!r}  # {comment}{match.group('end')}"
    return True
