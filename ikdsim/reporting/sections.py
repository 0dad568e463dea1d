"""The report's sections after the answer: comparison, plots, levers, the scenario in plain
words, assumptions with sources, and provenance."""

from __future__ import annotations

import math
import platform
from typing import TYPE_CHECKING

import numpy as np

from ikdsim.analysis.attribute import Attribution
from ikdsim.analysis.compare import differences
from ikdsim.reporting import plots
from ikdsim.reporting.assumptions import Assumption, read_assumptions
from ikdsim.reporting.describe import describe
from ikdsim.reporting.figures import compare_figure, figures, from_runs
from ikdsim.reporting.html import e, figure, table
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.plots import Band
from ikdsim.scenario.loader import scenario_sha256

if TYPE_CHECKING:
    from ikdsim.reporting.report import ReportInputs


def comparison_section(inputs: ReportInputs, lang: Lang) -> str:
    rows = []
    for d in differences(inputs.runs):
        unit = d.metric.unit

        def fmt(x: float, unit: str = unit) -> str:
            if unit in ("share", "probability"):
                return lang.pts(x)
            return lang.num(x, 0 if unit == "people" else 1, sign=True)

        ratio = d.width_ratio
        rows.append([e(d.scenario), e(lang.t(f"metric_{d.metric.name}")), fmt(d.paired.estimate),
                     e(lang.t("range", low=fmt(d.paired.low), high=fmt(d.paired.high))),
                     e(lang.t("range", low=fmt(d.unpaired.low), high=fmt(d.unpaired.high))), lang.num(ratio, 2)])
    return (
        f"<h2>{e(lang.t('h_compared', baseline=inputs.runs[0].label))}</h2><p>{e(lang.t('compared_intro'))}</p>"
        + table([lang.t(k) for k in ("col_scenario", "col_figure", "col_difference", "col_paired", "col_unpaired",
                                      "col_ratio")], rows, numeric=(2, 5))
    )


# Figure name -> catalogue keys of its alt text and caption.
CAPTIONS = ("share", "channels", "causes", "queue", "districts")


def plots_section(inputs: ReportInputs, source: str, lang: Lang) -> str:
    first = inputs.scenarios[0]
    out = [f"<h2>{e(lang.t('h_happens'))}</h2>"]
    if len(inputs.runs) > 1:
        bands = [Band(r.label, r.dates, r.share().mean(axis=0), *np.percentile(r.share(), [5, 95], axis=0))
                 for r in inputs.runs]
        out.append(figure(compare_figure(bands, first, lang), lang.t("alt_compare"), lang.t("cap_compare"), source))
    for name, fig in figures(from_runs(inputs.runs[0], inputs.districts, lang), lang).items():
        caption = f"{inputs.runs[0].label}: {lang.t(f'cap_{name}')}"
        out.append(figure(fig, lang.t(f"alt_{name}"), caption, source))
    return "".join(out)


def attribution_section(attr: Attribution, source: str, lang: Lang) -> str:
    ranked = attr.ranked()
    out = [f"<h2>{e(lang.t('h_levers'))}</h2><p>{e(lang.t('levers_intro'))}</p>"]
    if ranked:
        fig, (ax,) = plots.new_figure(height=max(2.5, 0.42 * len(ranked) + 1.2))
        plots.contribution_bars(ax, [c.lever.name for c in ranked], [c.activations.estimate for c in ranked],
                                [c.activations.low for c in ranked], [c.activations.high for c in ranked], lang)
        out.append(figure(fig, lang.t("alt_levers"), lang.t("cap_levers"), source))
        rows = [[lang.num(r["rank"]), e(r["lever"]), e(lang.kind(r["kind"])), lang.num(r["activations"]),
                 e(lang.t("range", low=lang.num(r["activations_low"]), high=lang.num(r["activations_high"]))),
                 lang.num(r["share_points"] * 100, 2), lang.pts(r["prob_target_change"], 0)] for r in attr.table()]
        out.append(table([lang.t(k) for k in ("col_rank", "col_lever", "col_kind", "col_activations", "col_interval",
                                               "col_share_points", "col_prob_change")], rows, numeric=(0, 3, 4, 5, 6)))
    else:
        out.append(f"<p>{e(lang.t('no_levers'))}</p>")
    months = [[e(lang.month(m.month)), lang.num(m.decisions), lang.num(m.activations), lang.pct(m.utilisation, 0),
               lang.num(m.wait_days, 1) if math.isfinite(m.wait_days) else e(lang.t("no_service")),
               lang.num(m.gave_up),
               f"<strong>{e(lang.t(m.limited_by))}</strong>: {e(lang.t(f'advice_{m.advice_key}'))}"]
              for m in attr.months]
    out.append(f"<h3>{e(lang.t('h_months'))}</h3><p>{e(lang.t('months_intro'))}</p>")
    out.append(table([lang.t(k) for k in ("col_month", "col_decisions", "col_activations", "col_use", "col_wait",
                                           "col_gave_up", "col_limited")], months, numeric=(1, 2, 3, 4, 5)))
    return "".join(out)


