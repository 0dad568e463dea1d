"""The simulation: components wired into a SimPy environment, and `simulate`.

Time is in days; day d covers [d, d+1). Within a day, components act in this fixed order (the
fractional time of each phase makes SimPy order them; ties within a phase go by creation order,
which is the order of the scenario file):

1. services        integration and requirement dates take effect
2. demand          not-intending eligible people decide; decisions join a queue the same day
3. outreach        each team on duty makes one visit (queue members first, then on the spot)
4. service_points  each open point serves up to its capacity, first come first served
5. give_up         people still waiting leave with the daily patience probability
6. record          the day's figures are written to the daily table
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import simpy

from ikdsim.model.calendar import Calendar
from ikdsim.model.demand import Demand, cause_names
from ikdsim.model.outreach import Programme
from ikdsim.model.population import build_segments
from ikdsim.model.results import Result
from ikdsim.model.rng import Streams
from ikdsim.model.service_points import Point, Router, WaitLog
from ikdsim.model.services import ServiceTimeline
from ikdsim.model.state import State
from ikdsim.model.summary import summarise
from ikdsim.scenario.schema import Scenario

PHASES = ("services", "demand", "outreach", "service_points", "give_up", "record")


def phase_time(day: int, phase: str) -> float:
    return day + PHASES.index(phase) / len(PHASES)


class Model:
    def __init__(self, scenario: Scenario, seed: int, replicate: int = 0, check: bool = False) -> None:
        self.scenario = scenario
        self.check = check
        self.calendar = Calendar(scenario)
        self.segments = build_segments(scenario)
        self.state = State(self.segments)
        streams = Streams(seed, replicate)
        self.streams = streams
        self.env = simpy.Environment()
        self.services = [ServiceTimeline(s, self.calendar) for s in scenario.services]
        self.demand = Demand(scenario, self.state, self.services, self.calendar, streams)
        self.waits = WaitLog(self.calendar.days)
        self.points = [
            Point(p, scenario, self.state, self.calendar, streams, self.waits)
            for p in scenario.channels.service_points
        ]
        self.programmes = [
            Programme(o, scenario, self.state, self.calendar, self.points,
                      [streams(f"outreach.{o.name}.team{k}") for k in range(o.teams)])
            for o in scenario.channels.outreach
        ]
        district_segs = [np.flatnonzero(self.segments.district == d) for d in range(len(self.segments.districts))]
        self.router = Router(self.points, district_segs, streams("routing"))
        self._init_table()

    # -- the daily table -------------------------------------------------------------------

    def _init_table(self) -> None:
        days = self.calendar.days
        self.channels = [p.name for p in self.points] + [o.name for o in self.programmes]
        self.causes = cause_names(self.scenario) + [f"outreach_{o.name}" for o in self.programmes]
        columns = ["activated", "intents_new", "activations", "waiting", "gave_up"]
        columns += [f"activations_{c}" for c in self.channels] + [f"intents_{c}" for c in self.causes]
        self.table = {c: np.zeros(days, dtype=np.int64) for c in columns}
        self.cause_columns = [f"intents_{c}" for c in self.causes]
        self.district_activated = np.zeros((days, len(self.segments.districts)), dtype=np.int64)
        self.today = {c: 0 for c in columns}

    # -- processes -------------------------------------------------------------------------

    def _on_days(
        self, days: list[int], phase: str, action: Callable[[int], None]
    ) -> Generator[simpy.Event, None, None]:
        for day in days:
            yield self.env.timeout(phase_time(day, phase) - self.env.now)
            action(day)

    def _demand(self, day: int) -> None:
        decided, causes = self.demand.decide(day)
        n = int(decided.sum())
        self.today["intents_new"] += n
        for column, count in zip(self.cause_columns, causes.tolist(), strict=False):
            self.today[column] += count
        if n:
            self.router.route(day, decided, self.segments.district)

    def _team_action(self, programme: Programme, team: int) -> Callable[[int], None]:
        channel, cause = f"activations_{programme.name}", f"intents_outreach_{programme.name}"

        def act(day: int) -> None:
            from_queue, converted = programme.teams[team].visit(day)
            self.today[channel] += from_queue + converted
            self.today["activations"] += from_queue + converted
            self.today[cause] += converted
            self.today["intents_new"] += converted
        return act

    def _point_action(self, point: Point) -> Callable[[int], None]:
        channel = f"activations_{point.name}"

        def act(day: int) -> None:
            served = point.serve(day)
            self.today[channel] += served
            self.today["activations"] += served
        return act

    def _give_up(self, day: int) -> None:
        self.today["gave_up"] += sum(p.give_up(day) for p in self.points)

    def _record(self, day: int) -> None:
        state = self.state
        self.today["activated"] = state.activated_total()
        self.today["waiting"] = sum(p.queue_length for p in self.points)
        for column, value in self.today.items():
            self.table[column][day] = value
        self.today = dict.fromkeys(self.today, 0)
        self.district_activated[day] = state.activated_by_district()
        if self.check:
            self.check_invariants()

    def check_invariants(self) -> None:
        state = self.state
        waiting = np.zeros(len(self.segments), dtype=np.int64)
        for p in self.points:
            waiting[p.segs] += p.waiting
            assert p.cohort.sum() == p.queue_length == p.waiting.sum(), f"queue of {p.name} out of step"
        stocks = {"not intending": state.not_intending, "waiting": waiting, "activated": state.activated}
        for name, counts in stocks.items():
            assert (counts >= 0).all(), f"negative {name} count"
        balance = state.not_eligible + state.not_intending + waiting + state.activated
        assert (balance == self.segments.size).all(), "people were created or lost"

    def run(self) -> None:
        days = self.calendar.days
        every_day = list(range(days))
        for timeline in self.services:
            self.env.process(timeline.process(self.env, PHASES.index("services") / len(PHASES)))
        self.env.process(self._on_days(every_day, "demand", self._demand))
        for programme in self.programmes:
            for k in range(len(programme.teams)):
                self.env.process(self._on_days(programme.days, "outreach", self._team_action(programme, k)))
        for point in self.points:
            self.env.process(self._on_days(point.open_days, "service_points", self._point_action(point)))
        self.env.process(self._on_days(every_day, "give_up", self._give_up))
        self.env.process(self._on_days(every_day, "record", self._record))
        self.env.run(until=days)


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
    model.run()
    daily: dict[str, np.ndarray] = {}
    total = model.state.total
    for column, values in model.table.items():
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
        wait_histogram=model.waits.counts,
        segments=len(model.segments),
    )
    result.summary = summarise(result, model.channels, model.causes, model.waits)
    return result
