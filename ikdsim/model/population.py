"""Segments: the population as counts, never as one object per citizen.

A segment is (district × group × service-usage pattern × propensity class). Usage of the
services is independent within a group, so a group with S services splits into up to 2^S
patterns, each with its product share; patterns of zero share are dropped. All allocation of
people to segments is deterministic (largest remainder), so it draws no random numbers.
"""

from __future__ import annotations

import itertools
import math
import weakref
from dataclasses import dataclass

import numpy as np

from ikdsim.scenario.schema import Scenario

MAX_SEGMENTS = 200_000


@dataclass(frozen=True)
class Segments:
    district: np.ndarray  # (N,) district index
    group: np.ndarray  # (N,) group index
    uses: np.ndarray  # (N, S) bool: segment uses service s
    propensity: np.ndarray  # (N,) class multiplier, mean 1 over people
    size: np.ndarray  # (N,) people
    eligible: np.ndarray  # (N,) people with a usable smartphone
    initial_activated: np.ndarray  # (N,) activated on day 0
    districts: list[str]
    groups: list[str]

    def __len__(self) -> int:
        return len(self.size)


_BUILT: dict[int, tuple[weakref.ref[Scenario], Segments]] = {}


def segments_of(scenario: Scenario) -> Segments:
    """The segments of a scenario, built once per scenario object (replicates share them).

    A scenario is frozen, so its segments never change; their arrays are made read-only so that
    no run can change them for the next one.
    """
    key = id(scenario)
    found = _BUILT.get(key)
    if found is not None and found[0]() is scenario:
        return found[1]
    segments = build_segments(scenario)
    for array in (segments.district, segments.group, segments.uses, segments.propensity, segments.size,
                  segments.eligible, segments.initial_activated):
        array.setflags(write=False)

    def forget(_: weakref.ref[Scenario]) -> None:  # the entry goes with its scenario, before its id can be reused
        _BUILT.pop(key, None)

    _BUILT[key] = (weakref.ref(scenario, forget), segments)
    return segments


def build_segments(scenario: Scenario) -> Segments:
    pop = scenario.population
    districts = list(pop.districts)
    groups = list(pop.groups)
    services = scenario.services
    multipliers = propensity_multipliers(
        scenario.adoption.propensity_classes.count, scenario.adoption.propensity_classes.shape
    )
    k = len(multipliers)

    rows: list[tuple[int, int, tuple[bool, ...], int, float]] = []
    for gi, g in enumerate(groups):
        probs = [s.users.get(g, 0.0) for s in services]
        patterns = []
        for pattern in itertools.product((False, True), repeat=len(services)):
            share = math.prod(p if used else 1.0 - p for p, used in zip(probs, pattern, strict=True))
            if share > 0.0:
                patterns.append((pattern, share))
        for di, d in enumerate(districts):
            for pattern, share in patterns:
                base = pop.districts[d].share * pop.groups[g].share * share / k
                rows.extend((di, gi, pattern, ki, base) for ki in range(k))
            if len(rows) > MAX_SEGMENTS:
                raise ValueError(
                    f"the scenario makes more than {MAX_SEGMENTS} segments; use fewer services, "
                    "groups or propensity classes"
                )

    weights = np.array([r[4] for r in rows])
    size = largest_remainder(weights / weights.sum() * pop.total)
    group = np.array([r[1] for r in rows], dtype=np.int64)
    smartphone = np.array([pop.groups[g].smartphone for g in groups])[group]
    eligible = largest_remainder(size * smartphone, cap=size)
    propensity = multipliers[np.array([r[3] for r in rows], dtype=np.int64)]
    district = np.array([r[0] for r in rows], dtype=np.int64)
    initial = _initial_by_district(district, districts, eligible, propensity, pop.district_starts(), pop.initial_count)
    uses = np.array([r[2] for r in rows], dtype=bool).reshape(len(rows), len(services))
    return Segments(
        district=district,
        group=group,
        uses=uses,
        propensity=propensity,
        size=size,
        eligible=eligible,
        initial_activated=initial,
        districts=districts,
        groups=groups,
    )


