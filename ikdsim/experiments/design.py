"""Expand a sweep file into a design: the base scenario, its axes, and one tuple of values per point.

Everything a user can get wrong is checked here, before any run: the base scenario, each
parameter path against the scenario schema, the kind of each field (integer, date), the bounds
and values (each must give a valid scenario on its own), and the sampler's counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from ikdsim.errors import InputError
from ikdsim.experiments.samplers import Axis, decode, full_factorial, unit_sample
from ikdsim.experiments.sweep import SweepSpec, located
from ikdsim.scenario import paths
from ikdsim.scenario.bundled import resolve
from ikdsim.scenario.limits import MAX_SWEEP_POINTS
from ikdsim.scenario.loader import (
    Document,
    read_document,
    scenario_sha256,
    scenario_to_data,
    validate,
)
from ikdsim.scenario.schema import Scenario


@dataclass
class Design:
    """The points of a sweep. Point i runs replicates 0..R-1, all from the same root seed."""

    name: str
    spec: SweepSpec
    source: Path
    base: Scenario
    base_data: dict[str, Any]
    axes: list[Axis]
    points: list[tuple[Any, ...]]
    seed: int
    replicates: int

    @property
    def outputs(self) -> list[str]:
        return list(self.spec.outputs)

    def point_data(self, i: int) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(json.dumps(self.base_data))
        for axis, value in zip(self.axes, self.points[i], strict=True):
            paths.set_value(data, axis.path, to_plain(value), Scenario, origin=f"point {i}: {axis.path}")
        return data

    def scenario(self, i: int) -> Scenario:
        """The resolved scenario of point i; InputError if this combination of values is invalid."""
        data = self.point_data(i)
        try:
            return Scenario.model_validate(data)
        except ValidationError:
            scenario: Scenario = validate(Document(data, {}, f"point {i}"))  # raises a readable error
            return scenario

    def point_hashes(self) -> Iterator[tuple[str | None, str | None]]:
        """(scenario sha256, None) per valid point, (None, error message) per invalid one."""
        for i in range(len(self.points)):
            try:
                yield scenario_sha256(self.scenario(i)), None
            except InputError as exc:
                yield None, " ".join(str(exc).split())


def run_key(scenario_sha: str, seed: int, replicate: int) -> str:
    """Identity of one run: what it simulates and with which random numbers."""
    return hashlib.sha256(f"{scenario_sha}/{seed}/{replicate}".encode()).hexdigest()[:32]


def to_plain(value: Any) -> Any:
    """A value as the JSON-like data scenario files are validated from (dates as ISO text)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def base_scenario(spec: SweepSpec, doc: Document, source: Path) -> tuple[Scenario, dict[str, Any]]:
    """The base scenario with the sweep's fixed changes and seed applied, validated."""
    where = spec.scenario
    candidate = source.parent / where
    path = candidate if (candidate.exists() and not Path(where).is_absolute()) else resolve(where)
    scenario_doc = read_document(path)
    data: dict[str, Any] = to_plain(scenario_doc.data)
    for field, value in spec.set.items():
        line = doc.line_of(("set", field))
        paths.set_value(data, field, to_plain(value), Scenario, origin=f"{source}:{line}: set.{field}")
    if spec.seed is not None:
        data["seed"] = spec.seed
    scenario: Scenario = validate(Document(data, scenario_doc.lines, str(path)))
    return scenario, scenario_to_data(scenario)


def build_design(spec: SweepSpec, doc: Document, source: Path, unit: np.ndarray | None = None) -> Design:
    """Check every parameter against the schema and the base scenario, then draw the points.

    `unit` replaces the sweep's sampler with a given matrix in [0, 1)^d (SALib's samples).
    """
    base, base_data = base_scenario(spec, doc, source)
    axes = [_axis(path, param, spec, doc, source, base_data) for path, param in spec.parameters.items()]
    for axis in axes:
        _check_values(axis, doc, source, base_data)
    if unit is not None:
        points = decode(axes, unit)
    elif spec.sampler.method == "grid":
        points = _grid(axes, spec, doc)
    else:
        assert spec.sampler.n is not None
        points = decode(axes, unit_sample(spec.sampler.method, spec.sampler.n, len(axes), base.seed))
    return Design(
        name=spec.name or source.stem,
        spec=spec,
        source=source,
        base=base,
        base_data=base_data,
        axes=axes,
        points=points,
        seed=base.seed,
        replicates=spec.replicates,
    )


