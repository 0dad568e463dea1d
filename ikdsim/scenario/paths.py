"""Dotted field paths over the scenario schema, resolved once for everyone.

A path is the `--set` syntax: field names joined by dots, items of a list of named entries by
their `name` (`services.bpjs_kesehatan.required_from`, `channels.outreach.jemput-bola.teams`),
other list items by index. One walk (`_walk`) follows the schema's type annotations and the
data together and answers what every user of a path needs: the location in the data, the
field's annotation, its kind, its bounds, its current value and its source line. `--set`,
sweeps, `solve` and `calibrate` levers, the `uncertain:` block, the calibrated-file editor, the
validation messages and the reference pages all go through here, so a path means the same thing
everywhere and fails with the same message.

One kind vocabulary, like the EMA Workbench's parameter types: "number" (real), "integer",
"date", "bool", "choice" (a fixed set of texts), "other" (names, lists, mappings). Sweep axes
use the same words, plus "choice" for a parameter given as a list of values.
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

Loc = tuple[str | int, ...]
Kind = Literal["number", "integer", "date", "bool", "choice", "other"]


@dataclass(frozen=True)
class FieldRef:
    """What a path names: where it is, what it may hold and what it holds now."""

    path: str
    loc: Loc  # list items as indexes, as in `Document.lines`
    annotation: Any  # the field's type, Annotated and Optional stripped
    kind: Kind
    type_name: str
    low: float  # schema bounds, inclusive (open bounds nudged inwards)
    high: float
    current: Any  # None where the data does not hold the field
    line: int | None = None  # where the document that gave `lines` has it


def split(path: str, option: str = "path") -> list[str]:
    """The parts of a dotted path; InputError naming `option` if it is empty or has an empty part."""
    parts = [p.strip() for p in path.split(".")]
    if not path.strip() or any(not p for p in parts):
        raise InputError(f"{option} {path!r}: expected a dotted field path, e.g. adoption.base_rate")
    return parts


def resolve(
    data: Any,
    path: str | Sequence[str],
    model: type[BaseModel],
    origin: str | None = None,
    lines: Mapping[Loc, int] | None = None,
) -> FieldRef:
    """Walk schema and data along `path`; InputError naming the first step that does not exist.

    A key that a mapping may hold but does not (an unlisted group's share of users) resolves with
    `current` None; a missing field of a model or item of a list is an error. `lines` (a
    document's) gives the field's source line.
    """
    return _walk(data, path, model, origin, create=False, unset=True, lines=lines)[0]


def set_value(data: Any, path: str | Sequence[str], value: Any, model: type[BaseModel], origin: str) -> Loc:
    """Set `value` at a path, creating the mappings and lists on the way that the schema allows;
    returns the location with list items as indexes."""
    ref, container, key = _walk(data, path, model, origin, create=True, unset=True, lines=None)
    container[key] = value
    return ref.loc


def get_value(data: Any, path: str | Sequence[str]) -> Any:
    """The value at a path, by the data alone; InputError if the data does not hold it."""
    return _walk(data, path, None, "field", create=False, unset=False, lines=None)[0].current


def locate(data: Any, path: str | Sequence[str]) -> Loc | None:
    """The data location of a path (list items as indexes), or None where the data lacks it."""
    try:
        return _walk(data, path, None, None, create=False, unset=False, lines=None)[0].loc
    except InputError:
        return None


def path_of(data: Any, loc: Loc) -> str:
    """The inverse of `locate`: a data location as the path a user writes, items by their name
    where they have one (`services.health.conversion`), else by index (`[2]`)."""
    parts: list[str] = []
    node = data
    for part in loc:
        node = node[part]
        if isinstance(part, int):
            name = node.get("name") if isinstance(node, dict) else None
            parts.append(str(name) if name is not None else f"[{part}]")
        elif part != "name":
            parts.append(part)
    return ".".join(parts)


def field_names(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at `loc` (list items as indexes), for 'unknown field' messages."""
    annotation: Any = model
    for part in loc:
        found = _step(annotation, part)
        if found is None:
            return []
        annotation = found[0]
    return _fields_at(annotation, deep=True) or []


def nested_models(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[BaseModel]]]:
    """The model and every model nested in it, depth first, each with the pattern of the paths
    that reach it: `services[]` for the items of a list, `population.groups.<name>` for the
    values of a mapping (the reference pages' notation)."""
    found = [(prefix, model)]
    for name, info in model.model_fields.items():
        for sub_path, sub in _models_in(info.annotation, f"{prefix}.{name}" if prefix else name):
            found += nested_models(sub, sub_path)
    return found


def _models_in(annotation: Any, path: str) -> list[tuple[str, type[BaseModel]]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(path, annotation)]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        return _models_in(args[0], f"{path}[]")
    if origin is dict:
        return _models_in(args[1], f"{path}.<name>")
    if origin in (typing.Union, types.UnionType):
        return [found for a in args for found in _models_in(a, path)]
    if origin is typing.Annotated:
        return _models_in(args[0], path)
    return []


def unwrap(annotation: Any, metadata: Sequence[Any] = ()) -> tuple[Any, list[Any]]:
    """Strip Annotated[...] and `X | None`, keeping the constraints (a FieldInfo's flattened).

    A union of several real types stays as it is.
    """
    kept = constraints(metadata)
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            annotation, kept = base, [*kept, *constraints(extra)]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, kept
            annotation = members[0]
        else:
            return annotation, kept


def kind_of(annotation: Any) -> tuple[Kind, str]:
    """(kind, name of the type for messages) of an unwrapped annotation."""
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
    """Inclusive (low, high) from ge/gt/le/lt constraints; an open bound moves one step inwards."""
    low, high = -math.inf, math.inf
    step = 1.0 if kind == "integer" else 1e-12
    for m in constraints(metadata):
        if isinstance(m, annotated_types.Ge):
            low = max(low, float(m.ge))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Gt):
            low = max(low, float(m.gt) + step)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            high = min(high, float(m.le))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Lt):
            high = min(high, float(m.lt) - step)  # type: ignore[arg-type]
    return low, high


