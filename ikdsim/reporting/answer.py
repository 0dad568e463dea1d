"""The answer box: for every policy compared, the chance of the target over plausible futures,
the fan of the share over time, the unknowns that matter most, and what the intervals cover.

The fan quantiles and the ranking of the unknowns are those of `ikdsim.analysis.uncertainty`,
the same code `run --replicates` writes fan.csv and its summary with, so the report and the
result folders agree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim.analysis.uncertainty import FAN, Uncertainty, fan
from ikdsim.experiments.replicates import Runs
from ikdsim.reporting import plots
from ikdsim.reporting.figures import observation_points
from ikdsim.reporting.html import e, figure, table
from ikdsim.reporting.i18n import Lang
from ikdsim.scenario.schema import Scenario

TOP_UNKNOWNS = 5


@dataclass(frozen=True)
class Answer:
    label: str
    reached: int
    n: int
    prob_low: float
    prob_high: float
    median_date: dt.date | None
    date_p05: dt.date | None
    date_p95: dt.date | None
    share_fan: tuple[float, ...]  # the share on the deadline at the FAN quantiles

    @property
    def probability(self) -> float:
        return self.reached / self.n

    def share_at(self, q: int) -> float:
        return self.share_fan[FAN.index(q)]


def answer_of(runs: Runs, fan_quantiles: np.ndarray) -> Answer:
    s = runs.scenario
    reached = int(runs.reached().sum())
    ci = runs.target_probability()
    p05, p50, p95 = runs.date_quantiles([0.05, 0.5, 0.95])
    by = fan_quantiles[:, runs.day_of(s.target.by)]
    return Answer(runs.label, reached, runs.replicates, ci.low, ci.high, p50, p05, p95,
                  tuple(float(v) for v in by))


def coverage(runs: Runs, fixed_inputs: bool, unc: Uncertainty | None, lang: Lang) -> str:
    """One plain sentence on what the intervals cover."""
    n = lang.num(runs.replicates)
    if unc is None:
        return lang.t("covers_fixed" if fixed_inputs else "covers_chance", n=n)
    posterior = runs.scenario.posterior is not None
    sentence = lang.t("covers_posterior" if posterior else "covers_inputs", n=n, k=lang.num(len(unc.names)),
                      names=", ".join(unc.names))
    if not math.isnan(unc.from_inputs):
        sentence += " " + lang.t("covers_split", inputs=lang.pct(unc.from_inputs, 0),
                                 chance=lang.pct(1 - unc.from_inputs, 0))
    return sentence


def _day_or_never(d: dt.date | None, lang: Lang) -> str:
    """A date quantile; None means that share of the futures never reach the target."""
    return lang.t("never") if d is None else lang.day(d)


def _box(a: Answer, s: Scenario, lang: Lang) -> str:
    css = "good" if a.probability >= 0.8 else ("bad" if a.probability < 0.5 else "")
    # The median date exists exactly when at least half the futures reach the target (ikdsim.stats).
    if a.median_date is not None:
        when = lang.t("reached_on", date=lang.day(a.median_date), low=_day_or_never(a.date_p05, lang),
                      high=_day_or_never(a.date_p95, lang))
    else:
        when = lang.t("not_reached", reached=lang.num(a.reached), n=lang.num(a.n))
    return (
        f'<div class="answer {css}"><strong>{e(a.label)}: '
        + lang.t("prob_box", share=lang.pct(s.target.share, 0), by=lang.day(s.target.by), p=lang.pct(a.probability, 0),
                 low=lang.pct(a.prob_low, 0), high=lang.pct(a.prob_high, 0))
        + "</strong> "
        + lang.t("share_box", p50=lang.pct(a.share_at(50), 2), p05=lang.pct(a.share_at(5), 2),
                 p95=lang.pct(a.share_at(95), 2))
        + f" {when}</div>"
    )


def answer_section(runs: Sequence[Runs], fixed_inputs: bool, source: str, lang: Lang) -> str:
    fans = [fan(r.share()) for r in runs]
    answers = [answer_of(r, q) for r, q in zip(runs, fans, strict=True)]
    first = runs[0].scenario
    unc = runs[0].uncertainty()
    covers = coverage(runs[0], fixed_inputs, unc, lang)
    out = [f"<h2>{e(lang.t('h_answer'))}</h2>", f'<p class="covers">{e(covers)}</p>']
    out += [_box(a, r.scenario, lang) for a, r in zip(answers, runs, strict=True)]
    rows = [
        [e(a.label), f"{lang.num(a.reached)} / {lang.num(a.n)}",
         f"{lang.pct(a.probability, 0)} ({lang.pct(a.prob_low, 0)}–{lang.pct(a.prob_high, 0)})",
         f"{lang.pct(a.share_at(50), 2)} ({lang.pct(a.share_at(5), 2)}–{lang.pct(a.share_at(95), 2)})",
         e(lang.day(a.median_date)) if a.median_date else e(lang.t("not_reached_median")),
         e(f"{lang.day(a.date_p05)} – {_day_or_never(a.date_p95, lang)}") if a.date_p05 else e(lang.t("never"))]
        for a in answers
    ]
    out.append(table([lang.t(k) for k in ("col_policy", "col_futures", "col_prob", "col_share", "col_date",
                                           "col_date_range")], rows, numeric=(1, 2, 3)))
    out.append(figure(fan_figure(runs, fans, lang), lang.t("alt_fan"), lang.t("cap_fan", by=lang.day(first.target.by)),
                      source))
    if unc is not None:
        out.append(_unknowns(first, unc, runs[0].label, lang))
    return "".join(out)


def fan_figure(runs: Sequence[Runs], fans: Sequence[np.ndarray], lang: Lang) -> Any:
    """One panel per policy, on one y range that fits every panel."""
    fig, axes = plots.new_figure(width=max(6.0, 4.0 * min(len(runs), 3)), height=4.0, ncols=len(runs), sharey=True)
    for i, (ax, r, q) in enumerate(zip(axes, runs, fans, strict=True)):
        s = r.scenario
        plots.fan(ax, r.dates, q, r.label, plots.PALETTE[i % len(plots.PALETTE)], s.target.share, s.target.by,
                  observation_points(s), lang)
        if i:
            ax.set_ylabel("")
    plots.fit_shares(axes, [q[-1] for q in fans], runs[0].scenario.target.share, observation_points(runs[0].scenario))
    return fig


def _unknowns(s: Scenario, unc: Uncertainty, label: str, lang: Lang) -> str:
    rows = []
    for u in unc.ranking[:TOP_UNKNOWNS]:
        unk = s.uncertain[u.name]
        # The 5-95 % range as `uncertain.describe` gives it, in the report's number format.
        spread = lang.t("range", low=lang.sig(unk.ppf(0.05)), high=lang.sig(unk.ppf(0.95)))
        src = unk.source or lang.t("kind_assumption")
        fields = ", ".join(unk.fields)
        rows.append([f"<strong>{e(u.name)}</strong><br><span class='small'>{e(fields)}</span>",
                     e(("× " if unk.how == "multiply" else "") + spread),
                     lang.pct(u.share_index, 0), lang.pct(u.reach_index, 0),
                     e(lang.t("n/a")) if math.isnan(u.evppi) else "+" + lang.pct(u.evppi, 1), e(src)])
    intro = lang.t("unknowns_intro", label=label, shown=lang.num(len(rows)), k=lang.num(len(unc.names)))
    if not math.isnan(unc.evpi):
        intro += " " + lang.t("evpi", evpi=lang.pct(unc.evpi, 1))
    return (f"<h3>{e(lang.t('h_unknowns'))}</h3><p>{e(intro)}</p>"
            + table([lang.t(k) for k in ("col_unknown", "col_range", "col_moves_share", "col_moves_prob",
                                          "col_evppi", "col_source")], rows, numeric=(2, 3, 4)))
