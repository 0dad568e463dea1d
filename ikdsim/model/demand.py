"""Demand: each day, eligible people who do not yet intend to activate decide to.

    λ = (base_rate + word_of_mouth · F + Σ_s uses_s · rate_s(t)) × M_campaign × m_class   (per year)
    P(decide today) = 1 - exp(-λ / 365)

F is the activated share of the city (or of the own district). The day's decisions in a segment
are Binomial(not intending, P); a multinomial split records which cause produced each one: a
cause's share is its part of λ, and the campaign uplift (M - 1)/M is shared among the active
campaigns in proportion to ln(multiplier).
"""

from __future__ import annotations

import numpy as np

from ikdsim.model.calendar import Calendar
from ikdsim.model.rng import Streams
from ikdsim.model.services import ServiceTimeline
from ikdsim.model.state import State
from ikdsim.scenario.schema import Scenario


def cause_names(scenario: Scenario) -> list[str]:
    return (
        ["base", "word_of_mouth"]
        + [f"service_{s.name}" for s in scenario.services]
        + [f"campaign_{c.name}" for c in scenario.campaigns]
    )


class Demand:
    def __init__(
        self,
        scenario: Scenario,
        state: State,
        services: list[ServiceTimeline],
        calendar: Calendar,
        streams: Streams,
    ) -> None:
        seg = state.segments
        self.state = state
        self.services = services
        self.decisions = streams("demand.decide")
        # The cause split draws from its own stream, so that it cannot shift the decisions.
        self.split = streams("demand.causes")
        adoption = scenario.adoption
        self.base = adoption.base_rate
        self.wom = adoption.word_of_mouth
        self.wom_by_district = adoption.word_of_mouth_scope == "district"
        self.uses = seg.uses.astype(float)
        self.propensity = seg.propensity
        # Campaign c reaches segment i on day t: a (C, N) reach mask and (C, T) activity mask.
        self.campaign_log = np.array([np.log(c.multiplier) for c in scenario.campaigns])
        d_index = {d: i for i, d in enumerate(seg.districts)}
        g_index = {g: i for i, g in enumerate(seg.groups)}
        self.campaign_reach = np.zeros((len(scenario.campaigns), len(seg)), dtype=bool)
        self.campaign_active = np.zeros((len(scenario.campaigns), calendar.days), dtype=bool)
        for c, camp in enumerate(scenario.campaigns):
            ds = [d_index[d] for d in scenario.resolve_districts(camp.districts)]
            gs = [g_index[g] for g in scenario.resolve_groups(camp.groups)]
            self.campaign_reach[c] = np.isin(seg.district, ds) & np.isin(seg.group, gs)
            lo = max(0, calendar.day_of(camp.start))
            hi = min(calendar.days - 1, calendar.day_of(camp.end))
            if lo <= hi:
                self.campaign_active[c, lo : hi + 1] = True
        self.n_causes = 2 + len(services) + len(scenario.campaigns)
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

    def decide(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw today's decisions: (per-segment counts, per-cause totals)."""
        state = self.state
        seg = state.segments
        if self.wom_by_district:
            share = state.activated_by_district() / np.maximum(state.district_size, 1)
            wom: np.ndarray | float = self.wom * share[seg.district]
        else:
            wom = self.wom * state.activated_total() / state.total
        rates = tuple(s.rate(day) for s in self.services)
        service = self._service_hazard.get(rates)
        if service is None:  # rates change only on integration, ramp and requirement days
            service = self._service_hazard[rates] = (
                self.uses @ np.array(rates) if rates else np.zeros(len(seg))
            ) + self.base
        active = tuple(int(c) for c in np.flatnonzero(self.campaign_active[:, day]))
        factor, weights = self._campaign_factor(active)
        hazard = (service + wom) * factor
        decided = self.decisions.on(day).binomial(state.not_intending, -np.expm1(hazard * (-1.0 / 365.0)))
        state.not_intending -= decided
        causes = np.zeros(self.n_causes, dtype=np.int64)
        if decided.any():
            per_profile = np.bincount(self.profile, weights=decided, minlength=len(self.profile_rep)).astype(np.int64)
            shares = self._cause_shares(wom, rates, active, factor, weights)
            causes = self.split.on(day).multinomial(per_profile, shares).sum(axis=0)
        return decided, causes
