"""One self-contained HTML report a planner can e-mail: question, answer, plots, attribution,
assumptions and provenance.

Images are PNGs inlined as data URIs; the page has no script, no external style sheet, font or
link, so it opens the same offline, in a mail client, or years later. Given the same scenarios,
seed and replicates the file is byte-identical (no timestamp is written).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import platform
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ikdsim.analysis.attribute import Attribution, attribute
from ikdsim.analysis.compare import differences
from ikdsim.analysis.runs import Runs, run_replicates
from ikdsim.analysis.stats import mean_interval, quantiles, wilson
from ikdsim.reporting import plots
from ikdsim.reporting.assumptions import Assumption, read_assumptions
from ikdsim.reporting.describe import describe
from ikdsim.reporting.figures import compare_figure, figures, from_runs
from ikdsim.reporting.plots import Band
from ikdsim.scenario.loader import scenario_sha256
from ikdsim.scenario.schema import Scenario

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1a1a1a;
background:#fafafa;line-height:1.45}
main{max-width:1040px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.7em;margin:0.2em 0}h2{font-size:1.3em;margin-top:1.8em;border-bottom:2px solid #2166ac;
padding-bottom:4px}h3{font-size:1.05em;margin-top:1.2em}
table{border-collapse:collapse;width:100%;margin:0.6em 0;font-size:0.92em}
th,td{border:1px solid #d0d0d0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.answer{font-size:1.15em;background:#eef3f8;border-left:5px solid #2166ac;padding:10px 14px;margin:1em 0}
.bad{border-left-color:#b2182b;background:#fbeeee}.good{border-left-color:#1b7837;background:#eef7ee}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #e0e0e0}
figcaption{font-size:0.88em;color:#555}.small{font-size:0.85em;color:#555}
code{background:#f2f2f2;padding:0 3px;border-radius:3px}
.kind-source{color:#1b7837}.kind-derived{color:#2166ac}.kind-assumption{color:#b35806}
"""


@dataclass
class ReportInputs:
    scenarios: list[Scenario]
    sources: list[Path | None]
    runs: list[Runs]
    seed: int
    replicates: int
    attribution: Attribution | None
    districts: dict[str, float]
    overrides: list[str]


def build_report(
    scenarios: Sequence[Scenario],
    sources: Sequence[Path | None] = (),
    replicates: int = 20,
    seed: int | None = None,
    *,
    attribution: bool = True,
    attribution_replicates: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    overrides: Sequence[str] = (),
) -> str:
    """Run the scenarios (same seeds) and return the report as one HTML string.

    `sources` are the scenario files (for their notes on assumptions); `overrides` the `--set`
    changes already applied to the scenarios, listed so a reader knows the file is not the
    whole story.
    """
    if not scenarios:
        raise ValueError("a report needs at least one scenario")
    root = scenarios[0].seed if seed is None else seed
    runs = run_replicates(scenarios, replicates, root, workers=workers, executor=executor)
    attr = None
    if attribution:
        attr = attribute(scenarios[0], attribution_replicates or replicates, root, workers=workers, executor=executor)
    inputs = ReportInputs(
        list(scenarios),
        list(sources) + [None] * (len(scenarios) - len(sources)),
        runs,
        root,
        replicates,
        attr,
        district_shares(scenarios[0], root),
        list(overrides),
    )
    return render(inputs)


def district_shares(scenario: Scenario, seed: int) -> dict[str, float]:
    """Last-day share by district from replicate 0 (the runs keep no district columns)."""
    from ikdsim.model.engine import simulate

    result = simulate(scenario, seed=seed, replicate=0)
    last = result.district_activated[-1] / np.maximum(result.district_size, 1)
    return {name: float(v) for name, v in zip(result.districts, last, strict=True)}


# `--force` replaces an existing file only when it carries this (see ikdsim.io.folders).
REPORT_SIGNATURE = "ikdsim report"


def write_report(text: str, out: Path) -> Path:
    """Write atomically: a reader never sees half a report, a failure or a kill leaves nothing."""
    from ikdsim.io.folders import atomic_write_text

    return atomic_write_text(out, text)


