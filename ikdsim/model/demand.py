"""Demand: each day, eligible people who do not yet intend to activate decide to.

    λ = (base_rate + word_of_mouth · F + Σ_s uses_s · rate_s(t)) × M_campaign × m_class   (per year)
    P(decide today) = 1 - exp(-λ / 365)

F is the activated share of the city (or of the own district). The day's decisions in a segment
are Binomial(not intending, P); a multinomial split records which cause produced each one: a
cause's share is its part of λ, and the campaign uplift (M - 1)/M is shared among the active
campaigns in proportion to ln(multiplier).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from ikdsim.model import columns, words
from ikdsim.model.campaigns import CampaignDrive
from ikdsim.model.compiled import kernels
from ikdsim.model.component import Component, Context
from ikdsim.model.services import ServiceTimeline
from ikdsim.scenario.schema import Scenario


class Demand(Component):
    """Eligible people who do not yet intend to activate decide to, each day (the `demand` phase).

    The hazard's service and campaign terms change only on dated events (go-live, ramp days,
    requirement, campaign start and end): a SimPy process waits for them and recomputes the
    terms then; word of mouth changes every day with the activated share. Decisions join the
    queues the same day. Causes: `base`, `word_of_mouth`, and each service's and campaign's.
    """

    kind = "demand"
    phase = "demand"

    def __init__(self, scenario: Scenario, services: list[ServiceTimeline], campaigns: list[CampaignDrive]) -> None:
        super().__init__("demand", scenario)
        self.services = services
        self.campaigns = campaigns

    def causes(self) -> list[str]:
        return ["base", "word_of_mouth"]

    def describe(self) -> list[tuple[str, str]]:
        a = self.scenario.adoption
        patience = ("never give up" if a.patience_days is None
                    else f"give up after {a.patience_days:g} days on average")
        return [("Behaviour", f"Without any service benefit, {words.pct(a.base_rate, 2)} of those who can adopt "
                 f"decide to each year; word of mouth adds {a.word_of_mouth:g} per year times the activated share "
                 f"({a.word_of_mouth_scope}); people queueing {patience}.")]

    def bind(self, ctx: Context) -> None:
        scenario, state, streams = self.scenario, ctx.state, ctx.streams
        seg = state.segments
        self.ctx = ctx
        self.state = state
        self.decisions = streams("demand.decide")
        # The cause split draws from its own stream, so that it cannot shift the decisions.
        self.split = streams("demand.causes")
        adoption = scenario.adoption
        self.base = adoption.base_rate
        self.wom = adoption.word_of_mouth
        self.wom_by_district = adoption.word_of_mouth_scope == "district"
        self.uses = seg.uses.astype(float)
        self.propensity = seg.propensity
        # Campaign c reaches segment i: a (C, N) reach mask.
        self.campaign_log = np.array([np.log(c.spec.multiplier) for c in self.campaigns])
        d_index = {d: i for i, d in enumerate(seg.districts)}
        g_index = {g: i for i, g in enumerate(seg.groups)}
        self.campaign_reach = np.zeros((len(self.campaigns), len(seg)), dtype=bool)
        for c, camp in enumerate(self.campaigns):
            ds = [d_index[d] for d in scenario.resolve_districts(camp.spec.districts)]
            gs = [g_index[g] for g in scenario.resolve_groups(camp.spec.groups)]
            self.campaign_reach[c] = np.isin(seg.district, ds) & np.isin(seg.group, gs)
        self.n_causes = 2 + len(self.services) + len(self.campaigns)
        self.cause_columns = [columns.intents(c) for part in (self, *self.services, *self.campaigns)
                              for c in part.causes()]
        # Segments whose cause shares are always equal (same services used, same campaigns, same
        # district when word of mouth is local) form a profile; the class multiplier cancels out.
        # Summing decisions per profile before the multinomial split is exact and keeps its cost
        # independent of how many segments had decisions.
        key = np.concatenate([seg.uses, self.campaign_reach.T], axis=1).astype(np.int64)
        if self.wom_by_district:
            key = np.concatenate([key, seg.district[:, None]], axis=1)
        _, first, self.profile = np.unique(key, axis=0, return_index=True, return_inverse=True)
        self.profile = self.profile.ravel()
        self.profile_rep = first
        self._campaign_cache: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._service_hazard: dict[tuple[float, ...], np.ndarray] = {}
        self._shares_cache: dict[tuple[tuple[float, ...], tuple[int, ...]], np.ndarray] = {}
        self._refresh(0)
        ctx.env.process(self._on_changes(ctx))

    def _on_changes(self, ctx: Context) -> Generator[simpy.Event, object, None]:
        """React to every dated change: recompute the service and campaign terms."""
        while True:
            assert ctx.policy is not None
            yield ctx.policy
            self._refresh(int(ctx.env.now))

    def _refresh(self, day: int) -> None:
        self.rates = tuple(s.rate(day) for s in self.services)
        service = self._service_hazard.get(self.rates)
        if service is None:  # a ramp may come back to an earlier set of rates: keep them all
            service = self._service_hazard[self.rates] = (
                self.uses @ np.array(self.rates) if self.rates else np.zeros(len(self.uses))
            ) + self.base
        self.service = service
        self.active = tuple(c for c, camp in enumerate(self.campaigns) if camp.active(day))
        self.factor, self.weights = self._campaign_factor(self.active)
        # The same float operations as `decide` with word of mouth (+ 0.0 changes no value).
        self.probability = -np.expm1((self.service + 0.0) * self.factor * (-1.0 / 365.0))

    def _campaign_factor(self, active: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Per-segment M × class multiplier, and each campaign's share of ln M, for today.

        Campaigns switch on and off on few days, so the pair is cached per set of active ones.
        """
        cached = self._campaign_cache.get(active)
        if cached is None:
            on = np.zeros(len(self.campaign_log), dtype=bool)
            on[list(active)] = True
            log_m = (self.campaign_log[:, None] * (self.campaign_reach & on[:, None])).T
            log_total = log_m.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                weights = np.where(log_total[:, None] > 0, log_m / log_total[:, None], 0.0)
            cached = self._campaign_cache[active] = (np.exp(log_total) * self.propensity, weights)
        return cached

    def _cause_shares(
        self,
        wom: np.ndarray | float,
        rates: tuple[float, ...],
        active: tuple[int, ...],
        factor: np.ndarray,
        weights: np.ndarray,
    ) -> np.ndarray:
        """Each profile's shares of its hazard by cause (rows sum to 1)."""
        # Without word of mouth the shares change only with rates and campaigns: cache them.
        key = (rates, active) if self.wom == 0 else None
        if key is not None and (cached := self._shares_cache.get(key)) is not None:
            return cached
        rows = self.profile_rep
        parts = np.empty((len(rows), self.n_causes))
        parts[:, 0] = self.base
        parts[:, 1] = wom[rows] if isinstance(wom, np.ndarray) else wom
        n_services = len(self.services)
        parts[:, 2 : 2 + n_services] = self.uses[rows] * np.array(rates)
        if self.n_causes > 2 + n_services:
            uplift = (factor[rows] / self.propensity[rows] - 1.0) * parts[:, : 2 + n_services].sum(axis=1)
            parts[:, 2 + n_services :] = uplift[:, None] * weights[rows]
        # Profiles with nobody deciding may have zero hazard: give them any valid shares.
        sums = parts.sum(axis=1, keepdims=True)
        shares = np.where(sums > 0, parts / np.where(sums > 0, sums, 1.0), 1.0 / self.n_causes)
        if key is not None:
            self._shares_cache[key] = shares
        return shares

    def check(self, day: int) -> None:
        # The event-driven terms must equal what the pure functions of the date give today.
        assert self.rates == tuple(s.rate(day) for s in self.services), f"service rates stale on day {day}"
        assert self.active == tuple(c for c, camp in enumerate(self.campaigns) if camp.active(day)), "campaigns stale"

    def step(self, day: int, ctx: Context) -> None:
        decided, causes = self.decide(day)
        counts = causes.tolist()
        today = ctx.today  # written directly: ten `ctx.count` calls a day add up
        n = sum(counts)  # each decision has one cause
        today["intents_new"] += n
        for column, count in zip(self.cause_columns, counts, strict=True):
            today[column] += count
        if n:
            ctx.queues.route(day, decided)

    def decide(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw today's decisions: (per-segment counts, per-cause totals)."""
        state = self.state
        seg = state.segments
        wom: np.ndarray | float
        if self.wom == 0.0:
            # No word of mouth: the daily probability changes only on dated events (cached there).
            wom, probability = 0.0, self.probability
        else:
            if self.wom_by_district:
                share = state.activated_by_district() / np.maximum(state.district_size, 1)
                wom = self.wom * share[seg.district]
            else:
                wom = self.wom * state.activated_total() / state.total
            probability = -np.expm1((self.service + wom) * self.factor * (-1.0 / 365.0))
        decided = np.empty_like(state.not_intending)
        causes = np.empty(self.n_causes, dtype=np.int64)
        shares = self._cause_shares(wom, self.rates, self.active, self.factor, self.weights)
        kernels.decide(self.decisions.on(day).bits, self.split.on(day).bits, state.not_intending, probability,
                       self.profile, shares, decided, causes)
        return decided, causes
