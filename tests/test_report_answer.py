"""The report's answer over plausible futures (issue 10 item 6) and what makes it forwardable
(issue 11): an answer per policy, the fan chart, the top unknowns, what the intervals cover, a
human title, axes that fit every line, a source under every figure, candidates."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import build, small_data
from typer.testing import CliRunner

from ikdsim.analysis.uncertainty import fan
from ikdsim.cli.app import app
from ikdsim.experiments.replicates import run_replicates
from ikdsim.reporting.answer import fan_figure
from ikdsim.reporting.figures import compare_figure
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.plots import Band
from ikdsim.reporting.report import build_report, title_of
from ikdsim.scenario.loader import dump_yaml
from ikdsim.scenario.schema import Scenario

BLOCK: dict[str, Any] = {
    "base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.01, "high": 0.08,
                  "source": "assumption: wide on purpose"},
    "conversion": {"fields": ["services.health.conversion"], "how": "multiply", "dist": "lognormal", "median": 1.0,
                   "factor": 2.0, "low": 0.1, "high": 10, "source": "published range, test"},
}


def short(data: dict[str, Any], **changes: Any) -> Scenario:
    data["horizon"]["end"] = "2026-04-30"
    data["target"] = {"share": 0.12, "by": "2026-04-30"}
    data.update(changes)
    return build(data)


def uncertain(name: str = "small", counters: int = 2) -> Scenario:
    data = small_data()
    data["channels"]["service_points"][0]["counters"] = counters
    data["channels"]["outreach"][0]["teams"] = 2 if counters == 2 else 6
    return short(data, name=name, uncertain=BLOCK)


def text_of(page: str) -> str:
    """The page as a reader sees it: no tags, entities decoded, no-break spaces as spaces."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def two_policies() -> tuple[list[Scenario], str]:
    scenarios = [uncertain(), uncertain("more-capacity", counters=6)]
    return scenarios, build_report(scenarios, replicates=12, attribution=False)


def test_every_policy_gets_its_own_answer_with_the_runs_probability(two_policies: tuple[list[Scenario], str]) -> None:
    scenarios, page = two_policies
    runs = run_replicates(scenarios, 12, scenarios[0].seed)
    boxes = re.findall(r'<div class="answer[^"]*"><strong>([^<]*)</strong>', page)
    assert [b.split(":")[0] for b in boxes] == ["small", "more-capacity"]
    for box, r in zip(boxes, runs, strict=True):
        hits = int(r.reached().sum())
        assert f": {round(100 * hits / 12)} % (95 % interval" in box.replace("\u00a0", " "), box
    # The policies differ, so the answers must too (not the baseline's copied).
    assert runs[0].reached().sum() != runs[1].reached().sum()


def test_fan_chart_draws_the_fan_quantiles_on_an_axis_that_fits_every_policy() -> None:
    scenarios = [uncertain(), uncertain("more-capacity", counters=6)]
    runs = run_replicates(scenarios, 8, 1)
    fans = [fan(r.share()) for r in runs]
    fig = fan_figure(runs, fans, Lang())
    for ax, q in zip(fig.axes, fans, strict=True):
        (median,) = [line for line in ax.get_lines() if line.get_label() == "median"]
        assert np.allclose(np.asarray(median.get_ydata(), dtype=float), q[2])
        assert ax.get_ylim()[1] >= max(float(f[-1].max()) for f in fans)  # the 95 % of every panel is inside


def test_comparison_chart_does_not_clip_a_policy_that_rises_higher() -> None:
    dates = [small_data()["horizon"]["start"]] * 3
    low = Band("low", dates, np.array([0.05, 0.06, 0.07]), np.array([0.04, 0.05, 0.06]), np.array([0.06, 0.07, 0.08]))
    high = Band("high", dates, np.array([0.05, 0.3, 0.6]), np.array([0.04, 0.25, 0.5]), np.array([0.06, 0.35, 0.7]))
    fig = compare_figure([low, high], None)
    assert all(ax.get_ylim()[1] >= 0.7 for ax in fig.axes)


