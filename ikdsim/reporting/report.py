"""One self-contained HTML report a planner can e-mail: question, answer, plots, attribution,
assumptions and provenance.

Images are PNGs inlined as data URIs; the page has no script, no external style sheet, font or
link, so it opens the same offline, in a mail client, or years later. Given the same scenarios,
seed and replicates the file is byte-identical (no timestamp is written).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ikdsim.analysis.attribute import Attribution, attribute
from ikdsim.experiments.progress import Progress, tracked
from ikdsim.experiments.replicates import Runs, run_replicates
from ikdsim.reporting import sections
from ikdsim.reporting.answer import answer_section
from ikdsim.reporting.costs import costs_section
from ikdsim.reporting.html import STYLE, e
from ikdsim.reporting.i18n import Lang
from ikdsim.scenario.schema import Scenario


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
    fixed_inputs: bool = False
    lang: Lang = field(default_factory=Lang)


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
    candidates: Sequence[str] = (),
    fixed_inputs: bool = False,
    lang: str = "en",
    progress: Progress | None = None,
) -> str:
    """Run the scenarios (same seeds) and return the report as one HTML string.

    `sources` are the scenario files (for their notes on assumptions); `overrides` the `--set`
    changes already applied to the scenarios, listed so a reader knows the file is not the
    whole story; `candidates` are valued with the levers (`PATH=VALUE`, as on `attribute`);
    `fixed_inputs` says they include `--fixed-inputs`, so the report can say its
    intervals cover chance only.
    """
    language = Lang(lang)
    if not scenarios:
        raise ValueError("a report needs at least one scenario")
    root = scenarios[0].seed if seed is None else seed
    # One bar for the comparison and the attribution: the attribution's runs join it.
    with tracked(progress, len(scenarios) * replicates) as tally:
        runs = run_replicates(scenarios, replicates, root, workers=workers, executor=executor, progress=tally)
        attr = None
        if attribution:
            attr = attribute(scenarios[0], attribution_replicates or replicates, root, candidates, workers=workers,
                             executor=executor, progress=tally)
    inputs = ReportInputs(
        list(scenarios),
        list(sources) + [None] * (len(scenarios) - len(sources)),
        runs,
        root,
        replicates,
        attr,
        runs[0].district_shares(),
        list(overrides),
        fixed_inputs,
        language,
    )
    return render(inputs)


# `--force` replaces an existing file only when it carries this (see ikdsim.io.folders).
REPORT_SIGNATURE = "ikdsim report"


def write_report(text: str, out: Path) -> Path:
    """Write atomically: a reader never sees half a report, a failure or a kill leaves nothing."""
    from ikdsim.io.folders import atomic_write_text

    return atomic_write_text(out, text)




def render(inputs: ReportInputs) -> str:
    lang = inputs.lang
    first = inputs.scenarios[0]
    source = figure_source(inputs)
    parts = [
        "<!doctype html>",
        f'<html lang="{lang.code}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{REPORT_SIGNATURE}">',
        f"<title>{e(title_of(first, lang))}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>{e(title_of(first, lang))}</h1>",
        _question(first, lang),
        answer_section(inputs.runs, inputs.fixed_inputs, source, lang),
    ]
    if len(inputs.runs) > 1:
        parts.append(sections.comparison_section(inputs, lang))
    parts.append(sections.plots_section(inputs, source, lang))
    if inputs.attribution is not None:
        parts.append(sections.attribution_section(inputs.attribution, source, lang))
        if first.costs is not None:
            parts.append(costs_section(inputs.attribution, first.costs, lang))
    parts.append(sections.scenario_section(inputs, lang))
    parts.append(sections.assumptions_section(inputs, lang))
    parts.append(sections.provenance_section(inputs, lang))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


TITLE_CHARS = 120


def title_of(s: Scenario, lang: Lang) -> str:
    """A title a reader can forward: the scenario's `title`, else the start of its description.

    Never the file or scenario name: "balikpapan-2026-more-teams" tells an office nothing. The
    description gives its first sentence, cut when still long at its first colon or semicolon
    (the bundled ones open with "<who and when>: <details>"), then at a word.
    """
    if s.title.strip():
        return s.title.strip()
    text = s.description.strip().splitlines()[0].strip() if s.description.strip() else ""
    if not text:
        return lang.t("title_fallback")
    text = text.split(". ", 1)[0]
    for stop in (": ", "; "):
        if len(text) > TITLE_CHARS and stop in text:
            text = text.split(stop, 1)[0]
    if len(text) > TITLE_CHARS:
        text = text[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return text.rstrip(".")


def _question(s: Scenario, lang: Lang) -> str:
    target = round(s.target.share * s.population.total)
    share, by = lang.pct(s.target.share, 0), lang.day(s.target.by)
    question = lang.t("question_h1", name=s.name, share=share, by=by)
    text = lang.t("question_text", share=share, total=lang.num(s.population.total), people=lang.num(target), by=by,
                  start=lang.day(s.horizon.start), initial=lang.num(s.population.initial_count),
                  initial_share=lang.pct(s.population.initial_count / s.population.total, 2))
    return (
        f'<p class="question">{e(question)}</p><h2>{e(lang.t("h_question"))}</h2>'
        f"<p>{e(s.description.strip() or s.name)}</p><p>{e(text)}</p>"
    )


def figure_source(inputs: ReportInputs) -> str:
    """What every figure rests on, printed under it: the simulation, how much of its input is
    sourced, and the source of each observed point (or that it has none)."""
    import ikdsim

    lang = inputs.lang
    kinds = {"source": 0, "derived": 0, "assumption": 0, "note": 0}
    for items in sections.assumptions_of(inputs):
        for a in items:
            kinds[a.kind] += 1
    counts = lang.t("source_counts", sourced=lang.num(kinds["source"]), derived=lang.num(kinds["derived"]),
                    assumed=lang.num(kinds["assumption"] + kinds["note"]))
    text = lang.t("source_sim", version=ikdsim.__version__, n=lang.num(inputs.replicates), seed=inputs.seed,
                  counts=counts if sum(kinds.values()) else lang.t("source_no_notes"))
    observed = sorted({o.source.strip() or lang.t("source_missing") for o in inputs.scenarios[0].observations})
    if observed:
        text += " " + lang.t("source_observed", sources="; ".join(observed))
    return text