# -- rendering -----------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    plots.save(fig, buf)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(fig: Any, alt: str, caption: str) -> str:
    return f'<figure><img src="{_png(fig)}" alt="{_e(alt)}"><figcaption>{_e(caption)}</figcaption></figure>'


def _pct(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x * 100:.{digits}f} %"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass(frozen=True)
class Answer:
    name: str
    reached: int
    n: int
    prob_low: float
    prob_high: float
    median_date: dt.date | None
    date_p05: dt.date | None
    date_p95: dt.date | None
    share_by: float
    share_by_low: float
    share_by_high: float

    @property
    def probability(self) -> float:
        return self.reached / self.n


def answer_of(runs: Runs) -> Answer:
    s = runs.scenario
    start = s.horizon.start
    reached = int(runs.reached().sum())
    ci = wilson(reached, runs.replicates)
    days = runs.days_to_target()
    p05, p50, p95 = quantiles(days, [0.05, 0.5, 0.95])

    def date(x: float) -> dt.date | None:
        return None if math.isnan(x) else start + dt.timedelta(days=round(x))

    share = mean_interval(runs.share()[:, runs.day_of(s.target.by)])
    return Answer(runs.label, reached, runs.replicates, ci.low, ci.high, date(p50), date(p05), date(p95),
                  share.estimate, share.low, share.high)


def render(inputs: ReportInputs) -> str:
    first = inputs.scenarios[0]
    answers = [answer_of(r) for r in inputs.runs]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{REPORT_SIGNATURE}">',
        f"<title>IKD adoption: {_e(first.name)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>Will {_e(first.name)} reach {_pct(first.target.share, 0)} IKD activation by "
        f"{_day(first.target.by)}?</h1>",
        _question(first),
        _answer_section(answers, inputs),
    ]
    if len(inputs.runs) > 1:
        parts.append(_comparison_section(inputs))
    parts.append(_plots_section(inputs))
    if inputs.attribution is not None:
        parts.append(_attribution_section(inputs.attribution))
    parts.append(_scenario_section(inputs))
    parts.append(_assumptions_section(inputs))
    parts.append(_provenance_section(inputs))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _question(s: Scenario) -> str:
    target = round(s.target.share * s.population.total)
    return (
        "<h2>The question</h2>"
        f"<p>{_e(s.description.strip() or s.name)}</p>"
        f"<p>The target is {_pct(s.target.share, 0)} of the {s.population.total:,} residents who must hold an e-KTP "
        f"(wajib KTP), that is {target:,} people with IKD activated, by {_day(s.target.by)}. The simulation starts "
        f"on {_day(s.horizon.start)} from {s.population.initial_count:,} people "
        f"({_pct(s.population.initial_count / s.population.total, 2)}).</p>"
    )


def _answer_section(answers: list[Answer], inputs: ReportInputs) -> str:
    a = answers[0]
    first = inputs.scenarios[0]
    if a.median_date is not None and a.probability >= 0.5:
        when = f"The target is reached on {_day(a.median_date)} in the median future"
        if a.date_p05 and a.date_p95:
            when += f" (5-95 %: {_day(a.date_p05)} to {_day(a.date_p95)})"
        when += "."
    else:
        when = (f"In most simulated futures the target is not reached within the horizon "
                f"(reached in {a.reached} of {a.n}).")
    css = "good" if a.probability >= 0.8 else ("bad" if a.probability < 0.5 else "")
    lead = (
        f'<div class="answer {css}"><strong>Probability of reaching {_pct(first.target.share, 0)} by '
        f"{_day(first.target.by)}: {_pct(a.probability, 0)}</strong> (95 % interval {_pct(a.prob_low, 0)} to "
        f"{_pct(a.prob_high, 0)}, from {a.n} simulated futures). Share on the deadline: {_pct(a.share_by, 2)} "
        f"(95 % interval of the mean {_pct(a.share_by_low, 2)} to {_pct(a.share_by_high, 2)}). {when}</div>"
    )
    rows = [
        [_e(x.name), f"{x.reached} / {x.n}", f"{_pct(x.probability, 0)} ({_pct(x.prob_low, 0)}-{_pct(x.prob_high, 0)})",
         _pct(x.share_by, 2), _e(_day(x.median_date)) if x.median_date else "not reached (median)",
         _e(f"{_day(x.date_p05)} to {_day(x.date_p95)}") if x.date_p05 and x.date_p95 else "n/a"]
        for x in answers
    ]
    table = _table(["scenario", "futures reaching", "probability (95 % interval)", "share on deadline (mean)",
                    "date reached (median)", "date reached (5-95 %)"], rows, numeric=(1, 2, 3))
    return f"<h2>The answer</h2>{lead}{table}"


