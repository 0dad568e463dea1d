"""Interval estimates used for replicates and sweep summaries, checked against scipy and by coverage."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

from ikdsim.stats import day_quantiles, half_widths, json_number, mean_interval, t_quantile, wilson


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_t_quantile_matches_scipy(level: float) -> None:
    for df in [*range(1, 260), 500, 2_001, 10_000]:
        assert t_quantile(df, level) == pytest.approx(sps.t.ppf(0.5 + level / 2, df), rel=1e-10, abs=1e-10)


def test_t_interval_covers_the_true_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    trials, n = 4000, 6
    draws = rng.normal(10.0, 3.0, size=(trials, n))
    covered = 0
    for row in draws:
        est = mean_interval(row)
        assert est.low is not None and est.high is not None
        covered += est.low <= 10.0 <= est.high
    # Binomial sd of the coverage over 4000 trials is 0.0034.
    assert 0.94 - 0.01 < covered / trials < 0.96 + 0.01


def test_wilson_interval_matches_formula_and_covers() -> None:
    est = wilson(7, 20)
    z = sps.norm.ppf(0.975)
    p, n = 0.35, 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (est.low, est.high) == pytest.approx((centre - half, centre + half))
    # At 0 and n successes the interval is one-sided but not empty.
    assert wilson(0, 10).low == 0.0 and wilson(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10).high == 1.0 and wilson(10, 10).low == pytest.approx(0.7225, abs=1e-4)
    rng = np.random.default_rng(7)
    successes = rng.binomial(40, 0.3, size=3000)
    covered = sum(1 for k in successes if (w := wilson(int(k), 40)).low <= 0.3 <= w.high)
    assert covered / 3000 > 0.93


def test_interval_undefined_below_two_values() -> None:
    assert math.isnan(mean_interval([]).estimate) and mean_interval([]).n == 0
    one = mean_interval([0.5])
    assert one.estimate == 0.5 and math.isnan(one.low) and math.isnan(one.half_width)
    assert json_number(one.low) is None and json_number(one.estimate) == 0.5
    assert mean_interval([1.0, float("nan"), 3.0]).n == 2


def test_half_widths_agree_with_mean_interval_for_every_n() -> None:
    x = np.random.default_rng(1).random(30)
    hw = half_widths(x, start=5)
    assert np.isinf(hw[:4]).all()
    for n in range(5, 31):
        assert hw[n - 1] == mean_interval(x[:n]).half_width


def test_day_quantiles_count_never_as_latest() -> None:
    days = [5, None, 3, None, None]
    assert day_quantiles(days, (0.05, 0.5, 0.95)) == [3, None, None]
    assert day_quantiles([4, 1, 2, 3], (0.5,)) == [2]  # inverted CDF: an observed day
    assert day_quantiles([], (0.5,)) == [None]


def test_day_quantiles_are_numpys_inverted_cdf_when_every_run_reaches() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 20, 60, 100, 101):
        days = rng.integers(0, 300, size=n)
        qs = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
        expected = [int(v) for v in np.quantile(days, qs, method="inverted_cdf")]
        assert day_quantiles(list(days), qs) == expected, n


@pytest.mark.parametrize("n", [10, 20, 60, 100])
def test_a_date_quantile_is_never_exactly_when_fewer_than_that_fraction_reached(n: int) -> None:
    for reached in range(n + 1):
        days: list[float | None] = [*range(reached), *([None] * (n - reached))]
        for q in (0.05, 0.5, 0.95):
            (got,) = day_quantiles(days, (q,))
            assert (got is None) == (reached / n < q), (n, reached, q)
    # NaN is "never" too (arrays of days), and counts among the runs.
    assert day_quantiles(np.array([1.0, np.nan, np.nan]), (0.5,)) == [None]


def test_every_command_reports_the_same_date_reached(tmp_path: Path) -> None:
    """One rule for "date reached": with only some replicates reaching the target, run
    --replicates, compare, sweep-summary and the report give the same date quantiles and P(target).
    Before, compare and the report left out the runs that never reached it and printed a 95th
    percentile date (and at under half, a median date) where the others said never."""
    import csv
    import datetime as dt
    import json

    from conftest import small_data
    from typer.testing import CliRunner

    from ikdsim.cli.app import app
    from ikdsim.io.layout import SweepFiles
    from ikdsim.reporting.i18n import Lang
    from ikdsim.scenario.loader import dump_yaml

    data = small_data()
    # Wide enough that some futures reach the 30 % target and some do not.
    data["uncertain"] = {"base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.0, "high": 0.2}}
    path = tmp_path / "city.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    cli = CliRunner()
    n = 10
    common = ["--replicates", str(n), "--workers", "1"]

    def invoke(*args: str) -> None:
        res = cli.invoke(app, [*args])
        assert res.exit_code == 0, res.output

    invoke("run", str(path), *common, "--out", str(tmp_path / "run"))
    run_summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    run_dates = run_summary["date_target_reached"]
    reached = run_summary["prob_target_reached"]["replicates_reaching"]
    assert n / 2 <= reached < n, "the scenario must give a median date and a 95th percentile of never"
    assert run_dates["median"] is not None and run_dates["p95"] is None

    invoke("compare", str(path), str(path), *common, "--out", str(tmp_path / "compare"))
    with (tmp_path / "compare" / "scenarios.csv").open() as fh:
        compared = list(csv.DictReader(fh))
    assert len(compared) == 2

    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        f"scenario: {path}\nreplicates: {n}\nsampler: {{method: grid}}\n"
        "parameters:\n  description: {values: [one point]}\n"
        "outputs: [final_share, date_target_reached, target_reached]\n",
        encoding="utf-8",
    )
    invoke("sweep", str(sweep), "--workers", "1", "--out", str(tmp_path / "sweep"))
    invoke("sweep-summary", str(tmp_path / "sweep"))
    with (tmp_path / "sweep" / SweepFiles.points_summary).open() as fh:
        (point,) = list(csv.DictReader(fh))

    report = tmp_path / "report.html"
    invoke("report", str(path), *common, "--no-attribution", "--out", str(report))
    html = report.read_text(encoding="utf-8")

    def iso(d: Any) -> str | None:
        return None if d in (None, "") else str(d)

    for q, key in (("p05", "p05"), ("median", "p50"), ("p95", "p95")):
        expected = iso(run_dates[q])
        for row in compared:
            assert iso(row[f"date_target_reached_{key}"]) == expected, q
        assert iso(point[f"date_target_reached_{key}"]) == expected, q
    for row in compared:
        assert float(row["prob_target_reached"]) == reached / n
        assert int(row["replicates_reaching"]) == reached
    assert float(point["target_reached_prob"]) == reached / n
    assert int(point["date_target_reached_count"]) == reached

    lang = Lang()
    day = {q: lang.day(dt.date.fromisoformat(run_dates[q])) for q in ("p05", "median")}
    cells = f"<td>{day['median']}</td><td>{day['p05']} – {lang.t('never')}</td>"
    assert f"{reached} / {n}" in html and cells in html
    assert lang.t("reached_on", date=day["median"], low=day["p05"], high=lang.t("never")) in html
