"""What kind of value a scenario path holds (integer, number, date), its bounds and current value.

Solve and calibrate move one field of a scenario; both need to know, before any run, whether the
field can be searched or fitted at all and what range the schema allows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ikdsim.errors import InputError
from ikdsim.scenario.loader import scenario_to_data
from ikdsim.scenario.schema import Scenario

Kind = Literal["integer", "number", "date"]


@dataclass(frozen=True)
class LeverField:
    path: str
    kind: Kind | None  # None: not a number or a date
    type_name: str
    current: Any
    low: float = -math.inf  # schema bounds (inclusive; open bounds are nudged inwards)
    high: float = math.inf


def lever_field(scenario: Scenario, path: str, option: str = "--lever") -> LeverField:
    """Resolve `path` against the schema and the scenario; InputError if it does not exist."""
    parts = [p.strip() for p in path.split(".")]
    if not path.strip() or any(not p for p in parts):
        raise InputError(f"{option} {path!r}: expected a dotted field path, e.g. adoption.base_rate")
    annotation: Any = Scenario
    metadata: list[Any] = []
    node: Any = scenario_to_data(scenario)
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        annotation, metadata = _unwrap(annotation, metadata)
        if isinstance(node, list):
            node = _named_item(node, part, option, path, where)
            annotation = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
            continue
        model = _model_of(annotation)
        if model is not None:
            if part not in model.model_fields:
                known = list(model.model_fields)
                guess = difflib.get_close_matches(part, known, n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                raise InputError(f"{option} {path!r}: unknown field {where!r}{hint} Allowed: {', '.join(known)}")
            info = model.model_fields[part]
            annotation, metadata = info.annotation, list(info.metadata)
        elif typing.get_origin(annotation) is dict:
            annotation, metadata = typing.get_args(annotation)[1], []
        else:
            raise InputError(f"{option} {path!r}: {'.'.join(parts[:depth])} is a value, it has no field {part!r}")
        if isinstance(node, dict) and part not in node and depth == len(parts) - 1 and model is None:
            node = None  # a key a mapping may hold but does not (e.g. an unlisted group's use): unset
        elif not isinstance(node, dict) or part not in node:
            raise InputError(f"{option} {path!r}: {where!r} does not exist in this scenario")
        else:
            node = node[part]
    annotation, metadata = _unwrap(annotation, metadata)
    kind, type_name = _kind(annotation)
    low, high = _bounds(metadata, kind)
    return LeverField(path, kind, type_name, node, low, high)


def _named_item(items: list[Any], part: str, option: str, path: str, where: str) -> Any:
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return items[names.index(part)]
    raise InputError(
        f"{option} {path!r}: no item named {part!r} at {where!r}; items here: {', '.join(map(str, names)) or '(none)'}"
    )


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Strip Annotated[...] (keeping its constraints) and `X | None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            annotation, metadata = base, [*metadata, *extra]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _kind(annotation: Any) -> tuple[Kind | None, str]:
    if annotation is bool:
        return None, "true/false"
    if annotation is int:
        return "integer", "integer"
    if annotation is float:
        return "number", "number"
    if annotation is dt.date:
        return "date", "date"
    if typing.get_origin(annotation) is typing.Literal:
        return None, "text choice (" + ", ".join(map(str, typing.get_args(annotation))) + ")"
    name = getattr(annotation, "__name__", None) or str(annotation)
    return None, name


def _bounds(metadata: list[Any], kind: Kind | None) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    step = 1.0 if kind == "integer" else 1e-12
    items: list[Any] = []
    for m in metadata:
        items.extend(m.metadata if isinstance(m, FieldInfo) else [m])
    for m in items:
        if isinstance(m, annotated_types.Ge):
            low = max(low, float(m.ge))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Gt):
            low = max(low, float(m.gt) + step)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            high = min(high, float(m.le))  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Lt):
            high = min(high, float(m.lt) - step)  # type: ignore[arg-type]
    return low, high


def format_value(value: int | float | dt.date | None) -> str:
    """Text for a `PATH=VALUE` override that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)
