"""Channel kinds of the scenario file: where activation happens.

A channel kind is one `ChannelSpec` subclass plus one list field of `Channels`
(`add_channel_kind`), and one component class in `ikdsim.model` registered for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo

from ikdsim.scenario.base import ALL, WEEKDAYS, Name, NonNeg, Selection, Share, Weekday, _Model
from ikdsim.scenario.limits import MAX_COUNTERS, MAX_LIST_ITEMS, MAX_POPULATION, MAX_TEAMS


class ChannelSpec(_Model):
    """What every channel kind has: a name (its column `activations_<name>`) and the districts it serves.

    A channel kind is one subclass here plus one list field of `Channels` (see `add_channel_kind`),
    and one component class in `ikdsim.model` registered for it.
    """

    name: Name = Field(description="Channel identifier.")
    districts: Selection = Field(default=ALL, description="Districts served: 'all' or a list of names.")

    def group_selections(self) -> list[tuple[str, Selection]]:
        """(path below the item, selection) of every group selection, for the cross-reference check."""
        return []


class ServicePoint(ChannelSpec):
    name: Name = Field(description="Service point identifier.")
    districts: Selection = Field(default=ALL, description="Catchment: 'all' or a list of district names.")
    counters: int = Field(
        default=1, ge=0, le=MAX_COUNTERS, description="Officers serving activation at the same time (count)."
    )
    minutes_per_activation: float = Field(default=10.0, gt=0.0, description="Officer time per activation (minutes).")
    hours_per_day: float = Field(default=7.0, ge=0.0, le=24.0, description="Service hours on an open day (hours).")
    open_weekdays: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]), description="Weekdays the point is open."
    )
    opens: dt.date | None = Field(default=None, description="Date the point starts serving (date); null: open.")
    closes: dt.date | None = Field(default=None, description="Last date the point serves (date); null: never closes.")
    daily_capacity: int | None = Field(
        default=None,
        ge=0,
        le=MAX_POPULATION,
        description="Activations per open day (people); overrides counters·hours·60/minutes.",
    )

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.opens is not None and self.closes is not None and self.closes < self.opens:
            raise ValueError(f"closes: {self.closes} is before opens ({self.opens}); the point would serve nobody")
        return self

    @property
    def capacity(self) -> int:
        if self.daily_capacity is not None:
            return self.daily_capacity
        # Whole activations only: a started one that cannot finish before closing is not counted.
        return int(self.counters * self.hours_per_day * 60.0 / self.minutes_per_activation + 1e-9)


class Venue(_Model):
    groups: Selection = Field(default=ALL, description="Groups present at this kind of venue.")
    reach: int = Field(ge=0, description="Eligible, not yet activated people present at one visit (people).")
    weight: NonNeg = Field(default=1.0, description="Relative frequency of this venue kind in the rotation.")


class Outreach(ChannelSpec):
    name: Name = Field(description="Outreach programme identifier.")
    teams: int = Field(
        default=1, ge=0, le=MAX_TEAMS, description="Mobile teams; each makes one visit per working day (count)."
    )
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:4]), description="Weekdays the teams go out.")
    start: dt.date | None = Field(default=None, description="First day of visits (date); null: horizon start.")
    end: dt.date | None = Field(default=None, description="Last day of visits (date); null: horizon end.")
    capacity_per_event: int = Field(ge=0, description="Activations one team can do at one visit (people).")
    on_site_conversion: Share = Field(
        description="Share of the eligible, not yet activated people present who activate on the spot."
    )
    policy: Literal["rotation", "largest_gap"] = Field(
        default="rotation", description="How a team picks its next visit."
    )
    districts: Selection = Field(default=ALL, description="Districts the teams visit.")
    venues: dict[Name, Venue] = Field(min_length=1, max_length=MAX_LIST_ITEMS, description="Kinds of venue visited.")

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end: {self.end} is before start ({self.start}); the teams would make no visit")
        return self

    def group_selections(self) -> list[tuple[str, Selection]]:
        return [(f"venues.{v}.groups", venue.groups) for v, venue in self.venues.items()]


class Channels(_Model):
    """One list per channel kind, in the order the kinds act within a phase of the day."""

    service_points: list[ServicePoint] = Field(
        default_factory=list, description="Walk-in activation points (office, kecamatan/kelurahan)."
    )
    outreach: list[Outreach] = Field(default_factory=list, description="Mobile 'jemput bola' programmes.")

    def items(self) -> list[tuple[str, int, ChannelSpec]]:
        """(kind key, index, spec) of every channel, kinds in field order."""
        # The instance's own fields, not the class's: a channels object unpickled in a process
        # where its kind was never registered still lists every channel (and fails loudly later).
        return [(key, i, spec) for key, specs in vars(self).items() for i, spec in enumerate(specs)]


def add_channel_kind(key: str, spec: type[ChannelSpec], description: str) -> None:
    """Add the list field `channels.<key>` holding `spec` items, and rebuild the validators.

    A registry rather than a static discriminated union: the scenario format (`channels.outreach`,
    `--set channels.outreach.<name>.teams=…`) stays as it is, and a kind can be added by a plugin
    or a test without editing this module. Pydantic has no public call to add a field to a model;
    `__pydantic_fields__` plus a forced rebuild is what `model_rebuild` reads, checked by
    tests/test_model_component.py on the pinned pydantic.
    """
    if key in Channels.model_fields:
        raise ValueError(f"channel kind {key!r} exists already")
    Channels.__pydantic_fields__[key] = FieldInfo.from_annotated_attribute(
        list[spec],  # type: ignore[valid-type]
        Field(default_factory=list, description=description),
    )
    _rebuild()


def remove_channel_kind(key: str) -> None:
    """Undo `add_channel_kind` (tests)."""
    del Channels.__pydantic_fields__[key]
    _rebuild()


def _rebuild() -> None:
    from ikdsim.scenario.schema import Scenario  # the scenario holds the channels: rebuild it too

    Channels.model_rebuild(force=True)
    Scenario.model_rebuild(force=True)
