"""Outreach ("jemput bola"): mobile teams that visit one venue in one district per working day.

At a visit, `reach` people are present, drawn without replacement from the eligible, not yet
activated people of the venue's groups in the district. Those among them who already wait in a
queue are activated first; the others convert with `on_site_conversion`; all within
`capacity_per_event`.
"""

from __future__ import annotations

import numpy as np

from ikdsim.model.calendar import Calendar
from ikdsim.model.rng import Stream, draw_without_replacement
from ikdsim.model.service_points import Point
from ikdsim.model.state import State
from ikdsim.scenario.schema import Outreach, Scenario


class Team:
    """One mobile team of an outreach programme, with its own random stream."""

    def __init__(self, programme: Programme, index: int, stream: Stream) -> None:
        self.programme = programme
        self.index = index
        self.stream = stream

    def visit(self, day: int) -> tuple[int, int]:
        """Make today's visit. Returns (activated from queues, converted on the spot)."""
        prog = self.programme
        state = prog.state
        rng = self.stream.on(day)
        district, venue = prog.next_visit(self.index)
        segs = prog.targets[(district, venue)]
        if len(segs) == 0:
            return 0, 0
        spec = prog.spec.venues[venue]
        idle = state.not_intending[segs]
        points = prog.serving[district]
        holdings = [p.holdings(segs) for p in points]
        waiting = np.sum(holdings, axis=0) if holdings else np.zeros_like(idle)
        present = draw_without_replacement(np.concatenate([idle, waiting]), spec.reach, rng)
        idle_present, waiting_present = present[: len(segs)], present[len(segs) :]

        capacity = prog.spec.capacity_per_event
        from_queue = draw_without_replacement(waiting_present, capacity, rng)
        if from_queue.any():
            self._take_from_queues(day, segs, from_queue, points, holdings, waiting, rng)
        converted = rng.binomial(idle_present, prog.spec.on_site_conversion)
        converted = draw_without_replacement(converted, capacity - int(from_queue.sum()), rng)
        state.not_intending[segs] -= converted
        state.activated[segs] += from_queue + converted
        return int(from_queue.sum()), int(converted.sum())

    def _take_from_queues(self, day: int, segs: np.ndarray, people: np.ndarray, points: list[Point],
                          holdings: list[np.ndarray], waiting: np.ndarray, rng: np.random.Generator) -> None:
        # Split each segment's people among the points holding them, uniformly at random.
        remaining_people = people.copy()
        remaining_held = waiting
        for point, held in zip(points, holdings, strict=True):
            others = remaining_held - held
            take = rng.hypergeometric(held, others, remaining_people)
            point.remove(day, segs, take)
            remaining_people -= take
            remaining_held = others

class Programme:
    """An outreach programme: its teams, working days and the policy that picks visits."""

    def __init__(self, spec: Outreach, scenario: Scenario, state: State, calendar: Calendar,
                 points: list[Point], streams: list[Stream]) -> None:
        seg = state.segments
        self.spec = spec
        self.name = spec.name
        self.state = state
        self.points = points
        self.serving = {d: [p for p in points if d in p.district_ids] for d in range(len(seg.districts))}
        self.districts = [seg.districts.index(d) for d in scenario.resolve_districts(spec.districts)]
        self.venues = list(spec.venues)
        self.targets: dict[tuple[int, str], np.ndarray] = {}
        for d in self.districts:
            for v, venue in spec.venues.items():
                gs = [seg.groups.index(g) for g in scenario.resolve_groups(venue.groups)]
                self.targets[(d, v)] = np.flatnonzero((seg.district == d) & np.isin(seg.group, gs))
        self.days = calendar.working_days(spec.days, spec.start, spec.end)
        self.teams = [Team(self, k, stream) for k, stream in enumerate(streams)]
        self._visits = 0
        self._credit = dict.fromkeys(self.venues, 0.0)
        self._venue = self.venues[0]

    def next_visit(self, team: int) -> tuple[int, str]:
        if self.spec.policy == "largest_gap":
            return self._largest_gap()
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

    def _largest_gap(self) -> tuple[int, str]:
        # The district furthest behind (lowest activated share), then the venue kind there with
        # the largest weighted pool of people not yet activated.
        state = self.state
        share = state.activated_by_district() / np.maximum(state.district_size, 1)
        district = min(self.districts, key=lambda d: share[d])
        def pool(v: str) -> float:
            segs = self.targets[(district, v)]
            idle = state.not_intending[segs].sum() + sum(p.holdings(segs).sum() for p in self.serving[district])
            return float(idle) * self.spec.venues[v].weight
        return district, max(self.venues, key=pool)