def scenario_section(inputs: ReportInputs, lang: Lang) -> str:
    out = [f"<h2>{e(lang.t('h_scenario'))}</h2>"]
    if lang.t("scenario_language_note"):
        out.append(f"<p class='small'>{e(lang.t('scenario_language_note'))}</p>")
    for r in inputs.runs:
        out.append(f"<h3>{e(r.label)}</h3>")
        rows = [[e(t), e(x)] for t, x in describe(r.scenario, lang)]
        out.append(table([lang.t("col_topic"), lang.t("col_says")], rows))
    return "".join(out)


def assumptions_of(inputs: ReportInputs) -> list[list[Assumption]]:
    return [read_assumptions(src) if src is not None and src.is_file() else [] for src in inputs.sources]


KINDS = ("source", "derived", "assumption", "note")


def assumptions_section(inputs: ReportInputs, lang: Lang) -> str:
    out = [f"<h2>{e(lang.t('h_assumptions'))}</h2><p>{e(lang.t('assumptions_intro'))}</p>"]
    if inputs.overrides:
        out.append(f"<p><strong>{e(lang.t('changed'))}</strong> "
                   + ", ".join(f"<code>{e(o)}</code>" for o in inputs.overrides) + ".</p>")
    for r, items in zip(inputs.runs, assumptions_of(inputs), strict=True):
        out.append(f"<h3>{e(r.label)}</h3>")
        if not items:
            out.append(f"<p class='small'>{e(lang.t('no_notes'))}</p>")
            continue
        counts = {k: sum(1 for a in items if a.kind == k) for k in ("source", "derived", "assumption", "note")}
        out.append("<p class='small'>" + ", ".join(f"{lang.num(n)} {lang.t('kind_' + k)}"
                                                   for k, n in counts.items() if n) + ".</p>")
        rows = [[e(a.field), e(a.value), f"<span class='kind-{a.kind}'>{e(lang.t('kind_' + a.kind))}</span>",
                 e(a.note)] for a in items]
        out.append(table([lang.t(k) for k in ("col_field", "col_value", "col_kind", "col_note")], rows))
    return "".join(out)


def provenance_section(inputs: ReportInputs, lang: Lang) -> str:
    import ikdsim

    versions = _versions(lang)
    overrides = ", ".join(f"<code>{e(o)}</code>" for o in inputs.overrides) or e(lang.t("none"))
    rows = [["ikdsim", e(ikdsim.__version__)], *[[e(k), e(v)] for k, v in versions.items()],
            [e(lang.t("p_seed")), str(inputs.seed)], [e(lang.t("p_replicates")), str(inputs.replicates)],
            [e(lang.t("p_overrides")), overrides],
            [e(lang.t("p_random")), e(lang.t("p_random_text"))]]
    for r, source in zip(inputs.runs, inputs.sources, strict=True):
        sha = f"<code>{e(scenario_sha256(r.scenario))}</code> {e(lang.t('p_sha'))}"
        rows.append([e(lang.t("p_scenario", label=r.label)),
                     sha + (e(lang.t("p_file", file=str(source))) if source else "")])
    if inputs.attribution is not None:
        rows.append([e(lang.t("p_attribution")), str(inputs.attribution.base.replicates)])
    return f"<h2>{e(lang.t('h_provenance'))}</h2>" + table([lang.t("col_item"), lang.t("col_value")], rows)


def _versions(lang: Lang) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("numpy", "simpy", "pydantic", "matplotlib", "scipy", "babel"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out