def _grid(axes: list[Axis], spec: SweepSpec, doc: Document) -> list[tuple[Any, ...]]:
    for axis in axes:
        try:
            axis.grid_values()
        except ValueError as exc:
            raise located(doc, ("parameters", axis.path, "levels"), str(exc)) from None
    size = math.prod(len(a.grid_values()) for a in axes)
    if size > MAX_SWEEP_POINTS:
        raise located(
            doc, ("parameters",), f"the grid has {size:,} points; at most {MAX_SWEEP_POINTS:,} (see docs/limits.md)"
        )
    points = full_factorial(axes)
    n = spec.sampler.n
    if n is not None and n != len(points):
        sizes = " × ".join(str(len(a.grid_values())) for a in axes)
        raise located(
            doc,
            ("sampler", "n"),
            f"asks for {n} grid points, but the values give {sizes} = {len(points)}; remove n or change the values",
        )
    return points


def _axis(path: str, param: Any, spec: SweepSpec, doc: Document, source: Path, base_data: dict[str, Any]) -> Axis:
    loc = ("parameters", path)
    line = doc.line_of(loc)
    origin = f"{source}:{line}: parameters: {path}"
    if path.partition(".")[0].strip() == "seed":
        raise located(doc, loc, "the seed is not a parameter; replicates vary the random numbers")
    # set_value raises InputError (with a 'did you mean') for a field or item that does not exist.
    probe = param.values[0] if param.values is not None else param.low
    paths.set_value(json.loads(json.dumps(base_data)), path, to_plain(probe), Scenario, origin=origin)
    if param.values is not None:
        return Axis(path, "choice", values=tuple(param.values))
    field = paths.resolve(base_data, path, Scenario).kind
    is_date = isinstance(param.low, dt.date)
    if field == "date" and not is_date:
        raise located(doc, loc, "this field is a date: give low and high as dates (YYYY-MM-DD)")
    if is_date:
        if field not in ("date", "other"):
            raise located(doc, loc, f"this field is a {field}, but low and high are dates")
        return Axis(path, "date", low=param.low, high=param.high, levels=param.levels)
    integer = param.integer
    if field == "integer":
        if integer is False:
            raise located(doc, (*loc, "integer"), "this field holds whole numbers; remove integer: false")
        integer = True
    if integer:
        for name, bound in (("low", param.low), ("high", param.high)):
            if float(bound) != int(bound):
                raise located(doc, (*loc, name), f"{bound} is not a whole number, but the parameter is an integer")
        return Axis(path, "integer", low=int(param.low), high=int(param.high), levels=param.levels)
    return Axis(path, "number", low=float(param.low), high=float(param.high), levels=param.levels)


def _check_values(axis: Axis, doc: Document, source: Path, base_data: dict[str, Any]) -> None:
    """Each bound or value, with everything else at its base value, must be a valid scenario."""
    loc = ("parameters", axis.path)
    candidates = list(axis.values) if axis.kind == "choice" else [axis.low, axis.high]
    for value in candidates:
        data = json.loads(json.dumps(base_data))
        paths.set_value(data, axis.path, to_plain(value), Scenario, origin=str(source))
        try:
            Scenario.model_validate(data)
        except ValidationError:
            try:
                validate(Document(data, {}, "scenario"))
            except InputError as exc:
                detail = "; ".join(exc.problems) or str(exc)
                raise located(doc, loc, f"the value {value!r} gives an invalid scenario: {detail}") from None
