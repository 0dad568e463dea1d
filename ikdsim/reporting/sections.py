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
        rows.append([e(d.scenario), e(d.metric.label), fmt(d.paired.estimate),
                     f"{fmt(d.paired.low)} to {fmt(d.paired.high)}",
                     f"{fmt(d.unpaired.low)} to {fmt(d.unpaired.high)}", lang.num(ratio, 2)])
    return (
        f"<h2>Compared with {e(inputs.runs[0].label)}</h2>"
        "<p>Every scenario was run with the same random numbers in each simulated future (common random numbers), "
        "so differences come from the policies, not from luck. The paired interval uses that; the unpaired one "
        "is what independent runs would give. A width ratio below 1 is the precision gained.</p>"
        + table(["scenario", "figure", "difference", "paired 95 % interval", "unpaired 95 % interval",
                 "width ratio"], rows, numeric=(2, 5))
    )


def plots_section(inputs: ReportInputs, source: str, lang: Lang) -> str:
    first = inputs.scenarios[0]
    out = ["<h2>What happens</h2>"]
    if len(inputs.runs) > 1:
        bands = [Band(r.label, r.dates, r.share().mean(axis=0), *np.percentile(r.share(), [5, 95], axis=0))
                 for r in inputs.runs]
        out.append(figure(compare_figure(bands, first), "activated share by scenario",
                          "Activated share by scenario: mean and 5-95 % of simulated futures; dashed: target.",
                          source))
    captions = {
        "share": ("activated share over time", "Activated share: mean and 5-95 % band of simulated futures, the "
                  "target (dashed), the deadline (dotted) and observed figures (dots)."),
        "channels": ("activations by channel", "Cumulative activations by channel (mean of simulated futures)."),
        "causes": ("decisions by cause", "Cumulative decisions to activate by what prompted them."),
        "queue": ("queues and waiting", "People waiting for a counter, and the wait a newcomer faces (Little's law)."),
        "districts": ("share by district", "Share activated by district on the last day (one simulated future)."),
    }
    for name, fig in figures(from_runs(inputs.runs[0], inputs.districts)).items():
        alt, caption = captions[name]
        out.append(figure(fig, alt, f"{inputs.runs[0].label}: {caption}", source))
    return "".join(out)


def attribution_section(attr: Attribution, source: str, lang: Lang) -> str:
    ranked = attr.ranked()
    out = ["<h2>What each lever is worth</h2>",
           "<p>Each lever was switched off (or, for candidates, switched on) and the scenario run again with the "
           "same random numbers. The contribution is the difference in people activated by the deadline, with a "
           "95 % interval over the simulated futures.</p>"]
    if ranked:
        fig, (ax,) = plots.new_figure(height=max(2.5, 0.42 * len(ranked) + 1.2))
        plots.contribution_bars(ax, [c.lever.name for c in ranked], [c.activations.estimate for c in ranked],
                                [c.activations.low for c in ranked], [c.activations.high for c in ranked])
        out.append(figure(fig, "contribution of each lever", "Activations by the deadline owed to each lever.",
                          source))
        rows = [[lang.num(r["rank"]), e(r["lever"]), e(r["kind"]), lang.num(r["activations"]),
                 f"{lang.num(r['activations_low'])} to {lang.num(r['activations_high'])}",
                 lang.num(r["share_points"] * 100, 2), lang.pts(r["prob_target_change"], 0)] for r in attr.table()]
        out.append(table(["rank", "lever", "kind", "activations", "95 % interval", "share points",
                          "probability of target"], rows, numeric=(0, 3, 4, 5, 6)))
    else:
        out.append("<p>The scenario has no lever that acts before the deadline.</p>")
    months = [[e(m.month), lang.num(m.decisions), lang.num(m.activations), lang.pct(m.utilisation, 0),
               lang.num(m.wait_days, 1) if math.isfinite(m.wait_days) else "no service", lang.num(m.gave_up),
               f"<strong>{e(m.limited_by)}</strong>: {e(m.advice)}"] for m in attr.months]
    out.append("<h3>Month by month: demand or capacity?</h3><p>When queues stay short, activation is limited by "
               "how many people decide (demand): integrations and requirements help. When the wait grows to a week "
               "or more, counters are the limit (capacity): more officers or points help.</p>")
    out.append(table(["month", "decisions", "activations", "walk-in use of capacity", "wait (days)", "gave up",
                      "limited by"], months, numeric=(1, 2, 3, 4, 5)))
    return "".join(out)


def scenario_section(inputs: ReportInputs, lang: Lang) -> str:
    out = ["<h2>The scenario in plain words</h2>"]
    for r in inputs.runs:
        out.append(f"<h3>{e(r.label)}</h3>")
        out.append(table(["topic", "what the scenario says"], [[e(t), e(x)] for t, x in describe(r.scenario)]))
    return "".join(out)


def assumptions_of(inputs: ReportInputs) -> list[list[Assumption]]:
    return [read_assumptions(src) if src is not None and src.is_file() else [] for src in inputs.sources]


def assumptions_section(inputs: ReportInputs, lang: Lang) -> str:
    out = ["<h2>Assumptions and sources</h2>",
           "<p>Every figure of the scenario file carries a note: a <span class='kind-source'>source</span>, "
           "a <span class='kind-derived'>derived</span> figure (arithmetic on sourced numbers), or an "
           "<span class='kind-assumption'>assumption</span> (a modelling choice).</p>"]
    if inputs.overrides:
        out.append("<p><strong>Changed for this report</strong> (the values below are the file's): "
                   + ", ".join(f"<code>{e(o)}</code>" for o in inputs.overrides) + ".</p>")
    for r, items in zip(inputs.runs, assumptions_of(inputs), strict=True):
        out.append(f"<h3>{e(r.label)}</h3>")
        if not items:
            out.append("<p class='small'>No commented scenario file (the scenario was built in code or its file "
                       "has no notes).</p>")
            continue
        counts = {k: sum(1 for a in items if a.kind == k) for k in ("source", "derived", "assumption", "note")}
        out.append("<p class='small'>" + ", ".join(f"{lang.num(n)} {k}" for k, n in counts.items() if n) + ".</p>")
        rows = [[e(a.field), e(a.value), f"<span class='kind-{a.kind}'>{e(a.kind)}</span>", e(a.note)]
                for a in items]
        out.append(table(["field", "value", "kind", "note"], rows))
    return "".join(out)


def provenance_section(inputs: ReportInputs, lang: Lang) -> str:
    import ikdsim

    versions = _versions()
    rows = [["ikdsim", e(ikdsim.__version__)], *[[e(k), e(v)] for k, v in versions.items()],
            ["seed", str(inputs.seed)], ["simulated futures (replicates)", str(inputs.replicates)],
            ["overrides (--set)", ", ".join(f"<code>{e(o)}</code>" for o in inputs.overrides) or "none"],
            ["random numbers", "replicate r of every scenario uses SeedSequence([seed, r]) with one named stream "
                               "per model component (common random numbers)"]]
    for r, source in zip(inputs.runs, inputs.sources, strict=True):
        rows.append([f"scenario {e(r.label)}", f"<code>{e(scenario_sha256(r.scenario))}</code> (SHA-256 of the "
                     f"resolved scenario){'; file ' + e(source) if source else ''}"])
    if inputs.attribution is not None:
        rows.append(["attribution replicates", str(inputs.attribution.base.replicates)])
    return "<h2>Provenance</h2>" + table(["item", "value"], rows)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("numpy", "simpy", "pydantic", "matplotlib", "scipy", "babel"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
