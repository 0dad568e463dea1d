"""The components of a scenario, in the order they act and their columns appear.

Demand first, then each service and each campaign (in file order), then every channel: the
kinds in the order of `Channels`' fields (service points, outreach, then registered kinds), each
in file order. Everything that needs to know a scenario's parts asks `components`.
"""

from __future__ import annotations

import numpy as np

# The built-in channel kinds register themselves on import.
import ikdsim.model.outreach
import ikdsim.model.service_points  # noqa: F401
from ikdsim.model import columns
from ikdsim.model.calendar import Calendar
from ikdsim.model.campaigns import CampaignDrive
from ikdsim.model.component import CHANNEL_KINDS, Component
from ikdsim.model.demand import Demand
from ikdsim.model.services import ServiceTimeline
from ikdsim.scenario.schema import Scenario


def components(scenario: Scenario) -> list[Component]:
    services = [ServiceTimeline(s, scenario) for s in scenario.services]
    campaigns = [CampaignDrive(c, scenario) for c in scenario.campaigns]
    for part, key in [*((s, "services") for s in services), *((c, "campaigns") for c in campaigns)]:
        part.path = f"{key}.{part.name}"
    channels = []
    for key, _, spec in scenario.channels.items():
        factory = CHANNEL_KINDS.get(type(spec))
        if factory is None:
            raise TypeError(f"channels.{key}: no component registered for {type(spec).__name__} in this process; "
                            "register the kind in a module that worker processes import too")
        channel = factory(spec, scenario)
        channel.path = f"channels.{key}.{spec.name}"
        channels.append(channel)
    return [Demand(scenario, services, campaigns), *services, *campaigns, *channels]


def channel_names(parts: list[Component]) -> list[str]:
    return [c for part in parts for c in part.channels()]


def cause_names(parts: list[Component]) -> list[str]:
    return [c for part in parts for c in part.causes()]


def channel_columns(scenario: Scenario) -> list[str]:
    return [columns.activations(c) for c in channel_names(components(scenario))]


def cause_columns(scenario: Scenario) -> list[str]:
    return [columns.intents(c) for c in cause_names(components(scenario))]


def walk_in(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """The channels serving the queues: their activation columns, and their capacity each day."""
    calendar = Calendar(scenario)
    names, total = [], np.zeros(calendar.days)
    for part in components(scenario):
        capacity = part.capacity(calendar)
        if capacity is not None:
            names += [columns.activations(c) for c in part.channels()]
            total += capacity
    return names, total


def resources(scenario: Scenario) -> dict[str, float]:
    """Counter-days, team-days and campaigns the scenario uses up to its target date."""
    calendar = Calendar(scenario)
    last = calendar.day_of(scenario.target.by)
    total: dict[str, float] = {}
    for part in components(scenario):
        for unit, amount in part.resources(calendar, last).items():
            total[unit] = total.get(unit, 0.0) + amount
    return total