def describe(
    annotation: Any, metadata: Sequence[Any] = (), current: Any = None
) -> tuple[Any, Kind, str, float, float]:
    """(unwrapped annotation, kind, type name, low, high) of a field's annotation."""
    annotation, kept = unwrap(annotation, metadata)
    # A model that may be written as one value (a district's share): the path names that value.
    short = getattr(annotation, "SHORT_FORM", None)
    if short and isinstance(annotation, type) and issubclass(annotation, BaseModel) and not isinstance(current, dict):
        info = annotation.model_fields[short]
        annotation, kept = unwrap(info.annotation, info.metadata)
    kind, name = kind_of(annotation)
    low, high = bounds(kept, kind)
    return annotation, kind, name, low, high


# ---------------------------------------------------------------------------------------------


def _walk(
    data: Any,
    path: str | Sequence[str],
    model: type[BaseModel] | None,
    origin: str | None,
    *,
    create: bool,
    unset: bool,
    lines: Mapping[Loc, int] | None,
) -> tuple[FieldRef, Any, str | int]:
    """The one walk: (what the path names, the list or mapping that holds it, its key there).

    `model` None walks the data alone. `create` (setting) adds the blocks the schema has and the
    data lacks, and the field itself; `unset` lets the last step be a key a mapping may hold but does not.
    """
    parts = split(path) if isinstance(path, str) else list(path)
    text = ".".join(parts)
    prefix = f"{origin or repr(text)}: "
    node: Any = data
    annotation: Any = model if model is not None else Any
    metadata: list[Any] = []
    loc: list[str | int] = []
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        key: str | int
        fields: list[str] | None = None
        if isinstance(node, list):
            key = _item_index(node, part, f"{prefix}no item named {part!r} at {where!r}")
        elif isinstance(node, dict):
            key = part
            fields = _fields_at(annotation)
            if fields is not None and part not in fields:
                guess = difflib.get_close_matches(part, fields, n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                raise InputError(f"{prefix}unknown field {where!r}{hint} Allowed: {', '.join(fields)}")
        else:
            raise InputError(f"{prefix}{'.'.join(parts[:depth])} is a value, it has no field {part!r}")
        step = _step(annotation, key)
        annotation, metadata = step if step is not None else (Any, [])
        loc.append(key)
        if depth == len(parts) - 1:
            held = not isinstance(node, dict) or key in node
            # Only a mapping's key may be unset: a model's fields are all in resolved data.
            if not held and not create and not (unset and fields is None and model is not None):
                raise InputError(f"{prefix}{where!r} does not exist in this scenario")
            current = node[key] if held else None
            base, kind, name, low, high = describe(annotation, metadata, current)
            line = lines.get(tuple(loc)) if lines is not None else None
            return FieldRef(text, tuple(loc), base, kind, name, low, high, current, line), node, key
        if isinstance(node, dict) and node.get(key) is None:
            if not (create and fields is not None):
                raise InputError(f"{prefix}{where!r} does not exist in this scenario")
            node[key] = [] if typing.get_origin(unwrap(annotation)[0]) is list else {}
        node = node[key]
    raise InputError(f"{prefix}expected a dotted field path, e.g. adoption.base_rate")


def _item_index(items: list[Any], part: str, message: str) -> int:
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if part in names:
        return names.index(part)
    if part.isdigit() and int(part) < len(items):
        return int(part)
    shown = ", ".join(str(n) for n in names if n is not None) or "(none)"
    raise InputError(f"{message}; items here: {shown}")


def _step(annotation: Any, part: str | int) -> tuple[Any, list[Any]] | None:
    """The annotation (and its constraints) one step below, or None when `part` cannot be there."""
    annotation, _ = unwrap(annotation)
    if annotation is Any:
        return Any, []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(part) if isinstance(part, str) else None
        return (info.annotation, list(info.metadata)) if info is not None else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, Sequence) and isinstance(part, int):
        return args[0], []
    if origin in (dict, Mapping):
        return args[1], []
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if (found := _step(arg, part)) is not None:
                return found
    return None


def _fields_at(annotation: Any, deep: bool = False) -> list[str] | None:
    """The field names of the model(s) a node of this annotation is; None if it is no model.

    `deep` also looks through the item and value types of lists and mappings (the loc of a
    validation error can stop at the list that holds the item in fault).
    """
    annotation, _ = unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    origin = typing.get_origin(annotation)
    if origin in (dict, Mapping, list, Sequence) and not deep:
        return None
    found: list[str] | None = None
    for arg in typing.get_args(annotation):
        if (names := _fields_at(arg, deep)) is not None:
            found = [*(found or []), *(n for n in names if n not in (found or []))]
            if origin not in (typing.Union, types.UnionType):
                break
    return found


def constraints(metadata: Sequence[Any]) -> list[Any]:
    """A field's constraints, those inside a FieldInfo (`Annotated[float, Field(ge=0)]`) flattened."""
    out: list[Any] = []
    for m in metadata:
        out.extend(m.metadata if isinstance(m, FieldInfo) else [m])
    return out
