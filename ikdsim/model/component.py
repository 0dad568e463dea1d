"""The one interface every model part has, and the registry of channel kinds.

A component is demand, a service, a campaign, a channel (a service point, an outreach programme,
or any kind registered here) or the queue network. The engine, the column list, the month
diagnosis, attribute's levers, `describe` and the figures only talk to this interface, so a new
channel kind is one schema model (a `ChannelSpec` subclass) plus one component class:

    register_channel_kind("kiosks", KioskSpec, Kiosk, "Self-service kiosks.")

Static questions (columns, capacity, description, levers, dated changes) need no simulation;
`bind` attaches a component to one run and `step` acts on a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ikdsim.model import columns
from ikdsim.scenario.schema import ChannelSpec, Scenario, add_channel_kind, remove_channel_kind

if TYPE_CHECKING:
    import simpy

    from ikdsim.model.calendar import Calendar
    from ikdsim.model.population import Segments
    from ikdsim.model.queues import QueueNetwork
    from ikdsim.model.rng import Streams
    from ikdsim.model.state import State

# The order of a day. Day d covers [d, d+1); each phase runs at d + index / len(PHASES).
PHASES = ("changes", "demand", "visits", "counters", "give_up", "record")


def phase_time(day: int, phase: str) -> float:
    return day + PHASES.index(phase) / len(PHASES)


@dataclass(frozen=True)
class Counterfactual:
    """A change that switches one lever off: its label, kind and `PATH=VALUE` overrides."""

    name: str
    kind: str
    change: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """A dated policy change: from `day` on (the `changes` phase), something is different."""

    day: int
    what: str


@dataclass
class Context:
    """What a bound component sees of one run: shared state, streams and today's counts."""

    scenario: Scenario
    calendar: Calendar
    segments: Segments
    state: State
    streams: Streams
    env: simpy.Environment
    queues: QueueNetwork
    today: dict[str, int] = field(default_factory=dict)
    policy: simpy.Event | None = None  # triggered (then replaced) at every dated change

    def count(self, column: str, n: int) -> None:
        self.today[column] += n

    def announce(self, change: Change) -> None:
        """Tell whoever waits on `policy` that a dated change took effect now."""
        event, self.policy = self.policy, self.env.event()
        if event is not None:
            event.succeed(change)


class Component:
    """Base class of every model part; subclasses say what they are in their docstring.

    Class attributes:
        kind: plain-language kind, e.g. "service point" (None for parts that are not channels).
        phase: the phase of the day in which `step` runs ("" for parts that never step).
    """

    kind: ClassVar[str] = ""
    phase: ClassVar[str] = ""

    def __init__(self, name: str, scenario: Scenario) -> None:
        self.name = name
        self.scenario = scenario
        self.path = ""  # its place in the scenario file, e.g. channels.outreach.<name> (set on assembly)

    # -- what it is (no simulation needed) ---------------------------------------------------

    def channels(self) -> list[str]:
        """Channels it activates people through (each a column `activations_<channel>`)."""
        return []

    def causes(self) -> list[str]:
        """Causes of decisions it produces (each a column `intents_<cause>`)."""
        return []

    def columns(self) -> list[str]:
        return [columns.activations(c) for c in self.channels()] + [columns.intents(c) for c in self.causes()]

    def capacity(self, calendar: Calendar) -> np.ndarray | None:
        """People it could serve from the queues each day, or None if it serves no queue."""
        return None

    def resources(self, calendar: Calendar, last_day: int) -> dict[str, float]:
        """What it uses up to day `last_day` (included), in the units `costs:` prices:
        counter_days, team_days, campaigns. Levers are costed as the difference."""
        return {}

    def describe(self) -> list[tuple[str, str]]:
        """(topic, sentence) rows for the plain-language description of the scenario."""
        return []

    def levers(self) -> list[Counterfactual]:
        """Counterfactuals that switch this part off (or down), for `attribute`."""
        return []

    def changes(self, calendar: Calendar) -> list[Change]:
        """Dated changes inside the horizon (days ≥ 1; earlier dates are in force from day 0)."""
        return []

    # -- one run -----------------------------------------------------------------------------

    def bind(self, ctx: Context) -> None:
        """Attach to one run: take random streams, build per-run state."""

    def works_on(self, day: int) -> bool:
        """Whether `step` runs on `day` (a pure function of the date)."""
        return True

    def step(self, day: int, ctx: Context) -> None:
        """Act on `day`, in this component's phase."""

    def check(self, day: int) -> None:
        """Assert this component's invariants at the end of `day` (runs with check=True)."""

    def plan(self) -> str:
        """One line for `Model.plan()`: what this part does when it steps."""
        return self.describe()[0][1] if self.describe() else self.name


ChannelFactory = Callable[[Any, Scenario], Component]

# Spec class -> component class, filled by `channel_kind` in each channel module.
CHANNEL_KINDS: dict[type[ChannelSpec], ChannelFactory] = {}


def channel_kind(spec: type[ChannelSpec]) -> Callable[[type[Component]], type[Component]]:
    """Class decorator: this component simulates channels described by `spec`."""

    def register(cls: type[Component]) -> type[Component]:
        CHANNEL_KINDS[spec] = cls
        return cls

    return register


def register_channel_kind(key: str, spec: type[ChannelSpec], component: ChannelFactory, description: str) -> None:
    """Add a channel kind: scenario files get `channels.<key>: [...]` of `spec` items."""
    add_channel_kind(key, spec, description)
    CHANNEL_KINDS[spec] = component


def unregister_channel_kind(key: str, spec: type[ChannelSpec]) -> None:
    remove_channel_kind(key)
    CHANNEL_KINDS.pop(spec, None)


def day_before(date: dt.date) -> str:
    return (date - dt.timedelta(days=1)).isoformat()