def _comparison_section(inputs: ReportInputs) -> str:
    diffs = differences(inputs.runs)
    rows = []
    for d in diffs:
        unit = d.metric.unit
        def fmt(x: float, unit: str = unit) -> str:
            if math.isnan(x):
                return "n/a"
            if unit in ("share", "probability"):
                return f"{x * 100:+.2f} pts"
            return f"{x:+,.0f}" if unit == "people" else f"{x:+.1f}"
        ratio = d.width_ratio
        rows.append([_e(d.scenario), _e(d.metric.label), fmt(d.paired.estimate),
                     f"{fmt(d.paired.low)} to {fmt(d.paired.high)}",
                     f"{fmt(d.unpaired.low)} to {fmt(d.unpaired.high)}",
                     "n/a" if math.isnan(ratio) else f"{ratio:.2f}"])
    return (
        f"<h2>Compared with {_e(inputs.scenarios[0].name)}</h2>"
        "<p>Every scenario was run with the same random numbers in each simulated future (common random numbers), "
        "so differences come from the policies, not from luck. The paired interval uses that; the unpaired one "
        "is what independent runs would give. A width ratio below 1 is the precision gained.</p>"
        + _table(["scenario", "figure", "difference", "paired 95 % interval", "unpaired 95 % interval",
                  "width ratio"], rows, numeric=(2, 5))
    )


def _plots_section(inputs: ReportInputs) -> str:
    first = inputs.scenarios[0]
    out = ["<h2>What happens</h2>"]
    if len(inputs.runs) > 1:
        bands = [Band(r.label, r.dates, r.share().mean(axis=0), *np.percentile(r.share(), [5, 95], axis=0))
                 for r in inputs.runs]
        out.append(_figure(compare_figure(bands, first), "activated share by scenario",
                           "Activated share by scenario: mean and 5-95 % of simulated futures; dashed: target."))
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
        out.append(_figure(fig, alt, f"{first.name}: {caption}"))
    return "".join(out)


def _attribution_section(attr: Attribution) -> str:
    ranked = attr.ranked()
    out = ["<h2>What each lever is worth</h2>",
           "<p>Each lever was switched off (or, for candidates, switched on) and the scenario run again with the "
           "same random numbers. The contribution is the difference in people activated by the deadline, with a "
           "95 % interval over the simulated futures.</p>"]
    if ranked:
        fig, (ax,) = plots.new_figure(height=max(2.5, 0.42 * len(ranked) + 1.2))
        plots.contribution_bars(ax, [c.lever.name for c in ranked], [c.activations.estimate for c in ranked],
                                [c.activations.low for c in ranked], [c.activations.high for c in ranked])
        out.append(_figure(fig, "contribution of each lever", "Activations by the deadline owed to each lever."))
        rows = [[str(r["rank"]), _e(r["lever"]), _e(r["kind"]), f"{r['activations']:,.0f}",
                 f"{r['activations_low']:,.0f} to {r['activations_high']:,.0f}", f"{r['share_points'] * 100:.2f}",
                 f"{r['prob_target_change'] * 100:+.0f} pts"] for r in attr.table()]
        out.append(_table(["rank", "lever", "kind", "activations", "95 % interval", "share points",
                           "probability of target"], rows, numeric=(0, 3, 4, 5, 6)))
    else:
        out.append("<p>The scenario has no lever that acts before the deadline.</p>")
    months = [[_e(m.month), f"{m.decisions:,.0f}", f"{m.activations:,.0f}", _pct(m.utilisation, 0),
               f"{m.wait_days:.1f}" if math.isfinite(m.wait_days) else "no service", f"{m.gave_up:,.0f}",
               f"<strong>{_e(m.limited_by)}</strong>: {_e(m.advice)}"] for m in attr.months]
    out.append("<h3>Month by month: demand or capacity?</h3><p>When queues stay short, activation is limited by "
               "how many people decide (demand): integrations and requirements help. When the wait grows to a week "
               "or more, counters are the limit (capacity): more officers or points help.</p>")
    out.append(_table(["month", "decisions", "activations", "walk-in use of capacity", "wait (days)", "gave up",
                       "limited by"], months, numeric=(1, 2, 3, 4, 5)))
    return "".join(out)


