"""Unit tests of the queue, the service point and the router (Ciw style: one part at a time)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikdsim.model.compiled.water import round_to_total, water_fill
from ikdsim.model.engine import Model, simulate
from ikdsim.model.queues import Queue
from tests.conftest import build, minimal


def bound(**kwargs: object) -> Model:
    model = Model(build(minimal(**kwargs)), seed=3)  # type: ignore[arg-type]
    model.bind()
    return model


def office(model: Model) -> Queue:
    return model.queues.queues[0]


def join(queue: Queue, day: int, people: int) -> None:
    # Everybody from the first segment of the catchment (enough for these tests).
    queue.waiting[0] += people
    queue.join_count(day, people)


def test_service_is_first_come_first_served_by_cohort() -> None:
    model = bound(capacity=10, patience=None, initial=0)
    q = office(model)
    join(q, 0, 4)
    join(q, 1, 5)
    join(q, 2, 6)
    assert q.serve(2) == 10
    # Cohorts of days 0 and 1 are served whole (4 + 5), one person of day 2's: waits 2, 1 and 0 days.
    assert q.cohort[:3].tolist() == [0, 0, 5]
    assert q.head == 2
    assert model.queues.waits.counts[:3].tolist() == [1, 5, 4]
    assert q.serve(3) == 5  # the rest of day 2's cohort, one day later
    assert model.queues.waits.counts[:3].tolist() == [1, 10, 4]
    assert q.queued == 0 and q.serve(4) == 0


def test_the_queue_never_serves_more_than_capacity_or_than_it_holds() -> None:
    model = bound(capacity=7, patience=None)
    q = office(model)
    join(q, 0, 3)
    assert q.serve(0) == 3
    join(q, 1, 20)
    assert [q.serve(d) for d in (1, 2, 3, 4)] == [7, 7, 6, 0]


def test_giving_up_is_binomial_with_the_daily_patience_probability() -> None:
    # Nobody is served (capacity 0): each day, each waiting person leaves with p = 1 - exp(-1/30).
    model = bound(capacity=0, patience=30.0)
    q = office(model)
    n = 200_000
    join(q, 0, n)
    p = -math.expm1(-1 / 30)
    left = [q.give_up(d) for d in range(5)]
    expected = [n * p * (1 - p) ** d for d in range(5)]
    for got, mean in zip(left, expected, strict=True):
        assert abs(got - mean) < 5 * math.sqrt(mean * (1 - p))
    assert q.queued == n - sum(left)
    assert model.state.not_intending.sum() >= sum(left)  # they went back to not intending


def test_without_patience_nobody_gives_up() -> None:
    model = bound(capacity=0, patience=None)
    q = office(model)
    join(q, 0, 1000)
    assert q.give_up(0) == 0 and q.queued == 1000


def test_littles_law_holds_exactly_in_the_daily_accounting() -> None:
    # Without giving up and with the queue empty at the end, the sum over days of the people
    # waiting at the end of the day equals the sum over activations of the days they waited.
    # About 55 decisions a day at first, falling to about 32: queues form early on and drain.
    data = minimal(total=20_000, base_rate=1.0, capacity=50, patience=None, days=200)
    data["target"]["by"] = data["horizon"]["end"]
    result = simulate(build(data), check=True)
    assert result.daily["waiting"][-1] == 0
    assert result.daily["waiting"].max() > 20  # queues did form
    waits = result.wait_histogram
    assert result.daily["waiting"].sum() == (waits * np.arange(len(waits))).sum()
    assert waits.sum() == result.daily["activations"].sum()


def fill(waits: list[float], caps: list[float], total: int) -> list[int]:
    return water_fill(np.array(waits), np.array(caps), total).tolist()  # type: ignore[no-any-return]


def test_water_filling_sends_everybody_to_a_point_far_shorter() -> None:
    assert fill([10.0, 0.0], [10.0, 10.0], 50) == [0, 50]


def test_water_filling_levels_expected_waits() -> None:
    shares = fill([1.0, 2.0, 30.0], [100.0, 50.0, 10.0], 400)
    assert sum(shares) == 400 and shares[2] == 0
    # Level L = (400 + 100·1 + 50·2) / 150 = 4: waits after arrivals 1 + x1/100 = 2 + x2/50 = 4.
    assert shares == [300, 100, 0]


def test_water_filling_ignores_points_with_no_capacity() -> None:
    assert fill([math.inf, 3.0], [0.0, 5.0], 7) == [0, 7]
    assert fill([math.inf, math.inf], [0.0, 0.0], 7) == [7, 0]


@settings(deadline=None)  # the first call loads the compiled code from numba's cache
@given(st.lists(st.tuples(st.floats(0, 60), st.floats(0.1, 500)), min_size=1, max_size=5), st.integers(1, 5_000))
def test_water_filling_gives_each_point_its_share_below_the_common_level(points: list[tuple[float, float]],
                                                                          total: int) -> None:
    # The definition: the level L where sum_i max(0, (L - w_i)·c_i) = total, found here by
    # bisection; each point's share is its term rounded to a whole person, keeping the total.
    waits, caps = np.array([w for w, _ in points]), np.array([c for _, c in points])
    low, high = 0.0, 60.0 + total / caps.min()
    for _ in range(200):
        level = (low + high) / 2
        low, high = (level, high) if np.maximum(0.0, (level - waits) * caps).sum() < total else (low, level)
    exact = np.maximum(0.0, (high - waits) * caps)
    shares = water_fill(waits, caps, total)
    assert shares.sum() == total and shares.min() >= 0
    assert (np.abs(shares - exact) < 1 + 1e-6 * total).all(), (shares, exact)


@pytest.mark.parametrize(("values", "total", "expected"), [
    ([1.5, 1.5, 1.0], 4, [2, 1, 1]),  # ties: the first index wins
    ([0.2, 0.3, 0.5], 1, [0, 0, 1]),
    ([2.0, 3.0], 5, [2, 3]),
])
def test_largest_remainder_rounding_keeps_the_total(values: list[float], total: int, expected: list[int]) -> None:
    assert round_to_total(np.array(values), total).tolist() == expected


def test_a_closed_point_takes_nobody_while_another_is_open() -> None:
    data = minimal(total=20_000, base_rate=3.0, capacity=5, days=30)  # the office alone falls behind
    data["channels"]["service_points"].append({"name": "old", "daily_capacity": 10**6, "closes": "2026-01-10"})
    result = simulate(build(data), check=True)
    assert result.daily["activations_old"][10:].sum() == 0
    assert result.daily["activations_old"][:10].sum() > 0
