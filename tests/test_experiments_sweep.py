"""Sweep files and designs: validation before anything runs, samplers, dates and integers, CRN."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.experiments.design import Design, build_design
from ikdsim.experiments.driver import run_sweep
from ikdsim.experiments.executors import Engine
from ikdsim.experiments.samplers import unit_sample
from ikdsim.experiments.sweep import load_sweep

DATA = Path(__file__).parent / "data"
BASE = DATA / "sweep-base.yaml"
HERE = Engine(None, 1, "this process")
runner = CliRunner()


def sweep_file(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"scenario: {BASE}\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def design_of(path: Path) -> Design:
    spec, doc = load_sweep(path)
    return build_design(spec, doc, path)


BAD = [
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  adoption.base_rat: {low: 0.1, high: 0.2}\n",
        ["s.yaml:4", "adoption.base_rat", "did you mean 'base_rate'"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  channels.outreach.bus.teams: {low: 1, high: 3}\n",
        ["s.yaml:4", "no item named 'bus'", "team"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  adoption.base_rate: {low: 0.3, high: 0.3}\n",
        ["s.yaml:4:", "parameters.adoption.base_rate", "low (0.3) must be below high (0.3)"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n"
        "  services.health.integrated_from: {low: 2026-05-01, high: 2026-02-01}\n",
        ["s.yaml:4:", "must be below high"],
    ),
    (
        "sampler: {method: grid}\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n",
        ["s.yaml:4", "grid sampler takes explicit values"],
    ),
    (
        "sampler: {method: grid, n: 12}\nparameters:\n  adoption.base_rate: {values: [0.1, 0.2]}\n"
        "  channels.outreach.team.teams: {values: [1, 2, 3]}\n",
        ["s.yaml:2", "sampler.n", "asks for 12 grid points", "2 × 3 = 6"],
    ),
    (
        "sampler: {method: grid}\nparameters:\n  channels.outreach.team.teams: {low: 1, high: 3, levels: 5}\n",
        ["s.yaml:4", "5 grid levels", "only 3 distinct whole numbers"],
    ),
    (
        "sampler: {method: sobol, n: 100}\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n",
        ["s.yaml:2", "power of 2", "use 64 or 128"],
    ),
    (
        "sampler: {method: lhs}\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n",
        ["s.yaml:2", "needs n"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  adoption.base_rate: {low: -0.1, high: 0.2}\n",
        ["s.yaml:4", "-0.1 gives an invalid scenario", "adoption.base_rate", "greater than or equal to 0"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  channels.outreach.team.teams: {low: 1.5, high: 3}\n",
        ["s.yaml:4", "1.5 is not a whole number"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  services.health.integrated_from: {low: 1, high: 3}\n",
        ["s.yaml:4", "this field is a date"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n"
        "outputs: [final_shares]\n",
        ["s.yaml:5:", "unknown output 'final_shares'", "did you mean 'final_share'"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nreplicate: 3\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n",
        ["s.yaml:3:", "unknown field", "did you mean 'replicates'"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  adoption.base_rate: {low: 0.1, high: 0.2, values: [0.3]}\n",
        ["s.yaml:4:", "not both"],
    ),
    (
        "sampler: {method: lhs, n: 4}\nparameters:\n  seed: {low: 1, high: 9}\n",
        ["s.yaml:4", "the seed is not a parameter"],
    ),
]


@pytest.mark.parametrize(("body", "expected"), BAD)
def test_bad_sweep_files_fail_before_anything_runs(tmp_path: Path, body: str, expected: list[str]) -> None:
    path = sweep_file(tmp_path, body)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), "-w", "1"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    for fragment in expected:
        assert fragment in text, (fragment, text)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_base_scenario_is_located(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenario: nowhere.yaml\nsampler: {method: lhs, n: 2}\n"
                    "parameters:\n  adoption.base_rate: {low: 0.1, high: 0.2}\n")
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "nowhere.yaml: no such file" in result.output


def test_latin_hypercube_is_stratified_and_integers_and_dates_are_whole(tmp_path: Path) -> None:
    n = 40
    design = design_of(sweep_file(tmp_path, f"""
        sampler: {{method: lhs, n: {n}}}
        parameters:
          adoption.base_rate: {{low: 0.1, high: 0.5}}
          channels.outreach.team.teams: {{low: 0, high: 3}}
          services.health.integrated_from: {{low: 2026-02-01, high: 2026-02-10}}
          services.health.ramp_days: {{values: [0, 15, 30, 60]}}
        """))
    rates, teams, dates, ramps = zip(*design.points, strict=True)
    # One point in each of the n equal strata of every dimension.
    strata = sorted(int((r - 0.1) / 0.4 * n) for r in rates)
    assert strata == list(range(n))
    assert all(isinstance(t, int) for t in teams) and set(teams) == {0, 1, 2, 3}
    assert [teams.count(k) for k in range(4)] == [10, 10, 10, 10]  # LHS: equal shares of the integers
    assert all(isinstance(d, dt.date) for d in dates)
    assert min(dates) == dt.date(2026, 2, 1) and max(dates) == dt.date(2026, 2, 10)
    assert [dates.count(dt.date(2026, 2, d)) for d in range(1, 11)] == [4] * 10
    assert [ramps.count(v) for v in (0, 15, 30, 60)] == [10, 10, 10, 10]
    # The points become valid scenarios with the sampled values in place.
    s = design.scenario(3)
    assert s.adoption.base_rate == rates[3]
    assert s.channels.outreach[0].teams == teams[3]
    assert s.services[0].integrated_from == dates[3]


def test_grid_is_full_factorial_in_file_order(tmp_path: Path) -> None:
    design = design_of(sweep_file(tmp_path, """
        sampler: {method: grid, n: 6}
        parameters:
          adoption.base_rate: {low: 0.1, high: 0.3, levels: 3}
          services.health.integrated_from: {values: [2026-02-01, null]}
        """))
    feb = dt.date(2026, 2, 1)
    assert design.points == [(0.1, feb), (0.1, None), (0.2, feb), (0.2, None), (0.3, feb), (0.3, None)]
    assert design.scenario(1).services[0].integrated_from is None


def test_sobol_and_random_samplers_are_seeded(tmp_path: Path) -> None:
    a = unit_sample("sobol", 16, 3, seed=5)
    assert a.shape == (16, 3) and ((a >= 0) & (a < 1)).all()
    assert np.array_equal(a, unit_sample("sobol", 16, 3, seed=5))
    assert not np.array_equal(a, unit_sample("sobol", 16, 3, seed=6))
    r = unit_sample("random", 10, 2, seed=5)
    assert np.array_equal(r, unit_sample("random", 10, 2, seed=5))


def test_fixed_changes_and_seed_apply_to_the_base(tmp_path: Path) -> None:
    design = design_of(sweep_file(tmp_path, """
        seed: 77
        set: {adoption.word_of_mouth: 0.0, services.health.integrated_from: null}
        sampler: {method: random, n: 2}
        parameters:
          adoption.base_rate: {low: 0.1, high: 0.2}
        """))
    assert design.seed == 77 and design.base.seed == 77
    assert design.base.adoption.word_of_mouth == 0.0
    assert design.scenario(0).services[0].integrated_from is None
    with pytest.raises(InputError, match=r"set\.adoption\.word_of_mout"):
        design_of(sweep_file(tmp_path, """
            set: {adoption.word_of_mout: 0.0}
            sampler: {method: random, n: 2}
            parameters:
              adoption.base_rate: {low: 0.1, high: 0.2}
            """, name="t.yaml"))


def test_points_share_random_numbers_per_replicate(tmp_path: Path) -> None:
    """Two points that differ only in a field the model ignores (the description) get
    identical outputs replicate by replicate: seeds depend on the replicate, not the point."""
    path = sweep_file(tmp_path, """
        replicates: 3
        sampler: {method: grid}
        parameters:
          description: {values: [first, second]}
          adoption.base_rate: {values: [0.2, 0.4]}
        outputs: [final_share, mean_wait_days, gave_up]
        """)
    outcome = run_sweep(design_of(path), tmp_path / "out", HERE)
    table = pq.read_table(tmp_path / "out" / "runs.parquet").to_pydict()
    assert set(table["seed"]) == {11}
    by = {(p, r): (table["final_share"][i], table["gave_up"][i])
          for i, (p, r) in enumerate(zip(table["point"], table["replicate"], strict=True))}
    for r in range(3):
        assert by[(0, r)] == by[(2, r)] and by[(1, r)] == by[(3, r)]
        assert by[(0, r)] != by[(1, r)]
    assert len({by[(0, r)] for r in range(3)}) == 3  # replicates differ
    assert outcome.ran == 12


def test_points_with_the_same_resolved_scenario_share_their_runs(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, """
        replicates: 2
        sampler: {method: lhs, n: 4}
        parameters:
          channels.outreach.team.teams: {low: 0, high: 1}
        outputs: [final_share]
        """)
    design = design_of(path)
    assert sorted(p[0] for p in design.points) == [0, 0, 1, 1]
    outcome = run_sweep(design, tmp_path / "out", HERE)
    assert outcome.ran == 4  # two distinct scenarios × two replicates
    rows = pq.read_table(tmp_path / "out" / "runs.parquet").to_pylist()
    assert len(rows) == 8
    by_value = {}
    for row in rows:
        key = (row["channels.outreach.team.teams"], row["replicate"])
        assert by_value.setdefault(key, row["final_share"]) == row["final_share"]


def test_sweep_points_follow_the_exponential_formula_and_the_manifest_is_complete(tmp_path: Path) -> None:
    import json
    import math

    path = tmp_path / "theory.yaml"
    path.write_text(textwrap.dedent(f"""
        scenario: {DATA / "sweep-textbook.yaml"}
        set: {{horizon.end: 2026-01-31, target.by: 2026-01-31, target.share: 0.06}}
        replicates: 4
        sampler: {{method: grid}}
        parameters:
          adoption.base_rate: {{values: [0.1, 0.4, 1.2]}}
        outputs: [final_share, target_reached]
        """))
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o"), "-w", "1"])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(tmp_path / "o" / "runs.parquet").to_pylist()
    for rate in (0.1, 0.4, 1.2):
        shares = np.array([r["final_share"] for r in rows if r["adoption.base_rate"] == rate])
        # F0 = 0.05, eligible 0.8 of 200,000, 31 days of decisions: binomial mean and sd.
        p = -math.expm1(-rate * 31 / 365)
        theory = 0.05 + 0.75 * p
        se = math.sqrt(150_000 * p * (1 - p)) / 200_000 / math.sqrt(4)
        assert abs(shares.mean() - theory) < 4 * se + 1e-5, (rate, shares.mean(), theory)
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["sweep"] == path.read_text()
    assert manifest["base_scenario"]["adoption"]["base_rate"] == 0.2
    assert manifest["base_scenario"]["horizon"]["end"] == "2026-01-31"
    assert manifest["versions"]["ikdsim"] and manifest["versions"]["numpy"] and manifest["versions"]["pyarrow"]
    assert manifest["git"] is None or len(manifest["git"]["commit"]) == 40
    assert manifest["started"] <= manifest["finished"] and manifest["status"] == "complete"
    assert manifest["points"] == 3 and manifest["runs"] == 12


def test_point_summary_statistics_and_batching(tmp_path: Path) -> None:
    from ikdsim.experiments.summary import point_batches, summarise_points
    from ikdsim.stats import mean_interval, wilson

    path = DATA / "sweep.yaml"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o"), "-w", "1"])
    assert result.exit_code == 0, result.output
    whole = summarise_points(*point_batches(tmp_path / "o"))
    # Batches of 2 rows split every point (3 replicates) across batches: same answer.
    split = summarise_points(*point_batches(tmp_path / "o", rows=2))
    assert split.rows == whole.rows and len(whole.rows) == 6
    rows = pq.read_table(tmp_path / "o" / "runs.parquet").to_pylist()
    h = whole.header
    for summary_row in whole.rows:
        mine = [r for r in rows if r["point"] == summary_row[0]]
        shares = mean_interval([r["final_share"] for r in mine])
        assert summary_row[h.index("final_share_mean")] == shares.estimate
        assert summary_row[h.index("final_share_ci95_low")] == shares.low
        reached = wilson(sum(r["target_reached"] for r in mine), len(mine))
        assert summary_row[h.index("target_reached_prob")] == reached.estimate
        assert summary_row[h.index("target_reached_ci95_high")] == reached.high
    listed = (tmp_path / "o" / "target_points.csv").read_text().splitlines()[1:]
    expected = [r for r in whole.rows if r[h.index("target_reached_prob")] >= 0.8]
    assert [int(line.split(",")[0]) for line in listed] == [r[0] for r in expected]
