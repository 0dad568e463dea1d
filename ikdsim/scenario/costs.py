"""Unit costs of the resources levers use, for pricing levers in the report."""

from __future__ import annotations

from pydantic import Field

from ikdsim.scenario.base import _Model


class UnitCost(_Model):
    """What one unit of a resource costs."""

    officer_days: float = Field(default=0.0, ge=0, le=1e6, description="Officer-days per unit.")
    rupiah: float | None = Field(default=None, ge=0, le=1e15, description="Rupiah per unit (optional).")


class Costs(_Model):
    """Unit costs, so that the report can price each lever (cost = resources used up to the target
    date with the lever minus without it)."""

    counter_day: UnitCost | None = Field(default=None, description="One counter of a service point open one day.")
    team_day: UnitCost | None = Field(default=None, description="One outreach team out one day.")
    campaign: UnitCost | None = Field(default=None, description="One campaign, whole.")
    source: str = Field(default="", description="Where the unit costs come from, or 'assumption: …'.")
