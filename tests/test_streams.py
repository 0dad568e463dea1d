"""Common random numbers: a component's draws come from its own stream, so changing one
component leaves the others' randomness in place."""

from __future__ import annotations

import numpy as np

from ikdsim.model.engine import simulate
from tests.conftest import build, small_data


def test_a_point_that_never_opens_changes_nothing() -> None:
    base = small_data()
    extra = small_data()
    extra["channels"]["service_points"].append(
        {"name": "future", "districts": "all", "counters": 5, "opens": "2027-06-01"}
    )
    a, b = simulate(build(base)), simulate(build(extra))
    for column, values in a.daily.items():
        assert (b.daily[column] == values).all(), column
    assert (b.daily["activations_future"] == 0).all()


def test_outreach_settings_do_not_touch_demand_before_the_first_visit() -> None:
    base = small_data()
    other = small_data()
    other["channels"]["outreach"][0]["on_site_conversion"] = 0.9
    other["channels"]["outreach"][0]["capacity_per_event"] = 500
    a, b = simulate(build(base)), simulate(build(other))
    first_visit = int(np.flatnonzero(a.daily["activations_team"])[0])
    assert first_visit > 0
    for column in ("intents_new", "activations", "waiting", "gave_up"):
        assert (a.daily[column][:first_visit] == b.daily[column][:first_visit]).all(), column
    assert a.daily["activations_team"].sum() < b.daily["activations_team"].sum()


def test_paired_runs_differ_less_than_unpaired_runs() -> None:
    # The point of common random numbers: with the same seeds, the difference between two
    # scenarios varies less across replicates than between independent runs.
    base = build(small_data())
    more = small_data()
    more["channels"]["outreach"][0]["teams"] = 3
    varied = build(more)
    a = np.array([simulate(base, replicate=r).summary["final_activated"] for r in range(12)])
    b = np.array([simulate(varied, replicate=r).summary["final_activated"] for r in range(12)])
    b_shifted = np.roll(b, 1)  # pairs replicate r of one with r-1 of the other: independent streams
    assert np.var(b - a) < 0.6 * np.var(b_shifted - a)
    assert (b - a).mean() > 0


def test_a_behaviour_change_is_measured_almost_without_noise() -> None:
    # Daily restarts of every stream keep decisions aligned when only a rate changes: the paired
    # difference is far less noisy than the unpaired one.
    base = build(small_data())
    faster = small_data()
    faster["adoption"]["base_rate"] = 0.04
    varied = build(faster)
    a = np.array([simulate(base, replicate=r).summary["final_activated"] for r in range(12)])
    b = np.array([simulate(varied, replicate=r).summary["final_activated"] for r in range(12)])
    assert np.var(b - a) < 0.2 * np.var(np.roll(b, 1) - a)