def _scenario_section(inputs: ReportInputs) -> str:
    out = ["<h2>The scenario in plain words</h2>"]
    for s in inputs.scenarios:
        out.append(f"<h3>{_e(s.name)}</h3>")
        out.append(_table(["topic", "what the scenario says"], [[_e(t), _e(x)] for t, x in describe(s)]))
    return "".join(out)


def _assumptions_section(inputs: ReportInputs) -> str:
    out = ["<h2>Assumptions and sources</h2>",
           "<p>Every figure of the scenario file carries a note: a <span class='kind-source'>source</span>, "
           "a <span class='kind-derived'>derived</span> figure (arithmetic on sourced numbers), or an "
           "<span class='kind-assumption'>assumption</span> (a modelling choice).</p>"]
    if inputs.overrides:
        out.append("<p><strong>Changed for this report</strong> (the values below are the file's): "
                   + ", ".join(f"<code>{_e(o)}</code>" for o in inputs.overrides) + ".</p>")
    for s, source in zip(inputs.scenarios, inputs.sources, strict=True):
        items: list[Assumption] = read_assumptions(source) if source is not None and source.is_file() else []
        out.append(f"<h3>{_e(s.name)}</h3>")
        if not items:
            out.append("<p class='small'>No commented scenario file (the scenario was built in code or its file "
                       "has no notes).</p>")
            continue
        counts = {k: sum(1 for a in items if a.kind == k) for k in ("source", "derived", "assumption", "note")}
        out.append("<p class='small'>" + ", ".join(f"{n} {k}" for k, n in counts.items() if n) + ".</p>")
        rows = [[_e(a.field), _e(a.value), f"<span class='kind-{a.kind}'>{_e(a.kind)}</span>", _e(a.note)]
                for a in items]
        out.append(_table(["field", "value", "kind", "note"], rows))
    return "".join(out)


def _provenance_section(inputs: ReportInputs) -> str:
    import ikdsim

    versions = _versions()
    rows = [["ikdsim", _e(ikdsim.__version__)], *[[_e(k), _e(v)] for k, v in versions.items()],
            ["seed", str(inputs.seed)], ["simulated futures (replicates)", str(inputs.replicates)],
            ["overrides (--set)", ", ".join(f"<code>{_e(o)}</code>" for o in inputs.overrides) or "none"],
            ["random numbers", "replicate r of every scenario uses SeedSequence([seed, r]) with one named stream "
                               "per model component (common random numbers)"]]
    for s, source in zip(inputs.scenarios, inputs.sources, strict=True):
        rows.append([f"scenario {_e(s.name)}", f"<code>{_e(scenario_sha256(s))}</code> (SHA-256 of the resolved "
                     f"scenario){'; file ' + _e(source) if source else ''}"])
    if inputs.attribution is not None:
        rows.append(["attribution replicates", str(inputs.attribution.base.replicates)])
    return "<h2>Provenance</h2>" + _table(["item", "value"], rows)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("numpy", "simpy", "pydantic", "matplotlib", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
