"""Scenario schema: the pydantic models a scenario file is validated against.

Every field carries a description with its unit. Models are frozen and reject unknown keys,
so a typo in a scenario is an error, never a silently ignored parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from ikdsim.scenario.base import (
    ALL,
    SEED_MAX,
    WEEKDAYS,
    Description,
    Name,
    NonNeg,
    Seed,
    Selection,
    Share,
    Weekday,
    _Model,
)
from ikdsim.scenario.calendar import Calendar
from ikdsim.scenario.channels import (
    Channels,
    ChannelSpec,
    Outreach,
    ServicePoint,
    Venue,
    add_channel_kind,
    remove_channel_kind,
)
from ikdsim.scenario.costs import Costs
from ikdsim.scenario.distributions import Posterior, Unknown
from ikdsim.scenario.districts import District, DistrictMap
from ikdsim.scenario.limits import (
    MAX_HORIZON_DAYS,
    MAX_LIST_ITEMS,
    MAX_POPULATION,
    PROPENSITY_SHAPE,
)

__all__ = [
    "ALL",
    "SEED_MAX",
    "WEEKDAYS",
    "ChannelSpec",
    "Channels",
    "Name",
    "Outreach",
    "Seed",
    "Selection",
    "ServicePoint",
    "Share",
    "Venue",
    "Weekday",
    "add_channel_kind",
    "remove_channel_kind",
]

SHARE_TOLERANCE = 1e-3


class Horizon(_Model):
    start: dt.date = Field(description="First simulated day (date, included).")
    end: dt.date = Field(description="Last simulated day (date, included).")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end: {self.end} is before start ({self.start})")
        if self.days > MAX_HORIZON_DAYS:
            raise ValueError(
                f"end: the horizon is {self.days:,} days; at most {MAX_HORIZON_DAYS:,} (see docs/limits.md)"
            )
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
        description="Share of the group with a phone able to run the IKD app (fraction); only they are eligible."
    )


class Population(_Model):
    total: int = Field(gt=0, le=MAX_POPULATION, description="Wajib-KTP residents (people).")
    initial_activated: int | None = Field(
        default=None, ge=0, description="People with IKD activated on horizon.start (people)."
    )
    initial_activated_share: Share | None = Field(
        default=None, description="Alternative to initial_activated: share of population.total (fraction)."
    )
    districts: dict[Name, District] = Field(
        min_length=1,
        max_length=MAX_LIST_ITEMS,
        description="Share of the population living in each district (fractions summing to 1), or "
        "{share, initial_activated_share, source} where the district's starting share is known.",
    )
    groups: dict[Name, Group] = Field(
        min_length=1, max_length=MAX_LIST_ITEMS, description="Population groups (occupation/age); shares sum to 1."
    )
    district_map: DistrictMap | None = Field(
        default=None,
        description="The districts' boundaries for the report's map: a GeoJSON file whose features name the "
        "districts; optional.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for label, shares in (
            ("districts", [d.share for d in self.districts.values()]),
            ("groups", [g.share for g in self.groups.values()]),
        ):
            total = sum(shares)
            if abs(total - 1.0) > SHARE_TOLERANCE:
                raise ValueError(f"{label}: shares sum to {total:.6g}, they must sum to 1 (±{SHARE_TOLERANCE})")
        if self.initial_activated is not None and self.initial_activated_share is not None:
            raise ValueError("initial_activated: give initial_activated or initial_activated_share, not both")
        self._check_district_starts()
        if self.district_map is not None:
            self.district_map.check_names(list(self.districts))
        eligible = self.eligible_share * self.total
        if self.initial_count > eligible + 0.5:
            raise ValueError(
                f"{'initial_activated' if self.initial_activated is not None else 'initial_activated_share'}: "
                f"initial activated ({self.initial_count}) is above the eligible population "
                f"({eligible:.0f} people own a usable smartphone)"
            )
        return self

    def _check_district_starts(self) -> None:
        known = self.district_starts()
        if not known:
            return
        city = "initial_activated" if self.initial_activated is not None else "initial_activated_share"
        given = self.initial_activated is not None or self.initial_activated_share is not None
        for name, d in self.districts.items():
            if (d.initial_activated_share or 0.0) > self.eligible_share + 1e-9:
                raise ValueError(
                    f"districts.{name}.initial_activated_share: {d.initial_activated_share:g} is above the share "
                    f"of people with a usable smartphone ({self.eligible_share:.4g})"
                )
        if len(known) == len(self.districts):
            if given:
                raise ValueError(
                    f"{city}: every district gives its starting share, which fixes the city's; "
                    f"remove {city} (one source for one figure)"
                )
        elif not given:
            unknown = sorted(set(self.districts) - set(known))
            raise ValueError(
                f"initial_activated: the starting share is known for only some districts (not {unknown}); "
                "give the city's initial_activated or initial_activated_share too, or every district's"
            )
        elif sum(known.values()) > self.initial_count:
            raise ValueError(
                f"{city}: the districts' starting counts add up to {sum(known.values()):,}, more than the "
                f"city's {self.initial_count:,}"
            )

    def district_starts(self) -> dict[str, int]:
        """Activated people on horizon.start in each district whose starting share is known."""
        return {
            name: round(d.initial_activated_share * d.share * self.total)
            for name, d in self.districts.items()
            if d.initial_activated_share is not None
        }

    @property
    def initial_count(self) -> int:
        if self.initial_activated is not None:
            return self.initial_activated
        if self.initial_activated_share is not None:
            return round(self.initial_activated_share * self.total)
        return sum(self.district_starts().values())

    @property
    def eligible_share(self) -> float:
        return sum(g.share * g.smartphone for g in self.groups.values())


class PropensityClasses(_Model):
    count: int = Field(default=1, ge=1, le=20, description="Number of propensity classes K (count).")
    shape: float = Field(
        default=2.0,
        ge=PROPENSITY_SHAPE[0],
        le=PROPENSITY_SHAPE[1],
        description="Gamma shape of the propensity multiplier (mean 1); smaller is more spread.",
    )


class Adoption(_Model):
    base_rate: NonNeg = Field(description="Hazard of deciding to activate with no service benefit (per year).")
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
    title: str = Field(
        default="", max_length=200, description="A human title for reports (default: the description's first sentence)."
    )
    description: Description = Field(default="", description="Free text for the reader.")
    seed: Seed = Field(default=0, description="Root seed of the random streams (0 to 2^63-1).")
    horizon: Horizon = Field(description="Simulated period, daily steps.")
    target: Target = Field(description="The activation target to test.")
    population: Population = Field(description="Who must hold an e-KTP and who can adopt.")
    adoption: Adoption = Field(description="Decision behaviour of residents.")
    services: list[Service] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Services that can accept or require IKD."
    )
    campaigns: list[Campaign] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Dated awareness drives."
    )
    channels: Channels = Field(default_factory=Channels, description="Where activation happens.")
    calendar: Calendar = Field(
        default_factory=Calendar, description="Days off: a country's holidays (country: ID) or a list of dates."
    )
    uncertain: dict[Name, Unknown] = Field(
        default_factory=dict,
        max_length=MAX_LIST_ITEMS,
        description="Uncertain inputs: unknown name → distribution and the fields it drives (docs/uncertainty.md).",
    )
    posterior: Posterior | None = Field(
        default=None, description="Calibrated draws of the unknowns: a CSV file written by `ikdsim calibrate`."
    )
    costs: Costs | None = Field(default=None, description="Unit costs for pricing levers in the report.")
    observations: list[Observation] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Observed data points."
    )

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
        if not self.channels.service_points:
            raise ValueError(
                "channels.service_points: no service point; activation needs an officer, so the city "
                "needs at least one point (walk-in office or kelurahan counter) serving every district"
            )
        if self.channels.service_points:
            covered = set().union(*(self.point_districts(p) for p in self.channels.service_points))
            if missing := sorted(districts - covered):
                raise ValueError(
                    f"channels.service_points: districts {missing} are served by no service point; "
                    "list them in a point's districts or use districts: all"
                )
        if not self.horizon.start <= self.target.by <= self.horizon.end:
            raise ValueError(
                f"target.by: {self.target.by} is outside the horizon ({self.horizon.start} to {self.horizon.end})"
            )
        self.calendar.days_off(self.horizon.start, self.horizon.end)  # refuses a bad country or date here
        if self.posterior is not None and (missing := sorted(set(self.posterior.names) - set(self.uncertain))):
            raise ValueError(f"posterior: draws of {missing}, which are not unknowns of uncertain:")
        if self.uncertain:
            from ikdsim.scenario.uncertain import check_block

            check_block(self)
        for i, obs in enumerate(self.observations):
            if not self.horizon.start <= obs.date <= self.horizon.end:
                raise ValueError(
                    f"observations[{i}].date: {obs.date} is outside the horizon "
                    f"({self.horizon.start} to {self.horizon.end})"
                )
            if obs.activated is not None and obs.activated > self.population.total:
                raise ValueError(
                    f"observations[{i}].activated: {obs.activated} is above population.total ({self.population.total})"
                )
        return self

    @property
    def holiday_dates(self) -> list[dt.date]:
        """Days on which no point or team works, as the calendar block expands them."""
        return self.calendar.days_off(self.horizon.start, self.horizon.end)

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
