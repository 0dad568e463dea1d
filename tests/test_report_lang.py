"""The report in Bahasa Indonesia (`--lang id`): its catalogue, Indonesian number and date
formats, and the page rendered in headless Chromium."""

from __future__ import annotations

import datetime as dt
import html
import re
import string
from pathlib import Path

import numpy as np
import pytest
from test_report import SHORT, SMALL, console_messages, open_page, small
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.reporting import plots
from ikdsim.reporting.catalogue import CATALOGUES
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.report import build_report, write_report


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_language_has_every_string_with_the_same_placeholders() -> None:
    english = CATALOGUES["en"]
    assert set(CATALOGUES) == {"en", "id"}
    for code, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(english), code
        for key, text in catalogue.items():
            assert placeholders(text) == placeholders(english[key]), (code, key)
            assert text.strip() or key == "scenario_language_note", (code, key)


def test_indonesian_numbers_percentages_and_dates() -> None:
    indonesian, english = Lang("id"), Lang("en")
    assert indonesian.num(551428) == "551.428" and english.num(551428) == "551,428"
    assert indonesian.pct(0.0734, 2) == "7,34\u00a0%" and english.pct(0.0734, 2) == "7.34\u00a0%"
    assert indonesian.day(dt.date(2026, 12, 31)) == "31 Desember 2026"
    assert english.day(dt.date(2026, 12, 31)) == "31 Dec 2026"
    assert indonesian.month("2026-05") == "Mei 2026" and english.month("2026-05") == "May 2026"
    assert indonesian.month_tick(dt.date(2026, 8, 1), year=False) == "Agu"
    assert indonesian.pts(-0.0125) == "-1,25 poin"
    with pytest.raises(InputError, match="--lang fr: unknown language; choose one of en, id"):
        Lang("fr")


def test_an_unknown_language_is_refused_before_anything_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(SMALL), "--lang", "fr", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "--lang fr: unknown language; choose one of en, id" in result.output
    assert not (tmp_path / "r.html").exists()


@pytest.fixture(scope="module")
def indonesian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = build_report([small("population.total=551428", "population.initial_activated=40475"),
                         small("population.total=551428", "population.initial_activated=40475", "name=more-teams",
                               "channels.outreach.team.teams=6")],
                        [SMALL, SMALL], replicates=3, attribution_replicates=2, overrides=SHORT, lang="id")
    return write_report(page, tmp_path_factory.mktemp("id") / "laporan.html")


def test_indonesian_report_renders_in_headless_chromium_without_console_errors(indonesian: Path,
                                                                               tmp_path: Path) -> None:
    shot = tmp_path / "laporan.png"
    done = open_page(indonesian, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # What the browser shows, not only what the file holds.
    dom = html.unescape(open_page(indonesian, tmp_path / "profile2", "--dump-dom").stdout).replace("\u00a0", " ")
    assert '<html lang="id">' in dom
    assert "dari 551.428 penduduk wajib KTP" in dom  # thousands with a dot
    assert "dari 40.475 orang (7,34 %)" in dom  # decimals with a comma
    assert "peluang mencapai 12 % pada 30 April 2026" in dom  # months spelt out
    assert re.search(r"<td>(Januari|Februari|Maret|April) 2026</td>", dom)  # month by month
    assert "<td>Target</td><td>12 % dari 551.428 wajib KTP (66.171 orang) pada 30 April 2026.</td>" in dom
    # No English thousands or decimals in what the report writes itself; the components' own rows
    # of the scenario table and the file's notes are quoted as they are (and the page says so).
    own = dom.split("Skenario dalam kata-kata sederhana")[0]
    assert "Skenario dalam kata-kata sederhana" in dom and "Sumber: simulasi" in own
    assert not re.search(r"\d,\d{3}\b|\d\.\d+ ?%", re.sub(r'src="data:[^"]*"', "", own))


def test_indonesian_report_has_no_english_headings_or_captions(indonesian: Path) -> None:
    page = indonesian.read_text(encoding="utf-8")
    headings = [html.unescape(h) for h in re.findall(r"<h2>([^<]*)</h2>", page)]
    assert headings == ["Pertanyaan", "Jawaban", "Dibandingkan dengan small", "Apa yang terjadi",
                        "Nilai setiap pengungkit kebijakan", "Skenario dalam kata-kata sederhana",
                        "Asumsi dan sumber", "Asal-usul hasil"]
    captions = re.findall(r"<figcaption>(.*?)<br>", page)
    assert len(captions) >= 7
    for caption in captions:
        assert not re.search(r"\b(the|of|and|by|with|mean)\b", caption), caption
    assert page.count('<span class="source">Sumber: simulasi ikdsim') == len(captions)


def test_charts_write_axes_legends_and_ticks_in_the_report_language() -> None:
    dates = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(240)]
    band = plots.Band("kota", dates, np.linspace(0.07, 0.2, len(dates)))
    fig, (ax,) = plots.new_figure()
    plots.share_over_time(ax, [band], 0.3, dt.date(2026, 8, 1), lang=Lang("id"))
    fig.canvas.draw()
    assert ax.get_ylabel() == "cakupan aktivasi wajib KTP"
    assert "target 30\u00a0%" in [t.get_text() for t in ax.get_legend().get_texts()]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "Jan 2026" and "Mei" in ticks and "May" not in ticks, ticks
    assert ax.yaxis.get_major_formatter()(0.3, 0) == "30\u00a0%"
