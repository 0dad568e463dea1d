"""Scenario schema: the pydantic models a scenario file is validated against.

Every field carries a description with its unit. Models are frozen and reject unknown keys,
so a typo in a scenario is an error, never a silently ignored parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL: Literal["all"] = "all"

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
# Names become column names (`activations_<name>`), so keep them to a safe alphabet.
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
Selection = Literal["all"] | list[str]

SHARE_TOLERANCE = 1e-3
# One seed range for files and the command line: what fits a signed 64-bit integer everywhere.
SEED_MAX = 2**63 - 1
Seed = Annotated[int, Field(ge=0, le=SEED_MAX)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Horizon(_Model):
    start: dt.date = Field(description="First simulated day (date, included).")
    end: dt.date = Field(description="Last simulated day (date, included).")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end: {self.end} is before start ({self.start})")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Target(_Model):
    share: float = Field(gt=0.0, le=1.0, description="Target activated share of population.total (fraction).")
    by: dt.date = Field(description="Deadline for the target (date).")


class Group(_Model):
    share: Share = Field(description="Share of the wajib-KTP population in this group (fraction).")
    smartphone: Share = Field(
        description="Share of the group with a phone able to run the IKD app (fraction); "
        "only they are eligible."
    )


class Population(_Model):
    total: int = Field(gt=0, description="Wajib-KTP residents (people).")
    initial_activated: int | None = Field(
        default=None, ge=0, description="People with IKD activated on horizon.start (people)."
    )
    initial_activated_share: Share | None = Field(
        default=None, description="Alternative to initial_activated: share of population.total (fraction)."
    )
    districts: dict[Name, Share] = Field(
        min_length=1, description="Share of the population living in each district (fractions summing to 1)."
    )
    groups: dict[Name, Group] = Field(
        min_length=1, description="Population groups (occupation/age); shares sum to 1."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for label, shares in (
            ("districts", self.districts.values()),
            ("groups", [g.share for g in self.groups.values()]),
        ):
            total = sum(shares)
            if abs(total - 1.0) > SHARE_TOLERANCE:
                raise ValueError(f"{label}: shares sum to {total:.6g}, they must sum to 1 (±{SHARE_TOLERANCE})")
        if self.initial_activated is not None and self.initial_activated_share is not None:
            raise ValueError("initial_activated: give initial_activated or initial_activated_share, not both")
        eligible = self.eligible_share * self.total
        if self.initial_count > eligible + 0.5:
            raise ValueError(
                f"{'initial_activated' if self.initial_activated is not None else 'initial_activated_share'}: "
                f"initial activated ({self.initial_count}) is above the eligible population "
                f"({eligible:.0f} people own a usable smartphone)"
            )
        return self

    @property
    def initial_count(self) -> int:
        if self.initial_activated is not None:
            return self.initial_activated
        return round((self.initial_activated_share or 0.0) * self.total)

    @property
    def eligible_share(self) -> float:
        return sum(g.share * g.smartphone for g in self.groups.values())


class PropensityClasses(_Model):
    count: int = Field(default=1, ge=1, le=20, description="Number of propensity classes K (count).")
    shape: float = Field(
        default=2.0, gt=0.0, description="Gamma shape of the propensity multiplier (mean 1); smaller is more spread."
    )


class Adoption(_Model):
    base_rate: NonNeg = Field(
        description="Hazard of deciding to activate with no service benefit (per year)."
    )
    word_of_mouth: NonNeg = Field(
        default=0.0, description="Bass imitation coefficient q, multiplied by the activated share (per year)."
    )
    word_of_mouth_scope: Literal["city", "district"] = Field(
        default="city", description="Whether word of mouth uses the city or the own district's activated share."
    )
    patience_days: float | None = Field(
        default=30.0,
        gt=0.0,
        description="Mean days a waiting person stays in a queue before giving up (days, exponential); "
        "null: never gives up.",
    )
    propensity_classes: PropensityClasses = Field(
        default_factory=PropensityClasses, description="Gamma heterogeneity of propensity."
    )


class Service(_Model):
    name: Name = Field(description="Service identifier.")
    users: dict[Name, Share] = Field(
        description="Share of each group that uses the service (fraction); unlisted groups: 0."
    )
    encounters_per_year: NonNeg = Field(description="Encounters of one user with the service (per year).")
    conversion: Share = Field(
        description="Chance that one encounter, once integrated, leads to a decision to activate (probability)."
    )
    integrated_from: dt.date | None = Field(
        default=None, description="Date the service starts accepting IKD (date); null: never in this scenario."
    )
    ramp_days: NonNeg = Field(default=0.0, description="Days over which conversion rises linearly to full (days).")
    required_from: dt.date | None = Field(
        default=None, description="Date from which IKD is required for the service (date); null: never."
    )
    required_conversion: Share = Field(
        default=1.0, description="Conversion per encounter once IKD is required (probability)."
    )


class Campaign(_Model):
    name: Name = Field(description="Campaign identifier.")
    start: dt.date = Field(description="First day of the campaign (date).")
    end: dt.date = Field(description="Last day of the campaign (date, included).")
    multiplier: float = Field(ge=1.0, description="Factor on the decision hazard while active (ratio ≥ 1).")
    districts: Selection = Field(default=ALL, description="Districts reached: 'all' or a list of names.")
    groups: Selection = Field(default=ALL, description="Groups reached: 'all' or a list of names.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end: {self.end} is before start ({self.start})")
        return self


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
    counters: int = Field(default=1, ge=0, description="Officers serving activation at the same time (count).")
    minutes_per_activation: float = Field(
        default=10.0, gt=0.0, description="Officer time per activation (minutes)."
    )
    hours_per_day: float = Field(default=7.0, ge=0.0, le=24.0, description="Service hours on an open day (hours).")
    open_weekdays: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]), description="Weekdays the point is open."
    )
    opens: dt.date | None = Field(default=None, description="Date the point starts serving (date); null: open.")
    closes: dt.date | None = Field(default=None, description="Last date the point serves (date); null: never closes.")
    daily_capacity: int | None = Field(
        default=None, ge=0, description="Activations per open day (people); overrides counters·hours·60/minutes."
    )

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
    teams: int = Field(default=1, ge=0, description="Mobile teams; each makes one visit per working day (count).")
    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:4]), description="Weekdays the teams go out."
    )
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
    venues: dict[Name, Venue] = Field(min_length=1, description="Kinds of venue visited.")

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
        list[spec], Field(default_factory=list, description=description)  # type: ignore[valid-type]
    )
    _rebuild()


def remove_channel_kind(key: str) -> None:
    """Undo `add_channel_kind` (tests)."""
    del Channels.__pydantic_fields__[key]
    _rebuild()


def _rebuild() -> None:
    Channels.model_rebuild(force=True)
    Scenario.model_rebuild(force=True)


class Calendar(_Model):
    holidays: list[dt.date] = Field(default_factory=list, description="Days no point or team works (dates).")


class Observation(_Model):
    date: dt.date = Field(description="Date of the observation.")
    share: Share | None = Field(default=None, description="Observed activated share of population.total.")
    activated: int | None = Field(default=None, ge=0, description="Observed activated count (people).")
    source: str = Field(default="", description="Where the figure comes from.")

    @model_validator(mode="after")
    def _one_value(self) -> Self:
        if (self.share is None) == (self.activated is None):
            raise ValueError("share: give exactly one of share or activated")
        return self


class Scenario(_Model):
    """A complete, validated scenario: population, behaviour, services and channels."""

    name: Name = Field(description="Scenario identifier; also the default output folder name.")
    description: str = Field(default="", description="Free text for the reader.")
    seed: Seed = Field(default=0, description="Root seed of the random streams (0 to 2^63-1).")
    horizon: Horizon = Field(description="Simulated period, daily steps.")
    target: Target = Field(description="The activation target to test.")
    population: Population = Field(description="Who must hold an e-KTP and who can adopt.")
    adoption: Adoption = Field(description="Decision behaviour of residents.")
    services: list[Service] = Field(default_factory=list, description="Services that can accept or require IKD.")
    campaigns: list[Campaign] = Field(default_factory=list, description="Dated awareness drives.")
    channels: Channels = Field(default_factory=Channels, description="Where activation happens.")
    calendar: Calendar = Field(default_factory=Calendar, description="Holidays.")
    observations: list[Observation] = Field(default_factory=list, description="Observed data points.")

    @field_validator("services", "campaigns")
    @classmethod
    def _unique_names(cls, items: list[Service] | list[Campaign]) -> list[Service] | list[Campaign]:
        _check_unique([i.name for i in items], "")
        return items

    @model_validator(mode="after")
    def _cross_references(self) -> Self:
        groups = set(self.population.groups)
        districts = set(self.population.districts)
        _check_unique([spec.name for _, _, spec in self.channels.items()], "channels")
        for i, s in enumerate(self.services):
            _check_names(s.users, groups, f"services[{i}].users", "group")
        for i, c in enumerate(self.campaigns):
            _check_names(c.districts, districts, f"campaigns[{i}].districts", "district")
            _check_names(c.groups, groups, f"campaigns[{i}].groups", "group")
        for key, i, spec in self.channels.items():
            _check_names(spec.districts, districts, f"channels.{key}[{i}].districts", "district")
            for where, selection in spec.group_selections():
                _check_names(selection, groups, f"channels.{key}[{i}].{where}", "group")
        if self.channels.service_points:
            covered = set().union(*(self.point_districts(p) for p in self.channels.service_points))
            if missing := sorted(districts - covered):
                raise ValueError(
                    f"channels.service_points: districts {missing} are served by no service point; "
                    "list them in a point's districts or use districts: all"
                )
        if not self.horizon.start <= self.target.by <= self.horizon.end:
            raise ValueError(
                f"target.by: {self.target.by} is outside the horizon "
                f"({self.horizon.start} to {self.horizon.end})"
            )
        for i, obs in enumerate(self.observations):
            if not self.horizon.start <= obs.date <= self.horizon.end:
                raise ValueError(
                    f"observations[{i}].date: {obs.date} is outside the horizon "
                    f"({self.horizon.start} to {self.horizon.end})"
                )
            if obs.activated is not None and obs.activated > self.population.total:
                raise ValueError(
                    f"observations[{i}].activated: {obs.activated} is above population.total "
                    f"({self.population.total})"
                )
        return self

    def point_districts(self, point: ServicePoint) -> list[str]:
        return _resolve(point.districts, self.population.districts)

    def resolve_districts(self, selection: Selection) -> list[str]:
        return _resolve(selection, self.population.districts)

    def resolve_groups(self, selection: Selection) -> list[str]:
        return _resolve(selection, self.population.groups)


def _resolve(selection: Selection, universe: Mapping[str, object]) -> list[str]:
    return list(universe) if selection == ALL else list(selection)


def _check_unique(names: list[str], where: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            prefix = f"{where}: " if where else f"[{i}].name: "
            raise ValueError(f"{prefix}name {n!r} is used twice; names must be unique")
        seen.add(n)


def _check_names(selection: Selection | dict[str, float], known: set[str], where: str, kind: str) -> None:
    if selection == ALL:
        return
    for i, name in enumerate(selection):
        if name not in known:
            path = f"{where}.{name}" if isinstance(selection, dict) else f"{where}[{i}]"
            raise ValueError(f"{path}: unknown {kind} {name!r}; known {kind}s: {sorted(known)}")
