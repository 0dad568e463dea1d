"""The `calendar:` block: days on which no service point or team works.

Two ways to give them. `country: ID` takes the national holidays and the government's joint
leave days (cuti bersama) of every year of the horizon from the `holidays` package, with
`add:` for local days off and `remove:` for days the city works anyway. `holidays:` is an
explicit list, the only form before the package was used; it still works alone.

A resolved scenario (scenario.resolved.yaml, the hashes that key sweep runs) holds the explicit
list the block expands to, so a result can be re-run and compared without depending on which
version of the package is installed, and a package update that moves a date changes the hash.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Self

from pydantic import Field, model_validator

from ikdsim.scenario.base import _Model
from ikdsim.scenario.limits import MAX_HOLIDAYS

# Indonesia's "government" category in the holidays package is the cuti bersama of the SKB.
DEFAULT_CATEGORIES = ("public", "government")


class Calendar(_Model):
    country: str | None = Field(
        default=None,
        description="ISO 3166-1 code (ID): public and government holidays of the horizon's years, "
        "from the holidays package (docs/tutorial.md#calendar-and-observations).",
    )
    categories: list[str] | None = Field(
        default=None,
        max_length=16,
        description="Holiday categories of the country's list; default public and government "
        "(cuti bersama for ID) where the country has them.",
    )
    add: list[dt.date] = Field(
        default_factory=list, max_length=MAX_HOLIDAYS, description="Extra days off besides the country's (dates)."
    )
    remove: list[dt.date] = Field(
        default_factory=list,
        max_length=MAX_HOLIDAYS,
        description="Days of the country's list that the city works anyway (dates).",
    )
    holidays: list[dt.date] = Field(
        default_factory=list,
        max_length=MAX_HOLIDAYS,
        description="Explicit days no point or team works (dates), instead of country:.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.country is None:
            for key in ("categories", "add", "remove"):
                if getattr(self, key):
                    raise ValueError(
                        f"{key}: needs country: (e.g. country: ID); without a country, list every day off "
                        "under holidays:"
                    )
        elif self.holidays:
            raise ValueError("holidays: with country:, list extra days under add: (and days worked under remove:)")
        return self

    def days_off(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The days off the block stands for, sorted; ValueError (located) for a bad country or date."""
        if self.country is None:
            return sorted(set(self.holidays))
        listed = country_days(self.country, tuple(self.categories or ()), start.year, end.year)
        listed = frozenset(d for d in listed if start <= d <= end)
        for key, dates in (("add", self.add), ("remove", self.remove)):
            for i, date in enumerate(dates):
                if not start <= date <= end:
                    raise ValueError(f"calendar.{key}[{i}]: {date} is outside the horizon ({start} to {end})")
        for i, date in enumerate(self.remove):
            if date not in listed:
                raise ValueError(
                    f"calendar.remove[{i}]: {date} is not a holiday of {self.country} in the holidays package; "
                    "remove: takes only days of the country's list"
                )
        return sorted((listed | set(self.add)) - set(self.remove))


@functools.lru_cache(maxsize=32)
def country_days(country: str, categories: tuple[str, ...], first_year: int, last_year: int) -> frozenset[dt.date]:
    """The country's holidays of the given years (cached: the package takes ~0.1 s per call)."""
    from ikdsim._optional import require

    holidays = require("holidays")
    code = country.upper()
    if code not in holidays.list_supported_countries():
        raise ValueError(
            f"calendar.country: {country!r} is not a country the holidays package knows; "
            "use an ISO 3166-1 code such as ID"
        )
    supported = tuple(holidays.country_holidays(code).supported_categories)
    if categories:
        if unknown := sorted(set(categories) - set(supported)):
            raise ValueError(f"calendar.categories: {unknown} not known for {code}; known: {sorted(supported)}")
        chosen = categories
    else:
        chosen = tuple(c for c in DEFAULT_CATEGORIES if c in supported)
    years = list(range(first_year, last_year + 1))
    # language is fixed so that nothing depends on the locale of the machine (only dates are used).
    found = holidays.country_holidays(code, years=years, categories=chosen, language="en_US")
    return frozenset(found)
