"""Sweep files: which scenario, which parameters over which ranges, how to sample, what to keep.

A sweep file is YAML validated by pydantic like a scenario, with located messages. Checks that
need the scenario schema (does the parameter path exist, is the field an integer or a date, are
the bounds valid values) are made when the sweep is expanded into a design (`design.py`), still
before anything runs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from ikdsim.errors import InputError
from ikdsim.scenario.base import _Model
from ikdsim.scenario.limits import MAX_REPLICATES, MAX_SWEEP_POINTS
from ikdsim.scenario.loader import Document, read_document, validate
from ikdsim.scenario.schema import Name, Seed

# Scalar figures of a run's summary that a sweep can store, with their column type.
OUTPUTS: dict[str, Literal["float", "int", "bool", "date"]] = {
    "final_share": "float",
    "final_activated": "int",
    "share_at_target_by": "float",
    "target_reached": "bool",
    "date_target_reached": "date",
    "activations": "int",
    "gave_up": "int",
    "peak_waiting": "int",
    "mean_wait_days": "float",
    "p90_wait_days": "int",
}
DEFAULT_OUTPUTS = ["final_share", "date_target_reached", "target_reached", "mean_wait_days"]
Method = Literal["grid", "lhs", "sobol", "random"]


def _bound(value: Any) -> float | int | dt.date:
    if isinstance(value, bool) or not isinstance(value, int | float | dt.date | str):
        raise ValueError(f"expected a number or a date, got {value!r}")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a number or a date (YYYY-MM-DD), got {value!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


class Parameter(_Model):
    """One swept field: a range (low, high) or explicit values."""

    low: Any = Field(default=None, description="Lower bound (number or date, included).")
    high: Any = Field(default=None, description="Upper bound (number or date; included for integers and dates).")
    integer: bool | None = Field(
        default=None, description="Sample whole numbers; inferred from the scenario schema when omitted."
    )
    levels: int | None = Field(
        default=None, ge=2, description="Grid sampler only: evenly spaced values from low to high (count)."
    )
    values: list[Any] | None = Field(
        default=None, min_length=1, description="Explicit values (any valid value, null included)."
    )

    @field_validator("low", "high")
    @classmethod
    def _bounds(cls, value: Any) -> Any:
        return None if value is None else _bound(value)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        ranged = self.low is not None or self.high is not None
        if self.values is not None:
            if ranged or self.levels is not None or self.integer is not None:
                raise ValueError("give either values, or low and high (with integer/levels), not both")
            if len({_canonical(v) for v in self.values}) != len(self.values):
                raise ValueError(f"values repeat: {self.values!r}")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give low and high, or values")
        if isinstance(self.low, dt.date) != isinstance(self.high, dt.date):
            raise ValueError(f"low ({self.low!r}) and high ({self.high!r}) must both be numbers or both dates")
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if isinstance(self.low, dt.date) and self.integer:
            raise ValueError("integer applies to numbers; date ranges are sampled by whole days already")
        return self

    @property
    def is_range(self) -> bool:
        return self.values is None


class Sampler(_Model):
    method: Method = Field(default="lhs", description="grid (full factorial) | lhs | sobol | random.")
    n: int | None = Field(
        default=None,
        ge=1,
        le=MAX_SWEEP_POINTS,
        description="Points to sample (lhs, sobol: a power of 2, random); grid: optional check.",
    )


class SweepSpec(_Model):
    """A sweep: a base scenario, parameters to vary, a sampler, replicates and outputs."""

    name: Name | None = Field(
        default=None, description="Sweep name (letters, digits, _ . -); default: the file name without .yaml."
    )
    description: str = Field(default="", description="Free text.")
    scenario: str = Field(description="Base scenario: a bundled name or a path (relative to the sweep file).")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Fixed changes to the base scenario, PATH: VALUE (like --set)."
    )
    replicates: int = Field(default=1, ge=1, le=MAX_REPLICATES, description="Replicates per point (count).")
    seed: Seed | None = Field(
        default=None,
        description="Root seed; every point runs replicate r from the same seed (default: the scenario's).",
    )
    sampler: Sampler = Field(default_factory=Sampler, description="How points are drawn.")
    parameters: dict[str, Parameter] = Field(min_length=1, description="Scenario field paths to vary.")
    outputs: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OUTPUTS), min_length=1, description="Summary figures to store."
    )
    save_paths: bool = Field(default=False, description="Also store each run's daily activated share.")

    @field_validator("outputs")
    @classmethod
    def _known_outputs(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in OUTPUTS:
                guess = difflib.get_close_matches(name, list(OUTPUTS), n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                raise ValueError(f"unknown output {name!r}{hint} Known: {', '.join(OUTPUTS)}")
        if len(set(names)) != len(names):
            raise ValueError("outputs repeat")
        return names


def _canonical(value: Any) -> str:
    return repr(value.isoformat() if isinstance(value, dt.date) else value)


def load_sweep(path: Path, sampler: bool = True) -> tuple[SweepSpec, Document]:
    """Read and validate a sweep file; bad input raises InputError with file, field and line.

    `sampler=False` skips the sampler's rules, for sensitivity analysis, which brings its own.
    """
    doc = read_document(path)
    spec: SweepSpec = validate(doc, SweepSpec, kind="sweep file")
    if sampler:
        check_sampler(spec, doc)
    return spec, doc


def located(doc: Document, loc: tuple[str | int, ...], message: str) -> InputError:
    line = doc.line_of(loc)
    where = f"{doc.origin}:{line}" if line else doc.origin
    return InputError(f"{where}: {'.'.join(str(p) for p in loc)}: {message}")


def check_sampler(spec: SweepSpec, doc: Document) -> None:
    """Cross-field rules of the sampler that pydantic's per-field checks cannot see."""
    method, n = spec.sampler.method, spec.sampler.n
    if method == "grid":
        for path, param in spec.parameters.items():
            if param.is_range and param.levels is None:
                raise located(
                    doc,
                    ("parameters", path),
                    "the grid sampler takes explicit values: give values: [...], or levels: K with low and high",
                )
        return
    for path, param in spec.parameters.items():
        if param.levels is not None:
            raise located(doc, ("parameters", path, "levels"), f"levels applies to the grid sampler, not {method}")
    if n is None:
        raise located(doc, ("sampler",), f"the {method} sampler needs n, the number of points")
    if method == "sobol" and n & (n - 1):
        below = 1 << (n.bit_length() - 1)
        raise located(
            doc,
            ("sampler", "n"),
            f"a Sobol' sample keeps its balance properties only with n a power of 2; use {below} or {below * 2}",
        )
