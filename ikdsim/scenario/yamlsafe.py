"""Bounds on a YAML text checked from its event stream, before anything is built.

Building comes after: a 400-byte file of nested aliases ("billion laughs") would expand to
gigabytes, a file nested thousands deep would exhaust the recursion of any builder, and an
impossible date (2026-02-30) would fail inside the YAML library without a line. The event stream
is read in constant memory, so each of these is refused in well under a second, with its line
and field.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_YAML_DEPTH

_DATE_LIKE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2026-03-01"


@dataclass
class _Frame:
    mapping: bool
    expecting_key: bool = True
    key: str = ""
    index: int = -1
    path: list[str] = field(default_factory=list)


def _where(stack: list[_Frame]) -> str:
    out = ""
    for frame in stack:
        part = frame.key if frame.mapping else f"[{frame.index}]"
        if frame.mapping and not part:
            continue
        out += part if not out or part.startswith("[") else f".{part}"
    return out or "document"


def prescan(text: str, origin: str) -> None:
    """Refuse explicit tags, nesting beyond MAX_YAML_DEPTH and impossible dates."""
    stack: list[_Frame] = []
    for event in YAML(typ="rt").parse(io.StringIO(text)):
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        is_key = bool(stack) and stack[-1].mapping and stack[-1].expecting_key
        if stack and not stack[-1].mapping and isinstance(event, NodeEvent):
            stack[-1].index += 1
        if isinstance(event, NodeEvent) and not isinstance(event, AliasEvent):
            tag = getattr(event, "tag", None)
            tag = getattr(tag, "value", tag)
            if tag is not None and tag not in ("tag:yaml.org,2002:str", "!"):
                raise InputError(
                    f"{origin}:{line}: {_where(stack)}: YAML tag {tag!r} is not allowed "
                    "(scenario files hold plain data only)"
                )
        if isinstance(event, ScalarEvent):
            if is_key:
                stack[-1].key = str(event.value)
                if event.value == "<<":
                    raise InputError(
                        f"{origin}:{line}: {_where(stack)}: YAML merge keys (<<) are not supported; "
                        "write the fields out, or use `extends:` for a variant of a scenario"
                    )
            elif event.implicit[0] and (m := _DATE_LIKE.match(event.value)):
                try:
                    dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError as exc:
                    raise InputError(
                        f"{origin}:{line}: {_where(stack)}: {event.value} is not a date ({exc}); {DATE_HINT}"
                    ) from None
        if isinstance(event, CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                raise InputError(
                    f"{origin}:{line}: {_where(stack)}: nested more than {MAX_YAML_DEPTH} levels deep "
                    "(scenario files are at most a few levels deep)"
                )
            stack.append(_Frame(mapping=isinstance(event, MappingStartEvent)))
            continue
        if isinstance(event, MappingEndEvent | SequenceEndEvent):
            stack.pop()
        if stack and stack[-1].mapping and isinstance(event, NodeEvent | MappingEndEvent | SequenceEndEvent):
            stack[-1].expecting_key = not stack[-1].expecting_key
