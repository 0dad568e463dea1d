"""Bayesian calibration: diagnostics, forecasts, determinism across workers and Dask, and the
command line (the sampler's own tests, simulation-based calibration included, are in
test_analysis_smc.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from ikdsim.analysis.bayes import calibrate_bayes
from ikdsim.analysis.observations import Observed
from ikdsim.cli.app import app
from ikdsim.experiments.executors import open_engine
from ikdsim.scenario.loader import Document, dump_yaml, load_scenario, scenario_to_data, validate
from ikdsim.scenario.schema import Scenario

runner = CliRunner()
DATES = [dt.date(2026, 1, 20), dt.date(2026, 2, 10), dt.date(2026, 3, 1), dt.date(2026, 3, 20)]


def small_city(**uncertain: dict[str, Any]) -> Scenario:
    """Three months, one district, two groups, one service from February: 4 segments, ~7 ms a run."""
    data: dict[str, Any] = {
        "name": "small-city", "seed": 5,
        "horizon": {"start": "2026-01-01", "end": "2026-03-31"},
        "target": {"share": 0.3, "by": "2026-03-31"},
        "population": {
            "total": 50_000, "initial_activated": 2_000, "districts": {"a": 1.0},
            "groups": {"young": {"share": 0.5, "smartphone": 0.9}, "old": {"share": 0.5, "smartphone": 0.6}},
        },
        "adoption": {"base_rate": 0.2, "patience_days": 20},
        "services": [{"name": "health", "users": {"young": 0.8, "old": 0.9}, "encounters_per_year": 4,
                      "conversion": 0.05, "integrated_from": "2026-02-01"}],
        "channels": {
            "service_points": [{"name": "office", "counters": 20, "hours_per_day": 7, "minutes_per_activation": 5}],
            "outreach": [{"name": "team", "teams": 1, "capacity_per_event": 50, "on_site_conversion": 0.3,
                          "start": "2026-03-25", "venues": {"v": {"reach": 100}}}],
        },
        "uncertain": uncertain or {
            "base_rate": {"fields": ["adoption.base_rate"], "dist": "loguniform", "low": 0.05, "high": 0.6},
            "conversion": {"fields": ["services.health.conversion"], "dist": "uniform", "low": 0.0, "high": 0.2},
        },
    }
    scenario: Scenario = validate(Document(data, {}, "small-city"))
    return scenario


def observed_from(scenario: Scenario, values: dict[str, float]) -> list[Observed]:
    from ikdsim.model.engine import simulate
    from ikdsim.scenario.uncertain import apply

    path = simulate(apply(scenario, values), seed=scenario.seed).daily["activated"]
    return [Observed(d, int(path[(d - scenario.horizon.start).days]), 50_000) for d in DATES]


def test_the_posterior_narrows_what_the_counts_inform_and_flags_what_they_do_not() -> None:
    unknowns = {
        "base_rate": {"fields": ["adoption.base_rate"], "dist": "loguniform", "low": 0.05, "high": 0.6},
        # The team starts on 25 March, after every count but the last; the counts hardly see it.
        "on_site": {"fields": ["channels.outreach.team.on_site_conversion"], "dist": "uniform",
                    "low": 0.1, "high": 0.9},
    }
    scenario = small_city(**unknowns)
    observed = observed_from(scenario, {"base_rate": 0.3, "on_site": 0.5})
    result = calibrate_bayes(scenario, observed, particles=60)
    checks = {c.name: c for c in result.checks}
    assert checks["base_rate"].informed and checks["base_rate"].sd_ratio < 0.5
    assert checks["base_rate"].posterior[0] <= 0.3 <= checks["base_rate"].posterior[2]
    assert not checks["on_site"].informed
    assert result.uninformed == ["on_site"]
    assert all(p.inside for p in result.predictive)
    assert result.result.evaluations >= 60


def test_same_seed_same_posterior_on_one_and_two_workers_and_dask() -> None:
    scenario = small_city()
    observed = observed_from(scenario, {"base_rate": 0.2, "conversion": 0.1})
    one = calibrate_bayes(scenario, observed, particles=30, seed=3)
    with open_engine(2) as engine:
        two = calibrate_bayes(scenario, observed, particles=30, seed=3, executor=engine.executor)
    with open_engine(2, dask=True, processes=False) as engine:
        dask = calibrate_bayes(scenario, observed, particles=30, seed=3, executor=engine.executor)
    assert np.array_equal(one.result.values, two.result.values)
    assert np.array_equal(one.result.values, dask.result.values)
    assert one.summary() == two.summary() == dask.summary()


def test_fitted_dispersion_is_reported() -> None:
    scenario = small_city()
    observed = observed_from(scenario, {"base_rate": 0.2, "conversion": 0.1})
    result = calibrate_bayes(scenario, observed, particles=30, dispersion=None)
    low, mid, high = result.summary()["dispersion_posterior"]
    assert 0.005 <= low <= mid <= high <= 0.3


def write_city(tmp_path: Path, observations: list[Observed]) -> Path:
    scenario = small_city()
    data = scenario_to_data(scenario)
    data["observations"] = [{"date": o.date.isoformat(), "activated": o.count} for o in observations]
    path = tmp_path / "city.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def test_cli_writes_a_posterior_that_run_integrates_over(tmp_path: Path) -> None:
    observed = observed_from(small_city(), {"base_rate": 0.25, "conversion": 0.08})
    path = write_city(tmp_path, observed)
    out = tmp_path / "cal"
    res = runner.invoke(app, ["calibrate", str(path), "--particles", "30", "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "Posterior" in res.output and "predictive" in res.output
    for name in ("posterior.csv", "scenario.calibrated.yaml", "calibration.json", "predictive.csv"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "calibration.json").read_text())
    assert summary["particles"] == 30 and {i["name"] for i in summary["inputs"]} == {"base_rate", "conversion"}
    calibrated = load_scenario(out / "scenario.calibrated.yaml")
    assert calibrated.name == "small-city-calibrated" and calibrated.posterior is not None
    draws = {tuple(round(v, 12) for v in row) for row in calibrated.posterior.draws}
    run_out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(out / "scenario.calibrated.yaml"), "--replicates", "4",
                              "--out", str(run_out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    lines = (run_out / "inputs.csv").read_text().splitlines()
    header = lines[0].split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        assert (round(float(row["base_rate"]), 12), round(float(row["conversion"]), 12)) in draws


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("date,activated\n2027-05-01,100\n", "horizon"),
        ("date,activated\n2026-02-01,60000\n", "population"),
        ("date,activated\n", "no observations"),
    ],
)
def test_bad_observations_exit_2_with_a_located_message(tmp_path: Path, csv_text: str, message: str) -> None:
    path = write_city(tmp_path, [])
    obs = tmp_path / "counts.csv"
    obs.write_text(csv_text, encoding="utf-8")
    res = runner.invoke(app, ["calibrate", str(path), "--observations", str(obs), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    assert message in res.output and "counts.csv" in res.output
    assert not (tmp_path / "o").exists()


def test_bayes_needs_an_uncertain_block_and_no_fit(tmp_path: Path) -> None:
    path = write_city(tmp_path, observed_from(small_city(), {"base_rate": 0.25, "conversion": 0.08}))
    res = runner.invoke(app, ["calibrate", str(path), "--method", "bayes", "--fit", "adoption.base_rate"])
    assert res.exit_code == 2 and "--method point" in res.output
    res = runner.invoke(app, ["calibrate", str(path), "--dispersion", "lots"])
    assert res.exit_code == 2 and "--dispersion" in res.output


def test_for_writes_the_plan_calibrated_on_the_history(tmp_path: Path) -> None:
    history = write_city(tmp_path, observed_from(small_city(), {"base_rate": 0.25, "conversion": 0.08}))
    plan_data = scenario_to_data(small_city())
    plan_data["name"] = "plan"
    plan_data["channels"]["service_points"][0]["counters"] = 30
    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "plan.yaml"
    plan.write_text(dump_yaml(plan_data), encoding="utf-8")
    out = tmp_path / "cal"
    res = runner.invoke(app, ["calibrate", str(history), "--for", str(plan), "--particles", "30", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = (out / "scenario.calibrated.yaml").read_text()
    assert "extends: ../plans/plan.yaml" in text
    calibrated = load_scenario(out / "scenario.calibrated.yaml")
    assert calibrated.name == "plan-calibrated" and calibrated.posterior is not None
    assert calibrated.channels.service_points[0].counters == 30

    del plan_data["uncertain"]["conversion"]
    plan.write_text(dump_yaml(plan_data), encoding="utf-8")
    res = runner.invoke(app, ["calibrate", str(history), "--for", str(plan), "--out", str(tmp_path / "c2")])
    assert res.exit_code == 2 and "conversion" in res.output and not (tmp_path / "c2").exists()
