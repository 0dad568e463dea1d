"""Progress of the policy commands: the right totals reach the bar; nothing is printed off a terminal."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from ikdsim.analysis.attribute import attribute
from ikdsim.analysis.calibrate import calibrate
from ikdsim.analysis.compare import compare
from ikdsim.analysis.observations import Observed
from ikdsim.analysis.solve import solve
from ikdsim.cli.app import app
from ikdsim.experiments.progress import BarProgress, NoProgress, tracked
from ikdsim.model.engine import simulate
from ikdsim.reporting.report import build_report
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.schema import Scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"
SHORT = ["horizon.end=2026-04-30", "target.by=2026-04-30", "target.share=0.12"]


def small(*changes: str) -> Scenario:
    return load_scenario(SMALL, [*SHORT, *changes])


class Recorder:
    """A Progress that keeps every call, to check what a bar would have been told."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.totals: list[int] = []
        self.done = 0
        self.stops = 0

    def start(self, total: int, skipped: int = 0) -> None:
        self.starts.append(total)
        self.totals.append(total)

    def advance(self, runs: int) -> None:
        assert self.starts and self.stops == 0, "advanced outside start/stop"
        self.done += runs

    def retotal(self, total: int) -> None:
        self.totals.append(total)

    def stop(self) -> None:
        self.stops += 1

    def check_complete(self) -> None:
        """One bar, started once, stopped once, ending full."""
        assert len(self.starts) == 1 and self.stops == 1
        assert self.totals[-1] == self.done


def test_tracked_grows_the_total_and_ends_at_what_was_done() -> None:
    rec = Recorder()
    with tracked(rec, 10) as tally:
        tally.advance(4)
        with tracked(tally, 3) as inner:  # a stage inside: same bar, no new start
            assert inner is tally
            inner.advance(3)
        tally.expect(8)  # 7 done + 8 > 10: the total grows
        tally.advance(8)
    assert rec.starts == [10] and rec.totals == [10, 15] and rec.done == 15
    rec.check_complete()
    rec = Recorder()
    with tracked(rec, 10) as tally:  # a search that stops early ends full, not at 40 %
        tally.advance(4)
    assert rec.totals == [10, 4]
    rec.check_complete()


def test_compare_counts_every_run_of_every_scenario() -> None:
    rec = Recorder()
    compare([small(), small("channels.outreach.team.teams=3"), small("adoption.base_rate=0.2")], 3, progress=rec)
    assert rec.starts == [9] and rec.done == 9
    rec.check_complete()


def test_attribute_counts_the_base_and_every_lever() -> None:
    rec = Recorder()
    result = attribute(small(), 2, candidates=["channels.outreach.team.teams=4"], progress=rec)
    assert rec.starts == [(1 + len(result.ranked())) * 2] and rec.done == rec.starts[0]
    rec.check_complete()


def test_solve_counts_every_probe_as_one_bar() -> None:
    rec = Recorder()
    result = solve(small(), "channels.outreach.team.teams", "0", "8", probability=0.8, replicates=3, progress=rec)
    # The estimate is both ends plus one probe per halving of 0..8.
    assert rec.starts == [(2 + 3) * 3]
    assert rec.done == len(result.probes) * 3
    rec.check_complete()


def test_calibrate_counts_every_evaluation() -> None:
    scenario = small()
    truth = simulate(scenario, seed=7).daily["activated"]
    day = dt.date(2026, 3, 31)
    observed = [Observed(day, int(truth[(day - scenario.horizon.start).days]), scenario.population.total, "test")]
    rec = Recorder()
    stages: list[str] = []
    result = calibrate(
        scenario, ["adoption.base_rate=0.01:0.5"], observed, replicates=2, xtol=0.05, max_evals=30,
        on_stage=stages.append, progress=rec,
    )
    assert rec.starts == [30 * 2]
    assert rec.done == len(result.evaluations) * 2
    rec.check_complete()
    assert stages and stages[0].startswith("fitted after")


def test_report_counts_the_comparison_and_the_attribution_on_one_bar() -> None:
    rec = Recorder()
    build_report([small(), small("channels.outreach.team.teams=3")], replicates=2, attribution_replicates=2,
                 progress=rec)
    assert rec.starts == [4]
    assert rec.done > 4  # the attribution's runs joined the same bar
    rec.check_complete()


def test_bar_draws_on_a_terminal() -> None:
    screen = io.StringIO()
    progress = BarProgress("runs", lines=False, console=Console(file=screen, force_terminal=True, width=100))
    compare([small(), small("channels.outreach.team.teams=3")], 2, progress=progress)
    assert "runs" in screen.getvalue() and "4/4" in screen.getvalue()


def test_bar_is_silent_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    screen = io.StringIO()
    progress = BarProgress("runs", every=0.0, lines=False, console=Console(file=screen, force_terminal=False))
    compare([small(), small("channels.outreach.team.teams=3")], 2, progress=progress)
    assert screen.getvalue() == "" and capsys.readouterr().err == ""
    # The sweeps keep their plain lines off a terminal (a batch job's log shows them).
    progress = BarProgress("runs", every=0.0, console=Console(file=screen, force_terminal=False))
    compare([small(), small("channels.outreach.team.teams=3")], 2, progress=progress)
    assert "runs: 4/4 done" in capsys.readouterr().err


def test_policy_commands_print_no_progress_when_piped(tmp_path: Path) -> None:
    sets = [arg for change in SHORT for arg in ("--set", change)]
    result = CliRunner().invoke(
        app, ["compare", str(SMALL), str(SMALL), *sets, "--replicates", "2", "--workers", "1",
              "--out", str(tmp_path / "c")],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "done" not in result.stdout and "runs/s" not in result.stdout


def test_no_progress_accepts_every_call() -> None:
    NoProgress().retotal(3)