def test_top_unknowns_and_what_the_interval_covers(two_policies: tuple[list[Scenario], str]) -> None:
    _, page = two_policies
    text = text_of(page)
    assert "chance and 2 uncertain inputs (base_rate, conversion)" in text
    assert "What matters most" in text
    assert "assumption: wide on purpose" in text and "published range, test" in text
    assert "EVPPI" in text


def test_fixed_inputs_say_chance_only_and_drop_the_unknowns(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    data = small_data()
    data["uncertain"] = BLOCK
    path.write_text(dump_yaml(data))
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, [
        "report", str(path), "--set", "horizon.end=2026-04-30", "--set", "target.by=2026-04-30",
        "--replicates", "2", "--no-attribution", "--fixed-inputs", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    text = text_of(out.read_text())
    assert "fixed inputs: chance only" in text
    assert "What matters most" not in text


def test_title_comes_from_title_or_description_never_the_file_name() -> None:
    data = small_data()
    data["description"] = ("Balikpapan from 17 Nov 2025 (7.34 % of wajib KTP with IKD) to the end of 2026, under the "
                           "policies announced: the services the city names already accept IKD. Does it reach 30 %?")
    assert title_of(build(data), Lang()) == ("Balikpapan from 17 Nov 2025 (7.34 % of wajib KTP with IKD) to the end "
                                             "of 2026, under the policies announced")
    data["title"] = "Balikpapan: IKD in 2026"
    assert title_of(build(data), Lang()) == "Balikpapan: IKD in 2026"
    data["title"], data["description"] = "", ""
    assert "small" not in title_of(build(data), Lang())


def test_every_figure_says_what_it_rests_on(two_policies: tuple[list[Scenario], str]) -> None:
    _, page = two_policies
    figures = re.findall(r"<figure>.*?</figure>", page)
    assert len(figures) >= 6
    for f in figures:
        assert '<span class="source">Source: simulation by ikdsim' in f
    # No file, so no notes: the reader is told to treat the inputs as assumptions; the observation
    # has a source ("test") and is cited.
    assert "treat every one as an assumption" in page and "Observed points: test." in page


def test_report_values_candidates_as_attribute_does(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    small = Path(__file__).parent / "data" / "small.yaml"
    result = CliRunner().invoke(app, [
        "report", str(small), "--set", "horizon.end=2026-04-30", "--set", "target.by=2026-04-30", "--replicates", "2",
        "--candidate", "channels.outreach.team.teams=5", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "channels.outreach.team.teams=5" in text_of(out.read_text())


def test_every_language_has_every_string_with_the_same_placeholders() -> None:
    from string import Formatter

    from ikdsim.reporting.catalogue import CATALOGUES

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    english = CATALOGUES["en"]
    for code, strings in CATALOGUES.items():
        assert set(strings) == set(english), code
        for key, text in strings.items():
            assert fields(text) == fields(english[key]), (code, key)


def test_no_uncertain_block_says_chance_only() -> None:
    page = text_of(build_report([short(small_data())], replicates=2, attribution=False))
    assert "What the intervals cover: chance only" in page and "What matters most" not in page


def test_title_is_the_first_sentence_and_heads_the_page() -> None:
    data = small_data()
    data["description"] = "Kota Contoh: a test. Second sentence."
    page = build_report([short(data)], replicates=2, attribution=False)
    assert "<title>Kota Contoh: a test</title>" in page and "<h1>Kota Contoh: a test</h1>" in page


def test_an_observation_without_a_source_is_flagged_under_every_figure() -> None:
    data = small_data()
    data["observations"] = [{"date": "2026-01-01", "share": 0.07}]
    page = build_report([short(data)], replicates=2, attribution=False)
    figures = re.findall(r"<figure>.*?</figure>", page)
    assert figures and all("Observed points: no source given (assumption)." in f for f in figures)
