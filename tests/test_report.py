"""Plots and the HTML report, including rendering in headless Chromium.

Chromium comes from Debian's `chromium` package (`make test` installs it). The page is opened with
host resolution disabled, so anything it tried to fetch would fail; console messages are read
from Chromium's log on stderr, and a control page checks that an error there would be caught.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.experiments.replicates import run_replicates
from ikdsim.reporting.figures import figures, from_runs, write_plots
from ikdsim.reporting.report import build_report, write_report
from ikdsim.scenario.loader import load_scenario, scenario_sha256
from ikdsim.scenario.schema import Scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"
SHORT = ["horizon.end=2026-04-30", "target.by=2026-04-30", "target.share=0.12"]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr", "--v=0",
]
# Chromium logs every console message of the page as "...:CONSOLE(line)] "text", source: ...".
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? ?(.*)")
IMAGE_CHECK = (
    '<script>window.addEventListener("load",()=>{const i=[...document.images];'
    'document.body.setAttribute("data-images",i.length);'
    'document.body.setAttribute("data-decoded",i.filter(x=>x.complete&&x.naturalWidth>0).length);});</script>'
)


def small(*changes: str) -> Scenario:
    return load_scenario(SMALL, [*SHORT, *changes])


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "headless Chromium is required: apt-get install chromium (`make test` does this)"
    return path


def open_page(page: Path, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    """Load a page and do one action that ends Chromium (--screenshot or --dump-dom)."""
    assert any(a.startswith(("--screenshot", "--dump-dom")) for a in action), "headless Chromium would not exit"
    args = [chromium(), *FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()]
    # Its own session, so that on a hang the whole process tree (zygote, GPU, renderer) goes.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def console_messages(stderr: str) -> list[str]:
    return [m.group(1) for line in stderr.splitlines() if (m := CONSOLE.search(line))]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = build_report([small(), small("channels.outreach.team.teams=3")], [SMALL, SMALL], replicates=3,
                        attribution_replicates=2, overrides=SHORT)
    return write_report(html, tmp_path_factory.mktemp("report") / "report.html")


def test_console_capture_catches_errors(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html><body><script>console.error("boom");nope();</script></body></html>')
    messages = console_messages(open_page(page, tmp_path / "profile", "--dump-dom").stderr)
    assert any("boom" in m for m in messages)
    assert any("nope is not defined" in m for m in messages)


def test_report_renders_in_headless_chromium_without_console_errors(report_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = open_page(report_html, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,3000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (3000, 1100)
    assert pixels.std() > 0.05  # text, tables and plots, not a blank page
    # Every inlined image decodes: a copy of the page with a checking script, read back from the DOM.
    probe = tmp_path / "probe.html"
    probe.write_text(report_html.read_text().replace("</body>", IMAGE_CHECK + "</body>"))
    dom = open_page(probe, tmp_path / "profile2", "--dump-dom").stdout
    found = re.search(r'data-images="(\d+)" data-decoded="(\d+)"', dom)
    assert found is not None, dom[:500]
    images, decoded = int(found.group(1)), int(found.group(2))
    assert images >= 7 and decoded == images


def test_report_is_self_contained_and_says_what_a_planner_needs(report_html: Path) -> None:
    text = report_html.read_text()
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert re.findall(r'(?:src|href)="(?!data:)', text) == []
    assert text.count('src="data:image/png;base64,') >= 7
    for heading in ("The question", "The answer", "Compared with small", "What happens", "What each lever is worth",
                    "Month by month", "The scenario in plain words", "Assumptions and sources", "Provenance"):
        assert f">{heading}" in text, heading
    assert "probability of reaching 12\u00a0% by 30 Apr 2026" in text
    assert scenario_sha256(small()) in text
    assert "horizon.end=2026-04-30" in text  # the overrides are stated
    assert "team outreach (2 teams)" in text  # attribution ranking


def test_report_is_reproducible() -> None:
    first = build_report([small()], [SMALL], replicates=2, attribution=False)
    assert build_report([small()], [SMALL], replicates=2, attribution=False) == first


def test_report_command_writes_one_file(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", str(SMALL), *[a for s in SHORT for a in ("--set", s)], "--replicates", "2", "--no-attribution",
            "--out", str(out), "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    assert "What each lever is worth" not in out.read_text()


# -- plots ---------------------------------------------------------------------------------


def test_share_figure_has_bands_target_and_observations() -> None:
    scenario = small()
    (runs,) = run_replicates([scenario], 3, seed=1)
    figs = figures(from_runs(runs, {"north": 0.1, "south": 0.2}))
    assert list(figs) == ["share", "channels", "causes", "queue", "districts"]
    ax = figs["share"].axes[0]
    target = [line for line in ax.get_lines() if line.get_label() == "target 12\u00a0%"]
    assert len(target) == 1 and set(np.asarray(target[0].get_ydata(), dtype=float)) == {0.12}
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # the 5-95 % band
    (observed,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(observed.get_offsets()) == len(scenario.observations)
    labels = [t.get_text() for t in figs["channels"].axes[0].get_legend().get_texts()]
    assert labels == ["office", "kel-north", "team"]
    assert "new" not in [t.get_text() for t in figs["causes"].axes[0].get_legend().get_texts()]


def test_write_plots_for_run_replicates_and_compare_folders(tmp_path: Path) -> None:
    cli = CliRunner()
    sets = [a for s in SHORT for a in ("--set", s)]
    assert cli.invoke(app, ["run", str(SMALL), *sets, "--out", str(tmp_path / "one")]).exit_code == 0
    many = cli.invoke(app, ["run", str(SMALL), *sets, "--replicates", "3", "--workers", "1",
                            "--out", str(tmp_path / "many")])
    assert many.exit_code == 0, many.output
    assert cli.invoke(app, ["compare", str(SMALL), str(SMALL), *sets, "--replicates", "2", "--workers", "1",
                            "--out", str(tmp_path / "cmp")]).exit_code == 0
    one = {p.name for p in write_plots(tmp_path / "one")}
    assert one == {"share.png", "channels.png", "causes.png", "queue.png", "districts.png"}
    replicated = {p.name for p in write_plots(tmp_path / "many")}
    assert {"share.png", "channels.png", "causes.png", "queue.png"} <= replicated
    assert {p.name for p in write_plots(tmp_path / "cmp")} == {"compare.png"}
    for png in (tmp_path / "one").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_plots_for_a_summarised_sweep(tmp_path: Path) -> None:
    cli = CliRunner()
    sweep = Path(__file__).parent / "data" / "sweep.yaml"
    assert cli.invoke(app, ["sweep", str(sweep), "--out", str(tmp_path / "sw"), "--workers", "1"]).exit_code == 0
    assert cli.invoke(app, ["sweep-summary", str(tmp_path / "sw")]).exit_code == 0
    (png,) = write_plots(tmp_path / "sw", tmp_path / "png")
    assert png.name == "sweep.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_flags_on_run_and_sweep_summary(tmp_path: Path) -> None:
    cli = CliRunner()
    small = Path(__file__).parent / "data" / "small.yaml"
    one = cli.invoke(app, ["run", str(small), "--out", str(tmp_path / "one"), "--plot"])
    assert one.exit_code == 0, one.output
    assert {"share.png", "queue.png"} <= {p.name for p in (tmp_path / "one").glob("*.png")}
    many_args = ["run", str(small), "--out", str(tmp_path / "many"), "--replicates", "3", "-w", "1", "--plot"]
    many = cli.invoke(app, many_args)
    assert many.exit_code == 0, many.output
    assert (tmp_path / "many" / "share.png").is_file()
    sweep = Path(__file__).parent / "data" / "sweep.yaml"
    assert cli.invoke(app, ["sweep", str(sweep), "--out", str(tmp_path / "sw"), "--workers", "1"]).exit_code == 0
    summary = cli.invoke(app, ["sweep-summary", str(tmp_path / "sw"), "--plot"])
    assert summary.exit_code == 0, summary.output
    assert (tmp_path / "sw" / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
