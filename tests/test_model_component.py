"""A new channel kind is one schema model plus one component class, defined here and nowhere else.

The toy kind is a self-service kiosk: machines in a mall, open every day (holidays too), serving
the queue of its districts. Registering it must make it appear in the daily table, `compare`,
`attribute`'s levers, the month diagnosis, `describe` and the report, with no other module edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
from pydantic import Field

from ikdsim.analysis.attribute import levers_in
from ikdsim.analysis.compare import compare
from ikdsim.analysis.months import limits_by_month
from ikdsim.errors import InputError
from ikdsim.experiments.replicates import all_columns, run_replicates
from ikdsim.model import columns
from ikdsim.model.calendar import Calendar
from ikdsim.model.component import (
    Component,
    Context,
    Counterfactual,
    day_before,
    register_channel_kind,
    unregister_channel_kind,
)
from ikdsim.model.engine import Model, simulate
from ikdsim.model.queues import Queue
from ikdsim.reporting.describe import describe
from ikdsim.reporting.report import build_report
from ikdsim.scenario.loader import Document, validate
from ikdsim.scenario.schema import ChannelSpec, Scenario
from tests.conftest import build, small_data


class KioskSpec(ChannelSpec):
    machines: int = Field(ge=0, description="Self-service machines (count).")
    per_machine: int = Field(default=30, ge=0, description="Activations one machine does a day (people).")
    closes: dt.date | None = Field(default=None, description="Last day of service (date); null: never.")


class Kiosk(Component):
    """A self-service kiosk: every day, up to machines × per_machine people served from its queue."""

    kind = "kiosk"
    phase = "counters"

    def __init__(self, spec: KioskSpec, scenario: Scenario) -> None:
        super().__init__(spec.name, scenario)
        self.spec = spec

    def channels(self) -> list[str]:
        return [self.name]

    def days(self, calendar: Calendar) -> list[int]:
        last = calendar.days if self.spec.closes is None else calendar.day_of(self.spec.closes) + 1
        return list(range(0, max(0, min(last, calendar.days))))

    def capacity(self, calendar: Calendar) -> np.ndarray:
        capacity = np.zeros(calendar.days)
        capacity[self.days(calendar)] = self.spec.machines * self.spec.per_machine
        return capacity

    def describe(self) -> list[tuple[str, str]]:
        return [(f"Kiosk: {self.name}", f"{self.spec.machines} self-service machine(s), open every day.")]

    def levers(self) -> list[Counterfactual]:
        before = day_before(self.scenario.horizon.start)
        return [Counterfactual(f"{self.name} kiosk", "kiosk", (f"{self.path}.closes={before}",))]

    def bind(self, ctx: Context) -> None:
        cap = self.spec.machines * self.spec.per_machine
        closes = None if self.spec.closes is None else ctx.calendar.day_of(self.spec.closes)
        ids = [ctx.segments.districts.index(d) for d in self.scenario.resolve_districts(self.spec.districts)]
        self.q = Queue(self.name, f"kiosk.{self.name}", ids, cap, float(cap), 0, closes, ctx)
        ctx.queues.add(self.q)
        self.open = set(self.days(ctx.calendar))

    def works_on(self, day: int) -> bool:
        return day in self.open

    def step(self, day: int, ctx: Context) -> None:
        served = self.q.serve(day)
        ctx.count(columns.activations(self.name), served)
        ctx.count("activations", served)


@pytest.fixture
def kiosks() -> Iterator[None]:
    register_channel_kind("kiosks", KioskSpec, Kiosk, "Self-service kiosks.")
    yield
    unregister_channel_kind("kiosks", KioskSpec)


def with_kiosk(**changes: object) -> Scenario:
    data = small_data()
    data["horizon"]["end"] = data["target"]["by"] = dt.date(2026, 4, 30)
    data["channels"]["service_points"][0]["hours_per_day"] = 1  # an office short of officers
    data["channels"]["kiosks"] = [{"name": "mall", "districts": ["south"], "machines": 2, **changes}]
    return build(data)


def test_the_kiosk_is_in_the_daily_table_and_the_summary(kiosks: None) -> None:
    result = simulate(with_kiosk())
    served = result.daily[columns.activations("mall")]
    assert served.sum() > 0
    assert result.summary["activations_by_channel"]["mall"] == served.sum()
    assert columns.activations("mall") in all_columns(with_kiosk())
    # Channels' activations add up to the total, the kiosk's included.
    channels = [c for c in result.daily if columns.is_channel(c)]
    assert sum(result.daily[c] for c in channels).tolist() == result.daily["activations"].tolist()
    assert "kiosk mall" in Model(with_kiosk(), 1).plan()


def test_a_kiosk_closing_mid_run_stops_taking_newcomers_that_day(kiosks: None) -> None:
    # check=True asserts each day that routing reacted to the closing (an event, not a poll).
    result = simulate(with_kiosk(closes=dt.date(2026, 2, 15)), check=True)
    served = result.daily[columns.activations("mall")]
    assert served[:46].sum() > 0 and served[46:].sum() == 0


def test_the_kiosk_is_valued_compared_diagnosed_and_described(kiosks: None) -> None:
    scenario = with_kiosk()
    assert any(lever.kind == "kiosk" and lever.change == ("channels.kiosks.mall.closes=2025-12-31",)
               for lever in levers_in(scenario))
    closed = with_kiosk(closes=dt.date(2025, 12, 31))
    result = compare([scenario, closed], replicates=3)
    activations = next(d for d in result.differences if d.metric.name == "activations")
    assert activations.paired.estimate < 0  # closing the kiosk costs activations

    with_it, without = run_replicates([scenario, closed], 2, 1)
    months = limits_by_month(with_it)
    gap = [a.capacity - b.capacity for a, b in zip(months, limits_by_month(without), strict=True)]
    assert gap == [31 * 60, 28 * 60, 31 * 60, 30 * 60]  # two machines × 30, every day
    assert months[0].walk_in >= with_it.column(columns.activations("mall"))[:, :31].mean(axis=0).sum()
    assert ("Kiosk: mall", "2 self-service machine(s), open every day.") in describe(scenario)


def test_the_kiosk_is_in_the_report(kiosks: None) -> None:
    html = build_report([with_kiosk()], replicates=2, attribution_replicates=2)
    assert "Kiosk: mall" in html
    assert "mall kiosk" in html  # attribution table


def test_the_schema_checks_the_new_kind_like_any_other(kiosks: None) -> None:
    data = small_data()
    data["channels"]["kiosks"] = [{"name": "mall", "districts": ["west"], "machines": 1}]
    with pytest.raises(InputError, match=r"channels\.kiosks\[0\]\.districts"):
        validate(Document(data, {}, "<test>"))
    data["channels"]["kiosks"] = [{"name": "office", "machines": 1}]  # a point is called office
    with pytest.raises(InputError, match="used twice"):
        validate(Document(data, {}, "<test>"))


def test_unregistered_kinds_are_rejected() -> None:
    data = small_data()
    data["channels"]["kiosks"] = [{"name": "mall", "machines": 1}]
    with pytest.raises(InputError, match="kiosks"):
        validate(Document(data, {}, "<test>"))
