"""`run --replicates`: theory, interval coverage, sequential stopping, independence from workers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.experiments.executors import Engine, open_engine
from ikdsim.experiments.replicate_outputs import summary
from ikdsim.experiments.replicates import BANDS, run_replicates, run_until_precise
from ikdsim.model.engine import simulate
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.schema import Scenario
from ikdsim.stats import mean_interval, wilson

DATA = Path(__file__).parent / "data"
TEXTBOOK = DATA / "sweep-textbook.yaml"
SMALL = DATA / "sweep-base.yaml"
HERE = Engine(None, 1, "this process")
runner = CliRunner()


def textbook(days: int, *extra: str) -> Scenario:
    end = f"2026-{1 + (days - 1) // 31:02d}-{1 + (days - 1) % 31:02d}" if days <= 31 else None
    overrides = [f"horizon.end={end}", f"target.by={end}"] if end else []
    return load_scenario(TEXTBOOK, [*overrides, *extra])


def expected_share(s: Scenario, days: int) -> float:
    """F0 + (e - F0)(1 - exp(-p t / 365)) with t the number of days of decisions."""
    pop = s.population
    f0 = pop.initial_count / pop.total
    e = pop.eligible_share
    return f0 + (e - f0) * -math.expm1(-s.adoption.base_rate * days / 365.0)


def test_replicate_mean_follows_the_exponential_formula() -> None:
    s = textbook(365)
    (reps,) = run_replicates([s], 12, s.seed, executor=HERE.executor, keep=BANDS)
    shares = reps.column("activated_share")
    for day in (29, 99, 199, 364):
        est = mean_interval(shares[:, day])
        theory = expected_share(s, day + 1)
        assert est.n == 12
        # 4 standard errors (t-based half-width is ~2.2 se at n=12); rounding of segment sizes is < 1e-5.
        assert abs(est.estimate - theory) < 2 * est.half_width + 1e-5, (day, est, theory)
    out = summary(reps)
    assert out["final_share"]["mean"] == pytest.approx(expected_share(s, 365), abs=3e-4)


def test_95_percent_interval_covers_the_theoretical_mean() -> None:
    """40 independent experiments of 5 replicates each: about 38 intervals should contain the
    exact expected share; fewer than 33 has probability ~1e-4 if the coverage is 95 %."""
    s = textbook(20)
    theory = expected_share(s, 20)
    roots = np.random.SeedSequence(99).generate_state(40)
    covered, halves = 0, []
    for root in roots:
        (reps,) = run_replicates([s], 5, int(root), executor=HERE.executor, keep=BANDS)
        est = mean_interval(reps.final_shares())
        assert est.n == 5
        covered += est.low <= theory <= est.high
        halves.append(est.half_width)
    assert covered >= 33
    # The interval is not trivially wide: its half-width matches t(4)·sd/√5 with the binomial sd.
    pop = s.population
    p_new = -math.expm1(-s.adoption.base_rate * 20 / 365)
    eligible_left = pop.eligible_share * pop.total - pop.initial_count
    sd = math.sqrt(eligible_left * p_new * (1 - p_new)) / pop.total
    assert np.mean(halves) == pytest.approx(2.776 * sd / math.sqrt(5), rel=0.3)


def test_replicates_equal_running_them_one_by_one() -> None:
    s = load_scenario(SMALL)
    with open_engine(2) as engine:
        (reps,) = run_replicates([s], 5, s.seed, executor=engine.executor, keep=BANDS)
    for r, record in enumerate(reps.records):
        alone = simulate(s, seed=s.seed, replicate=r)
        assert record.replicate == r
        assert record.summary == alone.summary
        assert np.array_equal(record.daily["activated_share"], alone.daily["activated_share"])
    # Replicate 0 is the plain single run.
    assert reps.records[0].summary == simulate(s).summary
    # Replicates differ from one another (seeds are not all the same).
    assert len({r.summary["final_activated"] for r in reps.records}) > 1


def test_runs_keep_each_replicates_districts_with_the_inputs_it_drew() -> None:
    """The report's district chart comes from the runs themselves (no second simulation), so
    it covers the same futures as every other figure: the mean over replicates of each one's
    last-day share, each replicate run with the inputs it drew."""
    from conftest import build, small_data

    from ikdsim.scenario.uncertain import for_replicate

    data = small_data()
    data["uncertain"] = {"base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.0, "high": 0.2}}
    s = build(data)
    (runs,) = run_replicates([s], 3, 7)
    per_replicate = []
    for r, record in enumerate(runs.records):
        drawn, inputs = for_replicate(s, 7, r)
        alone = simulate(drawn, seed=7, replicate=r)
        assert record.inputs == inputs
        last = alone.district_activated[-1] / alone.district_size
        assert record.districts == dict(zip(alone.districts, last.tolist(), strict=True))
        per_replicate.append(last)
    assert len({tuple(x) for x in per_replicate}) == 3, "the replicates must differ for the mean to mean anything"
    mean = np.mean(per_replicate, axis=0)
    assert runs.district_shares() == pytest.approx(dict(zip(runs.records[0].districts, mean.tolist(), strict=True)))


def test_sequential_stopping_stops_at_first_precise_n() -> None:
    s = textbook(20)
    precision = 0.00007  # per-replicate sd is ~0.0002: about 35 replicates are needed
    reps = run_until_precise(s, precision, HERE, min_replicates=10, max_replicates=400)
    shares = reps.final_shares()
    n = reps.replicates
    assert reps.stopping.precision_reached and n > 15
    assert mean_interval(shares).half_width < precision
    for m in range(10, n):
        assert mean_interval(shares[:m]).half_width >= precision
    # The same answer whatever the round sizes (here: two workers start with a bigger round).
    with open_engine(2) as engine:
        again = run_until_precise(s, precision, engine, min_replicates=10, max_replicates=400)
    assert again.replicates == n and np.array_equal(again.final_shares(), shares)


def test_sequential_stopping_reports_when_the_cap_is_hit() -> None:
    reps = run_until_precise(textbook(20), 1e-9, HERE, min_replicates=3, max_replicates=6)
    assert reps.replicates == 6 and reps.stopping.precision_reached is False
    assert summary(reps)["stopping"]["precision_reached"] is False


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", *args])
    return result.exit_code, result.output


def test_cli_outputs_identical_for_one_and_two_workers(tmp_path: Path) -> None:
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        code, text = _run(str(SMALL), "--replicates", "6", "--workers", str(workers), "--out", str(out))
        assert code == 0, text
        outs.append(out)
    for name in ("daily.csv", "replicates.csv", "summary.json", "scenario.resolved.yaml"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    daily = (outs[0] / "daily.csv").read_text().splitlines()
    bands = "activated_share_mean,activated_share_p05,activated_share_p50,activated_share_p95"
    assert daily[0].startswith(f"date,day,{bands}")
    assert "waiting_p95" in daily[0] and "activations_mean" in daily[0]
    assert len(daily) == 1 + load_scenario(SMALL).horizon.days
    rows = (outs[0] / "replicates.csv").read_text().splitlines()
    assert len(rows) == 7 and rows[0].startswith("replicate,seed,final_activated,final_share")
    s = json.loads((outs[0] / "summary.json").read_text())
    reached = [r.split(",")[rows[0].split(",").index("target_reached")] == "True" for r in rows[1:]]
    w = wilson(sum(reached), 6)
    assert s["prob_target_reached"]["estimate"] == round(sum(reached) / 6, 6)
    assert s["prob_target_reached"]["ci95_low"] == round(w.low, 6)
    assert s["prob_target_reached"]["ci95_high"] == round(w.high, 6)
    assert set(s["date_target_reached"]) >= {"median", "p05", "p95"}
    assert s["final_share"]["ci95_low"] < s["final_share"]["mean"] < s["final_share"]["ci95_high"]


def test_cli_auto_replicates(tmp_path: Path) -> None:
    code, text = _run(str(TEXTBOOK), "--set", "horizon.end=2026-01-20", "--set", "target.by=2026-01-20",
                      "--replicates", "auto", "--precision", "0.0001", "-w", "1", "--out", str(tmp_path / "a"))
    assert code == 0, text
    s = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert s["stopping"]["rule"] == "sequential" and s["stopping"]["precision_reached"]
    assert s["final_share"]["ci95_half_width"] < 0.0001
    assert s["replicates"] > 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replicates", "0"], "from 1 to"),
        (["--replicates", "many"], "whole number or 'auto'"),
        (["--replicates", "5", "--precision", "0.01"], "--precision applies to --replicates auto"),
        (["--precision", "0.01"], "--precision applies to --replicates auto"),
        (["--replicates", "auto", "--precision", "2"], "between 0 and 1"),
        (["--replicates", "3", "--workers", "0"], "at least 1"),
    ],
)
def test_cli_bad_replicate_options(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    code, text = _run(str(SMALL), *args, "--out", str(out))
    assert code == 2 and message in text
    assert not out.exists()


def test_single_run_keeps_its_outputs(tmp_path: Path) -> None:
    code, text = _run(str(SMALL), "--out", str(tmp_path / "one"))
    assert code == 0, text
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        ".ikdsim-output", "daily.csv", "districts.csv", "scenario.resolved.yaml", "summary.json"
    ]
