"""The model against closed forms: exponential and Bass adoption, capacity, patience, requirements."""

from __future__ import annotations

import math

import numpy as np

from ikdsim.model.engine import simulate
from tests.conftest import build, minimal

REPLICATES = 8


def mean_share(data: dict, replicates: int = REPLICATES) -> np.ndarray:
    scenario = build(data)
    runs = [simulate(scenario, replicate=r, check=True).daily["activated_share"] for r in range(replicates)]
    return np.mean(runs, axis=0)


def test_exponential_adoption_without_capacity_limits() -> None:
    # F(t) = F0 + (e - F0)(1 - exp(-p t / 365)), sampled at the end of day t (t = 1, 2, ...).
    p, e, f0 = 0.4, 0.8, 0.05
    data = minimal(total=200_000, initial=int(f0 * 200_000), smartphone=e, base_rate=p)
    sim = mean_share(data)
    t = np.arange(1, len(sim) + 1)
    theory = f0 + (e - f0) * (1 - np.exp(-p * t / 365))
    # Binomial noise on 200k people, averaged over 8 runs: sd of the share ≈ 4e-4.
    assert np.max(np.abs(sim - theory)) < 2e-3
    assert sim[-1] > 0.25  # the curve really moved (from 0.05)


def test_bass_recurrence_with_word_of_mouth() -> None:
    p, q, e, total = 0.03, 0.38, 0.9, 200_000
    data = minimal(total=total, initial=2_000, smartphone=e, base_rate=p, word_of_mouth=q, days=730)
    sim = mean_share(data)
    # Discrete Bass: A[t+1] = A[t] + (E - A[t])(1 - exp(-(p + q A[t]/N)/365)), recorded after day t.
    a, eligible, expected = 2_000.0, e * total, []
    for _ in range(len(sim)):
        a += (eligible - a) * -math.expm1(-(p + q * a / total) / 365)
        expected.append(a / total)
    theory = np.array(expected)
    assert np.max(np.abs(sim - theory)) < 4e-3
    # The S-shape is there: imitation makes the second year faster than the first.
    assert sim[-1] - sim[364] > sim[364] - sim[0]


def test_capacity_binds_exactly_on_open_days_only() -> None:
    data = minimal(base_rate=5.0, capacity=120, weekdays=["mon", "tue", "wed", "thu", "fri"], days=60,
                   calendar={"holidays": ["2026-01-14"]})
    result = simulate(build(data), check=True)
    activations = result.daily["activations"]
    for day, date in enumerate(result.dates):
        if date.weekday() >= 5 or date.isoformat() == "2026-01-14":
            assert activations[day] == 0, date
        else:
            # Demand (≈ 1,300 decisions a day) is far above capacity: every open day is full.
            assert activations[day] == 120, date
    assert result.daily["waiting"].max() > 1_000


def test_waiting_pool_decays_at_the_patience_rate() -> None:
    # Nobody is ever served: people who decided give up after an exponential time.
    patience = 20.0
    data = minimal(base_rate=2.0, capacity=0, patience=patience, days=120,
                   adoption={"base_rate": 2.0, "patience_days": patience})
    scenario = build(data)
    result = simulate(scenario, check=True)
    waiting = result.daily["waiting"].astype(float)
    gave_up = result.daily["gave_up"].astype(float)
    decided = result.daily["intents_new"].astype(float)
    # Each day: W[t] = (W[t-1] + D[t]) · exp(-1/patience) in expectation.
    keep = math.exp(-1 / patience)
    predicted = (waiting[:-1] + decided[1:]) * keep
    assert np.allclose(waiting[1:], predicted, rtol=0.03, atol=30)
    assert result.daily["activated"].max() == 0
    # Conservation of people between the flows: in = out + change of stock.
    assert decided.sum() == gave_up.sum() + waiting[-1]


def test_requirement_drives_only_the_users_of_the_service() -> None:
    # A requirement on a service used by 10 % of the group, with a near-certain conversion,
    # must move about 10 % of the group: not more.
    data = minimal(base_rate=0.0, days=365)
    data["services"] = [
        {"name": "bansos", "users": {"all": 0.1}, "encounters_per_year": 12, "conversion": 0.0,
         "required_from": "2026-02-01", "required_conversion": 1.0}
    ]
    result = simulate(build(data), check=True)
    final = result.daily["activated_share"][-1]
    users_share = 0.1
    expected = users_share * (1 - math.exp(-12 * (365 - 31) / 365))
    assert abs(final - expected) < 0.005
    assert result.daily["activated"][30] == 0  # nothing before the requirement date
    assert result.summary["intents_by_cause"]["service_bansos"] == result.summary["final_activated"]


def test_integration_ramp_is_linear() -> None:
    data = minimal(base_rate=0.0, total=1_000_000, days=120)
    data["services"] = [
        {"name": "bank", "users": {"all": 1.0}, "encounters_per_year": 10, "conversion": 0.5,
         "integrated_from": "2026-01-31", "ramp_days": 60}
    ]
    result = simulate(build(data))
    daily = result.daily["intents_new"].astype(float)
    # Hazard rises linearly over 60 days from 2026-01-31 (day 30) to 10 · 0.5 = 5 per year.
    remaining, expected = 1_000_000.0, []
    for day in range(120):
        rate = 0.0 if day < 30 else 5.0 * min(1.0, (day - 30 + 1) / 60)
        decided = remaining * -math.expm1(-rate / 365)
        remaining -= decided
        expected.append(decided)
    theory = np.array(expected)
    assert daily[:30].sum() == 0
    # Poisson-like noise of a few hundred decisions a day: compare 10-day sums (~1 % noise).
    assert np.allclose(daily.reshape(12, 10).sum(axis=1), theory.reshape(12, 10).sum(axis=1), rtol=0.03, atol=50)
    assert daily[30:40].sum() < 0.2 * daily[90:100].sum()  # it really ramps
