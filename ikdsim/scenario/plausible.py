"""Plausibility warnings: values that are valid but probably not what the analyst meant.

They are warnings, not errors, because each can be right on purpose (the theory checks of
docs/validation.md use a hazard of 2 a year; a pilot can cover a few hundred people). The usual
causes are a unit slip (a rate per month or a percentage written where a rate per year is
meant) and a population written in thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ikdsim.scenario.loader import Document, Loc, dotted, load_document, validate
from ikdsim.scenario.schema import Scenario

MIN_CITY = 1_000  # people: below this a "city" is more likely a slip (thousands) than a real one
MAX_RATE = 1.0  # decisions per person per year: above it most people would decide within a year


def findings(scenario: Scenario) -> list[tuple[Loc, str]]:
    """(field location, message) for each implausible value, in file order."""
    found: list[tuple[Loc, str]] = []
    total = scenario.population.total
    if total < MIN_CITY:
        found.append(
            (
                ("population", "total"),
                f"{total:,} people is under {MIN_CITY:,} for a whole city; population.total counts people, "
                f"not thousands (write {total * 1000} for {total:,} thousand)",
            )
        )
    adoption = scenario.adoption
    for name, rate in (("base_rate", adoption.base_rate), ("word_of_mouth", adoption.word_of_mouth)):
        if rate > MAX_RATE:
            found.append((("adoption", name), _rate_message(rate)))
    for i, service in enumerate(scenario.services):
        # Voluntary decisions only: a requirement is meant to be strong (bansos: 4 a year × 0.5).
        rate = service.encounters_per_year * service.conversion
        if rate > MAX_RATE:
            found.append(
                (
                    ("services", i, "conversion"),
                    f"encounters_per_year × conversion = {service.encounters_per_year:g} × {service.conversion:g} "
                    f"= {rate:g} decisions a year; " + _rate_message(rate, prefix=False),
                )
            )
    return found


def _rate_message(rate: float, prefix: bool = True) -> str:
    head = f"{rate:g} a year is " if prefix else ""
    return (
        f"{head}above {MAX_RATE:g} decision a year per person (most would decide within months); "
        "rates are per year, not per month or in percent"
    )


def located(doc: Document, scenario: Scenario) -> list[str]:
    """The findings as `file:line: field: message`, like validation errors."""
    return [f"{doc.where(loc)}{dotted(loc)}: {message}" for loc, message in findings(scenario)]


def load_with_warnings(source: str | Path, overrides: Iterable[str] = ()) -> tuple[Scenario, list[str]]:
    """`load_scenario` plus the located plausibility warnings of the result."""
    doc = load_document(source, overrides)
    scenario: Scenario = validate(doc)
    return scenario, located(doc, scenario)
