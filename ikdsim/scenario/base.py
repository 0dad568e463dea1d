"""The base of every scenario and sweep model, and the value types they share.

Checks that hold for every field live here once, before pydantic's own coercion, because that
coercion is where silent nonsense gets in: `true` read as 1 person, `600.000` (six hundred
thousand, written the Indonesian way) read as 600.0 and then as 600, `30` given for a share.
"""

from __future__ import annotations

import math
import typing
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ikdsim.scenario.limits import MAX_DESCRIPTION
from ikdsim.scenario.paths import unwrap

# Indonesian names are accepted wherever weekdays are (analysts write their office hours so).
_INDONESIAN_WEEKDAYS = {
    "senin": "mon",
    "selasa": "tue",
    "rabu": "wed",
    "kamis": "thu",
    "jumat": "fri",
    "jum'at": "fri",
    "sabtu": "sat",
    "minggu": "sun",
    "ahad": "sun",
}


def _weekday(value: Any) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        return _INDONESIAN_WEEKDAYS.get(low, low[:3] if low[:3] in WEEKDAYS and len(low) > 3 else value)
    return value


WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[WeekdayName, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Annotated[WeekdayName, BeforeValidator(_weekday)]
ALL: Literal["all"] = "all"

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
# Names become column names (`activations_<name>`) and folder names, so keep them to a safe alphabet.
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
Selection = Literal["all"] | list[str]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
# One seed range for files and the command line: what fits a signed 64-bit integer everywhere.
SEED_MAX = 2**63 - 1
Seed = Annotated[int, Field(ge=0, le=SEED_MAX)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, info in cls.model_fields.items():
                if name in data:
                    check_number(name, data[name], info.annotation, list(info.metadata))
        return data


def _is_fraction(metadata: list[Any]) -> bool:
    return any(isinstance(m, annotated_types.Le) and m.le == 1.0 for m in metadata)


def check_number(path: str, value: Any, annotation: Any, metadata: list[Any]) -> None:
    """Refuse what pydantic would coerce silently; the message names `path` and the remedy."""
    kind, metadata = unwrap(annotation, metadata)
    if typing.get_origin(kind) is dict and isinstance(value, dict):
        value_type = typing.get_args(kind)[1]
        for key, item in value.items():
            check_number(f"{path}.{key}", item, value_type, [])
        return
    if kind not in (int, float):
        return
    noun = "a whole number" if kind is int else "a number"
    if isinstance(value, bool):
        raise ValueError(f"{path}: expected {noun}, got {str(value).lower()}")
    if isinstance(value, str) and value.strip().endswith("%"):
        raise ValueError(f"{path}: {value!r}: shares are fractions: write 0.30 for 30 %")
    if kind is int and isinstance(value, float):
        if value.is_integer():
            raise ValueError(
                f"{path}: {value:g} is read as a decimal number, but counts are whole numbers written "
                "without thousands separators or exponents (600.000 in a YAML file is 600.0: write 600000)"
            )
        raise ValueError(f"{path}: {value} is not a whole number")
    if isinstance(value, int | float) and not math.isfinite(value):
        raise ValueError(f"{path}: {value} is not a finite number")
    if _is_fraction(metadata) and isinstance(value, int | float) and 1.0 < value <= 100.0:
        raise ValueError(f"{path}: {value} is above 1; shares are fractions: write {value / 100:g} for {value:g} %")
