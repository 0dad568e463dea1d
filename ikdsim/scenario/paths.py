"""Dotted field paths over the scenario schema, resolved once for everyone.

A path is the `--set` syntax: field names joined by dots, items of a list of named entries by
their `name` (`services.bpjs_kesehatan.required_from`, `channels.outreach.jemput-bola.teams`),
other list items by index. `resolve` walks the schema's type annotations and the scenario's data
together and answers what every user of a path needs: the location in the data, the field's
annotation, its kind, its bounds and its current value. `--set`, sweeps, `solve` and `calibrate`
levers, the `uncertain:` block, the calibrated-file editor and the error messages all go through
here, so a path means the same thing everywhere.

One kind vocabulary, like the EMA Workbench's parameter types: "number" (real), "integer",
"date", "bool", "choice" (a fixed set of texts), "other" (names, lists, mappings).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ikdsim.errors import InputError

Kind = Literal["number", "integer", "date", "bool", "choice", "other"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldRef:
    """What a path names: where it is, what it may hold and what it holds now."""

    path: str
    loc: Loc  # list items as indexes
    annotation: Any  # the field's type, Annotated and Optional stripped
    kind: Kind
    type_name: str
    low: float  # schema bounds, inclusive (open bounds nudged inwards)
    high: float
    current: Any  # None where the data does not hold the field


def split(path: str, option: str = "path") -> list[str]:
    parts = [p.strip() for p in path.split(".")]
    if not path.strip() or any(not p for p in parts):
        raise InputError(f"{option} {path!r}: expected a dotted field path, e.g. adoption.base_rate")
    return parts


def unwrap(annotation: Any, metadata: Sequence[Any] = ()) -> tuple[Any, list[Any]]:
    """Strip Annotated[...] (keeping its constraints) and `X | None`; a union of several real
    types stays as it is."""
    meta = list(metadata)
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            annotation, meta = base, [*meta, *extra]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, meta
            annotation = args[0]
        else:
            return annotation, meta


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (itself, or one member of a union), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := model_in(arg)) is not None:
            return found
    return None


def is_model_node(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin not in (dict, Mapping) and model_in(annotation) is not None


def step(annotation: Any, part: str | int) -> Any:
    """The annotation one step down (a model's field, a list's item, a mapping's value); None if
    the schema has nothing there."""
    cls = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    if cls is not None and isinstance(part, str) and part in cls.model_fields:
        return cls.model_fields[part].annotation
    origin = typing.get_origin(annotation)
    if origin in (list, Sequence) and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin in (dict, Mapping):
        return typing.get_args(annotation)[1]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            if (found := step(arg, part)) is not None:
                return found
    return None


def field_names(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at `loc`."""
    annotation: Any = model
    for part in loc:
        annotation = step(annotation, part)
        if annotation is None:
            return []
    cls = model_in(annotation)
    return list(cls.model_fields) if cls is not None else []


def list_index(items: list[Any], part: str, origin: str, where: str) -> int:
    """The item of a list a path part names: by `name`, else by index."""
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    if part.isdigit() and int(part) < len(items):
        return int(part)
    raise InputError(
        f"{origin}: no item named {part!r} at {where!r}; items here: {', '.join(map(str, names)) or '(none)'}"
    )


def unknown_field(origin: str, where: str, cls: type[BaseModel], part: str) -> InputError:
    known = list(cls.model_fields)
    guess = difflib.get_close_matches(part, known, n=1)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    return InputError(f"{origin}: unknown field {where!r}{hint} Allowed: {', '.join(known)}")


def resolve(data: Any, path: str | Sequence[str], model: type[BaseModel], origin: str | None = None) -> FieldRef:
    """Walk schema and data along `path`; InputError naming the first step that does not exist.

    A key that a mapping may hold but does not (an unlisted group's share of users) resolves with
    `current` None; a missing field of a model or item of a list is an error.
    """
    parts = split(path) if isinstance(path, str) else list(path)
    text = ".".join(parts)
    where_from = origin or repr(text)
    annotation: Any = model
    metadata: list[Any] = []
    node: Any = data
    loc: list[str | int] = []
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        annotation, metadata = unwrap(annotation, metadata)
        if isinstance(node, list):
            index = list_index(node, part, where_from, where)
            loc.append(index)
            node = node[index]
            annotation = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
            continue
        cls = model_in(annotation) if is_model_node(annotation) else None
        if cls is not None:
            if part not in cls.model_fields:
                raise unknown_field(where_from, where, cls, part)
            info: FieldInfo = cls.model_fields[part]
            annotation, metadata = info.annotation, list(info.metadata)
        elif typing.get_origin(annotation) in (dict, Mapping):
            annotation, metadata = typing.get_args(annotation)[1], []
        else:
            raise InputError(f"{where_from}: {'.'.join(parts[:depth])} is a value, it has no field {part!r}")
        loc.append(part)
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and last and cls is None:
            node = None
        else:
            raise InputError(f"{where_from}: {where!r} does not exist in this scenario")
    annotation, metadata = unwrap(annotation, metadata)
    if (short := getattr(annotation, "SHORT_FORM", None)) and not isinstance(node, dict):
        # A model that may be written as one value (a district's share): the path names that value.
        info = annotation.model_fields[short]
        annotation, metadata = unwrap(info.annotation, info.metadata)
    kind, type_name = kind_of(annotation)
    low, high = bounds(metadata, kind)
    return FieldRef(text, tuple(loc), annotation, kind, type_name, low, high, node)


def locate(data: Any, parts: Sequence[str]) -> Loc | None:
    """The data location of a path (list items as indexes), or None where the data lacks it."""
    loc: list[str | int] = []
    node = data
    for part in parts:
        if isinstance(node, list):
            names = [item.get("name") if isinstance(item, dict) else None for item in node]
            if part not in names:
                return None
            loc.append(names.index(part))
            node = node[names.index(part)]
        elif isinstance(node, dict) and part in node:
            loc.append(part)
            node = node[part]
        else:
            return None
    return tuple(loc)


def get_value(data: Any, parts: Sequence[str]) -> Any:
    """The value at a path; InputError if the data does not hold it."""
    node: Any = data
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            node = node[list_index(node, part, "field", where)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise InputError(f"field {where!r} does not exist in the scenario")
    return node


def set_value(data: Any, parts: Sequence[str], value: Any, model: type[BaseModel], origin: str) -> Loc:
    """Set `value` at a path, creating the mappings and lists on the way that the schema allows;
    returns the location with list items as indexes."""
    node: Any = data
    annotation: Any = model
    loc: list[str | int] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = list_index(node, part, origin, where)
            annotation = step(annotation, index)
            loc.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            raise InputError(f"{origin}: {'.'.join(parts[:depth])} is a value, it has no field {part!r}")
        cls = model_in(annotation) if is_model_node(annotation) else None
        if cls is not None and part not in cls.model_fields:
            raise unknown_field(origin, where, cls, part)
        next_annotation = step(annotation, part)
        loc.append(part)
        if last:
            node[part] = value
            break
        if part not in node or node[part] is None:
            if cls is None:
                raise InputError(f"{origin}: {where!r} does not exist")
            node[part] = [] if typing.get_origin(unwrap(next_annotation)[0]) is list else {}
        node = node[part]
        annotation = next_annotation
    return tuple(loc)


def kind_of(annotation: Any) -> tuple[Kind, str]:
    """The kind of an (unwrapped) annotation and its name for messages."""
    if annotation is bool:
        return "bool", "true/false"
    if annotation is int:
        return "integer", "integer"
    if annotation is float:
        return "number", "number"
    if annotation is dt.date:
        return "date", "date"
    if typing.get_origin(annotation) is typing.Literal:
        return "choice", "text choice (" + ", ".join(map(str, typing.get_args(annotation))) + ")"
    return "other", getattr(annotation, "__name__", None) or str(annotation)


def bounds(metadata: Sequence[Any], kind: Kind) -> tuple[float, float]:
    """Inclusive bounds from pydantic constraints; open ones are nudged inwards."""
    low, high = -math.inf, math.inf
    nudge = 1.0 if kind == "integer" else 1e-12
    items: list[Any] = []
    for m in metadata:
        items.extend(m.metadata if isinstance(m, FieldInfo) else [m])
    for m in items:
        if isinstance(m, annotated_types.Ge):
            low = max(low, float(m.ge))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Gt):
            low = max(low, float(m.gt) + nudge)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            high = min(high, float(m.le))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Lt):
            high = min(high, float(m.lt) - nudge)  # type: ignore[arg-type]
    return low, high