def largest_remainder(values: np.ndarray, cap: np.ndarray | None = None) -> np.ndarray:
    """Round non-negative reals to integers whose sum is the rounded total, each within one."""
    floors = np.floor(values + 1e-9).astype(np.int64)
    short = round(float(values.sum())) - int(floors.sum())
    if short > 0:
        fractions = values - floors
        if cap is not None:
            fractions = np.where(floors < cap, fractions, -1.0)
        # Stable sort: ties go to the earlier segment, so the result is deterministic.
        order = np.argsort(-fractions, kind="stable")[:short]
        floors[order] += 1
    return floors


def _initial_by_district(
    district: np.ndarray,
    names: list[str],
    eligible: np.ndarray,
    propensity: np.ndarray,
    starts: dict[str, int],
    city: int,
) -> np.ndarray:
    """Initial activated per segment: known districts get their own count, the rest share the remainder.

    With no district known this is one spread over the whole city, as before districts could say.
    """
    initial = np.zeros_like(eligible)
    rest = np.ones(len(eligible), dtype=bool)
    for i, name in enumerate(names):
        if name in starts:
            mine = district == i
            initial[mine] = _initial_activated(eligible[mine], propensity[mine], starts[name])
            rest &= ~mine
    if rest.any():
        initial[rest] = _initial_activated(eligible[rest], propensity[rest], city - sum(starts.values()))
    return initial


def _initial_activated(eligible: np.ndarray, propensity: np.ndarray, count: int) -> np.ndarray:
    """Spread the initial activated over segments as the hazard model itself would have.

    A past cumulative hazard H activates 1 - exp(-m·H) of a class with multiplier m; H is solved
    so that the total matches. With one class this is simply proportional to eligible people.
    """
    total = int(eligible.sum())
    if count <= 0 or total == 0:
        return np.zeros_like(eligible)
    if count >= total:
        return eligible.copy()

    def activated(h: float) -> float:
        return float((eligible * -np.expm1(-propensity * h)).sum())

    lo, hi = 0.0, 1.0
    while activated(hi) < count:
        hi *= 2.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if activated(mid) < count else (lo, mid)
    expected = eligible * -np.expm1(-propensity * hi)
    return largest_remainder(expected * (count / expected.sum()), cap=eligible)


# ---------------------------------------------------------------------------------------------
# Gamma heterogeneity without scipy: equal-probability classes of a Gamma(shape, 1/shape) with
# the conditional mean of each class as its multiplier, so the mean over people is exactly 1.


def propensity_multipliers(count: int, shape: float) -> np.ndarray:
    if count == 1:
        return np.ones(1)
    edges = [0.0] + [gamma_ppf(k / count, shape) for k in range(1, count)] + [math.inf]
    # E[X; a<X<b] for X ~ Gamma(α, 1/α) equals P(a<Y<b) with Y ~ Gamma(α+1, 1/α).
    cdf1 = [1.0 if math.isinf(e) else _regularised_gamma(shape + 1.0, e * shape) for e in edges]
    return np.array([count * (cdf1[k + 1] - cdf1[k]) for k in range(count)])


def gamma_cdf(x: float, shape: float) -> float:
    """CDF of Gamma(shape, scale=1/shape) (mean 1): the regularised lower incomplete gamma."""
    return _regularised_gamma(shape, x * shape)


def gamma_ppf(q: float, shape: float) -> float:
    lo, hi = 0.0, 1.0
    while gamma_cdf(hi, shape) < q:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gamma_cdf(mid, shape) < q else (lo, mid)
    return 0.5 * (lo + hi)


def _regularised_gamma(a: float, x: float) -> float:
    # Series for x < a+1, continued fraction (modified Lentz) otherwise: Numerical Recipes §6.2.
    if x <= 0.0:
        return 0.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1.0
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return min(1.0, total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return max(0.0, 1.0 - math.exp(log_prefix) * h)
