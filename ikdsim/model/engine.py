"""The simulation: components bound to one SimPy environment, and `simulate`.

Time is in days; day d covers [d, d+1). `Model.plan()` prints the order of a day:

1. changes   dated policy changes take effect (SimPy events: go-live, ramp, requirement,
             campaign start/end, point opening/closing, team deployment); demand reacts
2. demand    not-intending eligible people decide; decisions join a queue the same day
3. visits    each outreach team on duty makes one visit (queue members first, then on the spot)
4. counters  each open point serves up to its capacity, first come first served
5. give_up   people still waiting leave with the daily patience probability
6. record    the day's figures are written to the daily table

Steps 2-6 are one SimPy process stepping every day; within a phase, components act in the order
of `assembly.components` (the order of the scenario file).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from ikdsim.model import columns
from ikdsim.model.assembly import cause_names, channel_names, components
from ikdsim.model.calendar import Calendar
from ikdsim.model.component import PHASES, Change, Component, Context, phase_time
from ikdsim.model.population import segments_of
from ikdsim.model.queues import QueueNetwork
from ikdsim.model.results import Result
from ikdsim.model.rng import Streams
from ikdsim.model.state import ActivatedLog, State
from ikdsim.model.summary import summarise
from ikdsim.scenario.schema import Scenario

__all__ = ["PHASES", "Model", "plan", "simulate"]


class Model:
    """One run of one scenario: its components, their shared state, and the daily table."""

    def __init__(self, scenario: Scenario, seed: int, replicate: int = 0, check: bool = False) -> None:
        self.scenario = scenario
        self.check = check
        self.calendar = Calendar(scenario)
        self.segments = segments_of(scenario)
        self.state = State(self.segments)
        self.queues = QueueNetwork(scenario, self.calendar.days)
        self.parts: list[Component] = [*components(scenario), self.queues]
        self.channels = channel_names(self.parts)
        self.causes = cause_names(self.parts)
        self.columns = [c for c in columns.LEAD if c != "activated_share"]  # the share is derived
        self.columns += [columns.activations(c) for c in self.channels] + [columns.intents(c) for c in self.causes]
        self.env = simpy.Environment()
        self.ctx = Context(scenario, self.calendar, self.segments, self.state, Streams(seed, replicate), self.env,
                           self.queues, dict.fromkeys(self.columns, 0), self.env.event())

    def plan(self) -> str:
        """The order of a day and the dated changes, in words."""
        lines = ["Each day:"]
        for k, phase in enumerate(PHASES, start=1):
            if phase == "changes":
                lines.append(f"{k}. changes    dated policy changes below take effect (events)")
            elif phase == "record":
                lines.append(f"{k}. record     the day's figures are written to the daily table")
            for part in self.parts:
                if part.phase == phase:
                    label = part.name if part.kind in ("", part.name) else f"{part.kind} {part.name}"
                    lines.append(f"{k}. {phase:<10} {label}: {part.plan()}")
        lines.append("Dated changes:")
        for change in self._changes():
            lines.append(f"  {self.calendar.dates[change.day].isoformat()}  {change.what}")
        return "\n".join(lines)

    def _changes(self) -> list[Change]:
        return sorted((c for part in self.parts for c in part.changes(self.calendar)), key=lambda c: c.day)

    def check_invariants(self) -> None:
        state = self.state
        waiting = np.zeros(len(self.segments), dtype=np.int64)
        for q in self.queues.queues:
            waiting[q.segs] += q.waiting
            assert q.cohort.sum() == q.queue_length == q.waiting.sum(), f"queue of {q.name} out of step"
        stocks = {"not intending": state.not_intending, "waiting": waiting, "activated": state.activated}
        for name, counts in stocks.items():
            assert (counts >= 0).all(), f"negative {name} count"
        balance = state.not_eligible + state.not_intending + waiting + state.activated
        assert (balance == self.segments.size).all(), "people were created or lost"

    def _check(self, day: int) -> None:
        self.check_invariants()
        for part in self.parts:
            part.check(day)

    def _announce(self, changes: list[Change]) -> Generator[simpy.Event, None, None]:
        for change in changes:
            yield self.env.timeout(phase_time(change.day, "changes") - self.env.now)
            self.ctx.announce(change)

    def _days(self, rows: list[list[int]]) -> Generator[simpy.Event, None, None]:
        ctx, state = self.ctx, self.state
        steps = [part for phase in PHASES for part in self.parts if part.phase == phase]
        log = ActivatedLog(self.segments, self.calendar.days)
        for day in range(self.calendar.days):
            yield self.env.timeout(phase_time(day, "demand") - self.env.now)
            for part in steps:
                if part.works_on(day):
                    part.step(day, ctx)
            today = ctx.today
            today["waiting"] = self.queues.waiting
            rows.append(list(today.values()))  # in self.columns order: today was made from it
            ctx.today = dict.fromkeys(today, 0)
            log.record(state.activated)
            if self.check:
                self._check(day)
        self.activated, self.district_activated = log.totals()

    def bind(self) -> None:
        """Attach every component to this run (done by `run`; tests call it to drive parts by hand)."""
        for part in self.parts:
            part.bind(self.ctx)
        self.queues.start(self.ctx)

    def run(self) -> dict[str, np.ndarray]:
        days = self.calendar.days
        self.bind()  # first: the queue network knows its queues' closing days once they are bound
        for part in self.parts:
            if changes := part.changes(self.calendar):
                self.env.process(self._announce(changes))
        rows: list[list[int]] = []
        self.env.process(self._days(rows))
        self.env.run(until=days)
        # One row a day while running (cheap appends); columns for the table at the end.
        table = np.array(rows, dtype=np.int64).reshape(days, len(self.columns)).T.copy()
        table[self.columns.index("activated")] = self.activated
        return dict(zip(self.columns, table, strict=True))


def plan(scenario: Scenario) -> str:
    """The order of a day and the dated changes of a scenario, in words (no simulation)."""
    return Model(scenario, scenario.seed).plan()


def simulate(scenario: Scenario, seed: int | None = None, replicate: int = 0, check: bool = False) -> Result:
    """Run one scenario once.

    Args:
        scenario: a validated scenario (see `ikdsim.load_scenario`).
        seed: root seed of the random streams; defaults to `scenario.seed`.
        replicate: replicate number; replicate r uses `SeedSequence([seed, r])`.
        check: verify conservation of people and queue bookkeeping every day (slower).
    """
    seed = scenario.seed if seed is None else seed
    model = Model(scenario, seed, replicate, check=check)
    table = model.run()
    daily: dict[str, np.ndarray] = {}
    total = model.state.total
    for column, values in table.items():
        daily[column] = values
        if column == "activated":
            daily["activated_share"] = values / total
    result = Result(
        scenario=scenario,
        seed=seed,
        replicate=replicate,
        dates=model.calendar.dates,
        daily=daily,
        districts=list(model.segments.districts),
        district_activated=model.district_activated,
        district_size=model.state.district_size.astype(np.int64),
        wait_histogram=model.queues.waits.counts,
        segments=len(model.segments),
    )
    result.summary = summarise(result, model.channels, model.causes, model.queues.waits)
    return result
