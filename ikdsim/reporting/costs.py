"""What each lever costs, when the scenario gives unit costs (`costs:`): officer-days, and rupiah
where priced.

A lever's cost is the resources the scenario uses up to the target date with the lever minus
without it (counter-days, team-days, campaigns, as the model components count them), times the
unit costs. Integrations and requirements use none of these, so they show no operating cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ikdsim.analysis.attribute import Attribution
from ikdsim.analysis.runs import with_overrides
from ikdsim.model.assembly import resources
from ikdsim.reporting.html import e, table
from ikdsim.reporting.i18n import Lang
from ikdsim.scenario.costs import Costs, UnitCost

# Resource counted by the model -> the `costs:` entry that prices one unit of it.
PRICED_BY = {"counter_days": "counter_day", "team_days": "team_day", "campaigns": "campaign"}


@dataclass(frozen=True)
class LeverCost:
    lever: str
    activations: float
    used: dict[str, float]  # resource -> units, with the lever minus without
    officer_days: float
    rupiah: float | None  # None: a resource it uses has no rupiah price
    unpriced: list[str]  # resources it uses that `costs:` does not price


def lever_costs(attr: Attribution, costs: Costs) -> list[LeverCost]:
    base = attr.base.scenario
    with_all = resources(base)
    out = []
    for c in attr.ranked():
        other = resources(with_overrides(base, c.lever.change))
        # Levers in the scenario are switched off in the counterfactual, candidates switched on.
        on, off = (with_all, other) if c.lever.in_scenario else (other, with_all)
        used = {u: on.get(u, 0.0) - off.get(u, 0.0) for u in PRICED_BY if on.get(u, 0.0) != off.get(u, 0.0)}
        units: dict[str, UnitCost | None] = {u: getattr(costs, PRICED_BY[u]) for u in used}
        unpriced = [u for u, unit in units.items() if unit is None]
        officer = sum(n * unit.officer_days for u, n in used.items() if (unit := units[u]) is not None)
        rupiah: float | None = 0.0
        for u, n in used.items():
            unit = units[u]
            rupiah = None if rupiah is None or unit is None or unit.rupiah is None else rupiah + n * unit.rupiah
        out.append(LeverCost(c.lever.name, c.activations.estimate, used, officer, rupiah, unpriced))
    return out


def costs_section(attr: Attribution, costs: Costs, lang: Lang) -> str:
    rows = []
    for c in lever_costs(attr, costs):
        used = ", ".join(f"{lang.num(n, sign=n < 0)} {lang.t('unit_' + u)}" for u, n in c.used.items())
        per_day = c.activations / c.officer_days if c.officer_days > 0 else math.nan
        per_person = c.rupiah / c.activations if c.rupiah and c.activations > 0 else math.nan
        unpriced = ", ".join(lang.t("unit_" + u) for u in c.unpriced)
        rows.append([e(c.lever), e(used or lang.t("no_resources")), lang.num(c.officer_days),
                     lang.num(c.rupiah) if c.used else e(lang.t("n/a")), lang.num(per_day, 1),
                     lang.num(per_person), e(unpriced)])
    source = costs.source.strip() or lang.t("kind_assumption")
    return (f"<h3>{e(lang.t('h_costs'))}</h3><p>{e(lang.t('costs_intro'))}</p>"
            + table([lang.t(k) for k in ("col_lever", "col_used", "col_officer_days", "col_rupiah",
                                          "col_per_officer_day", "col_rupiah_per_person", "col_unpriced")],
                    rows, numeric=(2, 3, 4, 5))
            + f'<p class="source">{e(lang.t("costs_source", source=source))}</p>')
