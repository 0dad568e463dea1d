"""Outreach ("jemput bola"): mobile teams that visit one venue in one district per working day.

At a visit, `reach` people are present, drawn without replacement from the eligible, not yet
activated people of the venue's groups in the district. Those among them who already wait in a
queue are activated first; the others convert with `on_site_conversion`; all within
`capacity_per_event`.
"""

from __future__ import annotations

import numpy as np

from ikdsim.model import columns, words
from ikdsim.model.calendar import Calendar
from ikdsim.model.compiled import hypergeometric, kernels
from ikdsim.model.component import Change, Component, Context, Counterfactual, channel_kind
from ikdsim.model.queues import Queue
from ikdsim.model.rng import Stream, StreamGenerator, draw_without_replacement
from ikdsim.model.state import State
from ikdsim.scenario.schema import Outreach, Scenario


class Team:
    """One mobile team of an outreach programme, with its own random stream."""

    def __init__(self, programme: Programme, index: int, stream: Stream) -> None:
        self.programme = programme
        self.index = index
        self.stream = stream

    def visit(self, day: int, state: State, serving: list[list[Queue]]) -> tuple[int, int]:
        """Make today's visit. Returns (activated from queues, converted on the spot)."""
        prog = self.programme
        rng = self.stream.on(day)
        district, venue = prog.next_visit(state, serving)
        segs = prog.targets[(district, venue)]
        if len(segs) == 0:
            return 0, 0
        queues = serving[district]
        capacity = prog.spec.capacity_per_event
        slots = prog.slots(district, venue, queues)
        taken, converted, from_queue, idle_present = kernels.visit(
            rng.bits, segs, slots, prog.network.all_waiting, state.not_intending, state.activated,
            prog.spec.venues[venue].reach, capacity, prog.spec.on_site_conversion)
        if converted >= 0:
            return 0, int(converted)
        # Some waiting people were activated: they leave their queues, then the others may convert.
        held = prog.network.all_waiting[slots]  # queue by queue, the visited segments' waiting people
        self._take_from_queues(day, segs, from_queue, queues, list(held), held.sum(axis=0), rng)
        on_spot = kernels.binomials(rng.bits, idle_present, prog.spec.on_site_conversion)
        on_spot = draw_without_replacement(on_spot, capacity - int(taken), rng)
        state.not_intending[segs] -= on_spot
        state.activated[segs] += from_queue + on_spot
        return int(taken), int(on_spot.sum())

    def _take_from_queues(self, day: int, segs: np.ndarray, people: np.ndarray, queues: list[Queue],
                          holdings: list[np.ndarray], waiting: np.ndarray, rng: StreamGenerator) -> None:
        # Split each segment's people among the queues holding them, uniformly at random.
        remaining_people = people.copy()
        remaining_held = waiting
        for queue, held in zip(queues, holdings, strict=True):
            others = remaining_held - held
            take = hypergeometric.hypergeometrics(rng.bits, held, others, remaining_people)
            queue.remove(day, segs, take)
            remaining_people -= take
            remaining_held = others


@channel_kind(Outreach)
class Programme(Component):
    """An outreach programme: its teams, working days and the policy that picks visits.

    On each working day (its weekdays, not holidays, between `start` and `end`) every team makes
    one visit, in team order; the programme adds the channel `<name>` and the cause
    `outreach_<name>` (people who decided on the spot).
    """

    kind = "outreach programme"
    phase = "visits"

    def __init__(self, spec: Outreach, scenario: Scenario) -> None:
        super().__init__(spec.name, scenario)
        self.spec = spec
        self.venues = list(spec.venues)
        self._visits = 0
        self._credit = dict.fromkeys(self.venues, 0.0)
        self._venue = self.venues[0]

    def channels(self) -> list[str]:
        return [self.name]

    def causes(self) -> list[str]:
        return [columns.outreach_cause(self.name)]

    def working_days(self, calendar: Calendar) -> list[int]:
        return calendar.working_days(self.spec.days, self.spec.start, self.spec.end)

    def resources(self, calendar: Calendar, last_day: int) -> dict[str, float]:
        days = sum(1 for d in self.working_days(calendar) if d <= last_day)
        return {"team_days": float(self.spec.teams * days)}

    def changes(self, calendar: Calendar) -> list[Change]:
        out = []
        if self.spec.start is not None and 0 < (day := calendar.day_of(self.spec.start)) < calendar.days:
            out.append(Change(day, f"{self.name}: {self.spec.teams} team(s) deployed"))
        if self.spec.end is not None and 0 <= (day := calendar.day_of(self.spec.end)) < calendar.days - 1:
            out.append(Change(day + 1, f"{self.name}: teams withdrawn"))
        return out

    def describe(self) -> list[tuple[str, str]]:
        o = self.spec
        venues = "; ".join(
            f"{v} (reach {venue.reach}, {words.where(venue.groups, 'group')})" for v, venue in o.venues.items()
        )
        return [(f"Outreach: {o.name}", f"{o.teams} team(s) on {', '.join(o.days)}, up to {o.capacity_per_event} "
                 f"activations per visit, {words.pct(o.on_site_conversion, 0)} of those present activate on the "
                 f"spot; policy {o.policy}; venues: {venues}.")]

    def levers(self) -> list[Counterfactual]:
        o, levers = self.spec, []
        if o.teams > 0:
            levers.append(Counterfactual(f"{o.name} outreach ({o.teams} teams)", "outreach", (f"{self.path}.teams=0",)))
        if o.teams > 1:
            # The last team's worth: what a planner weighs when cutting or adding one.
            levers.append(Counterfactual(f"{o.name}: one team of {o.teams}", "outreach_team",
                                         (f"{self.path}.teams={o.teams - 1}",)))
        return levers

    def bind(self, ctx: Context) -> None:
        seg, scenario, spec = ctx.segments, self.scenario, self.spec
        self.districts = [seg.districts.index(d) for d in scenario.resolve_districts(spec.districts)]
        self.targets: dict[tuple[int, str], np.ndarray] = {}
        for d in self.districts:
            for v, venue in spec.venues.items():
                gs = [seg.groups.index(g) for g in scenario.resolve_groups(venue.groups)]
                self.targets[(d, v)] = np.flatnonzero((seg.district == d) & np.isin(seg.group, gs))
        working = np.zeros(ctx.calendar.days, dtype=bool)
        working[self.working_days(ctx.calendar)] = True
        self._working: list[bool] = working.tolist()  # a list: asked every day, indexed from Python
        self._slots: dict[tuple[int, str], np.ndarray] = {}
        self.network = ctx.queues  # its array of all waiting people exists once it has started
        self.teams = [Team(self, k, ctx.streams(f"outreach.{spec.name}.team{k}")) for k in range(spec.teams)]
        self._channel = columns.activations(self.name)
        self._cause = columns.intents(columns.outreach_cause(self.name))

    def works_on(self, day: int) -> bool:
        return self._working[day]

    def slots(self, district: int, venue: str, queues: list[Queue]) -> np.ndarray:
        """Where a visit's target segments wait, queue by queue, in the array of all queues' waiting."""
        key = (district, venue)
        found = self._slots.get(key)
        if found is None:
            segs = self.targets[key]
            found = self._slots[key] = np.array([q.slots(segs) for q in queues]).reshape(len(queues), -1)
        return found

    def step(self, day: int, ctx: Context) -> None:
        serving = ctx.queues.serving
        for team in self.teams:
            from_queue, converted = team.visit(day, ctx.state, serving)
            ctx.count(self._channel, from_queue + converted)
            ctx.count("activations", from_queue + converted)
            ctx.count(self._cause, converted)
            ctx.count("intents_new", converted)

    def next_visit(self, state: State, serving: list[list[Queue]]) -> tuple[int, str]:
        if self.spec.policy == "largest_gap":
            return self._largest_gap(state, serving)
        # Rotation: districts in turn; after each full round, the next venue kind by smooth
        # weighted round robin, so venue weights set how often each kind comes up.
        n = len(self.districts)
        if self._visits % n == 0:
            self._venue = self._next_venue()
        district = self.districts[self._visits % n]
        self._visits += 1
        return district, self._venue

    def _next_venue(self) -> str:
        weights = {v: self.spec.venues[v].weight for v in self.venues}
        total = sum(weights.values())
        if total <= 0:
            return self.venues[0]
        for v in self.venues:
            self._credit[v] += weights[v]
        best = max(self.venues, key=lambda v: self._credit[v])  # first wins ties: deterministic
        self._credit[best] -= total
        return best

    def _largest_gap(self, state: State, serving: list[list[Queue]]) -> tuple[int, str]:
        # The district furthest behind (lowest activated share), then the venue kind there with
        # the largest weighted pool of people not yet activated.
        share = state.activated_by_district() / np.maximum(state.district_size, 1)
        district = min(self.districts, key=lambda d: share[d])

        def pool(v: str) -> float:
            segs = self.targets[(district, v)]
            idle = state.not_intending[segs].sum() + sum(q.holdings(segs).sum() for q in serving[district])
            return float(idle) * self.spec.venues[v].weight
        return district, max(self.venues, key=pool)
