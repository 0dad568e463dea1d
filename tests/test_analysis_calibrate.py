"""calibrate: recovery of known parameters from data the model made, national figures, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ikdsim.analysis.calibrate import CalibrationError, calibrate
from ikdsim.analysis.fit_parameters import parse_fit
from ikdsim.analysis.observations import Observed, read_csv
from ikdsim.analysis.scenario_file import edited_text
from ikdsim.errors import InputError
from ikdsim.model.engine import simulate
from ikdsim.scenario.loader import Document, load_scenario, parse_yaml, scenario_to_data, validate
from ikdsim.scenario.schema import Scenario

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
NATIONAL = DATA / "obs_national.csv"


def tiny(base_rate: float, conversion: float) -> Scenario:
    """Five months, one district, two groups, one service integrated on 1 March: 4 segments."""
    data: dict[str, Any] = {
        "name": "tiny", "seed": 1,
        "horizon": {"start": "2026-01-01", "end": "2026-05-31"},
        "target": {"share": 0.2, "by": "2026-05-31"},
        "population": {
            "total": 20_000, "initial_activated": 1_000, "districts": {"a": 1.0},
            "groups": {"young": {"share": 0.5, "smartphone": 0.9}, "old": {"share": 0.5, "smartphone": 0.6}},
        },
        "adoption": {"base_rate": base_rate, "patience_days": 20},
        "services": [{"name": "health", "users": {"young": 0.8, "old": 0.9}, "encounters_per_year": 4,
                      "conversion": conversion, "integrated_from": "2026-03-01"}],
        "channels": {
            "service_points": [{"name": "office", "counters": 2, "hours_per_day": 7, "minutes_per_activation": 10}],
            "outreach": [{"name": "team", "teams": 1, "capacity_per_event": 50, "on_site_conversion": 0.3,
                          "venues": {"v": {"reach": 100}}}],
        },
    }
    scenario: Scenario = validate(Document(data, {}, "tiny"))
    return scenario


def synthetic(truth: Scenario, dates: list[dt.date], seed: int = 999) -> list[Observed]:
    """What an office would have counted if the model were the truth: one future, another seed."""
    path = simulate(truth, seed=seed).daily["activated"]
    start = truth.horizon.start
    return [Observed(d, int(path[(d - start).days]), truth.population.total, "synthetic") for d in dates]


def test_recovers_two_known_parameters_within_their_intervals() -> None:
    truth = {"adoption.base_rate": 0.3, "services.health.conversion": 0.05}
    observed = synthetic(tiny(0.3, 0.05), [dt.date(2026, 2, 15), dt.date(2026, 4, 15), dt.date(2026, 5, 31)])
    # A 1 % tolerance of each range keeps the test quick; the profile works at that scale anyway.
    result = calibrate(tiny(0.2, 0.03), list(truth), observed, replicates=3, xtol=0.01)
    assert result.message  # converged
    for fit in result.fits:
        value = truth[fit.parameter.path]
        assert fit.contains(value), (fit.parameter.path, fit.low, fit.estimate, fit.high)
        assert not (fit.low_at_bound or fit.high_at_bound)
        # An interval that says something: well inside the search range.
        assert fit.high - fit.low < 0.6 * (fit.parameter.high - fit.parameter.low)
        assert fit.estimate == pytest.approx(value, rel=0.3)
    assert result.dispersion["phi"] >= 1
    calibrated = result.calibrated()
    assert calibrated.adoption.base_rate == result.fits[0].estimate
    assert {r["date"] for r in result.fit_rows()} == {"2026-02-15", "2026-04-15", "2026-05-31"}


def test_one_parameter_fit_is_sharper_than_its_starting_guess() -> None:
    observed = synthetic(tiny(0.25, 0.05), [dt.date(2026, 3, 1), dt.date(2026, 5, 31)])
    result = calibrate(tiny(0.1, 0.05), ["adoption.base_rate=0.05:0.6"], observed, replicates=2)
    (fit,) = result.fits
    assert fit.contains(0.25) and not fit.contains(0.1)
    assert (fit.parameter.low, fit.parameter.high, fit.parameter.start) == (0.05, 0.6, 0.1)
    # The profile was traced on both sides of the optimum, crossing the threshold each time.
    values = [p["value"] for p in result.profile]
    assert min(values) < fit.estimate < max(values)
    assert any(not p["inside"] for p in result.profile if p["value"] < fit.estimate)
    assert any(not p["inside"] for p in result.profile if p["value"] > fit.estimate)


def test_national_figures() -> None:
    """A constant hazard fitted to Dukcapil's national counts (docs/assumptions.md#national-counts).

    What this shows: with unlimited counters, one constant yearly hazard reproduces the national
    path within a few per cent, at about 0.03 a year among all wajib KTP not yet activated, as
    docs/assumptions.md derives by hand. What it does not show: anything about Balikpapan, or that the
    hazard is constant. The Dec 2023 figure sits above a straight line (a year-end push), and
    the fit says so through a Pearson dispersion far above 1, which widens the interval.
    """
    national = validate(Document({
        "name": "indonesia", "seed": 7,
        "horizon": {"start": "2023-02-01", "end": "2025-03-31"},
        "target": {"share": 0.3, "by": "2025-03-31"},
        "population": {
            "total": 204_971_858, "initial_activated": 1_000_000, "districts": {"indonesia": 1.0},
            # 67.3 % of individuals own a mobile phone (BPS 2023, docs/assumptions.md#population-and-phones);
            # assumption: all can run the app.
            "groups": {"wajib_ktp": {"share": 1.0, "smartphone": 0.673}},
        },
        "adoption": {"base_rate": 0.03, "patience_days": None},
        "channels": {"service_points": [{"name": "all-offices", "daily_capacity": 100_000_000,
                                         "open_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}]},
    }, {}, "national"))
    observed = read_csv(NATIONAL, national)
    result = calibrate(national, ["adoption.base_rate"], observed, replicates=2)
    (fit,) = result.fits
    assert len(result.skipped) == 1  # Feb 2023 is the starting value
    hazard_all = fit.estimate * 0.673
    assert 0.025 < hazard_all < 0.04
    assert fit.low < fit.estimate < fit.high and not (fit.low_at_bound or fit.high_at_bound)
    for row in result.fit_rows():
        assert abs(row["relative_error"]) < 0.06, row
    assert result.dispersion["pearson"] > 100


def test_a_fit_that_does_not_converge_says_what_was_tried() -> None:
    observed = synthetic(tiny(0.3, 0.05), [dt.date(2026, 4, 1)])
    with pytest.raises(CalibrationError) as info:
        calibrate(tiny(0.2, 0.05), ["adoption.base_rate=0.01:0.9"], observed, replicates=1, max_evals=3)
    text = str(info.value)
    assert isinstance(info.value, InputError)
    for part in ("did not converge", "bounded Brent", "from 0.2 within 0.01:0.9", "3 evaluations (limit 3)",
                 "--max-evals"):
        assert part in text
    with pytest.raises(CalibrationError, match="Nelder-Mead"):
        calibrate(tiny(0.2, 0.03), ["adoption.base_rate", "services.health.conversion"], observed,
                  replicates=1, max_evals=4)


@pytest.mark.parametrize(
    ("fit", "message"),
    [
        ("channels.outreach.team.teams", "is an integer; calibrate fits continuous numbers"),
        ("services.health.integrated_from", "is a date"),
        ("adoption.word_of_mouth_scope", "text choice"),
        ("adoption.base_rate=0.5:0.1", "is empty; LOW must be below HIGH"),
        ("adoption.base_rate=a:b", "expected PATH=LOW:HIGH"),
        ("services.health.conversion=0:2", "must stay within 0 to 1"),
        ("adoption.nope", "unknown field"),
    ],
)
def test_bad_fit_parameters(fit: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_fit(load_scenario(SMALL), fit)


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("date,activated\n2027-01-05,100\n", r"obs.csv:2: date 2027-01-05 is outside the horizon"),
        ("date,activated\n2026-03-01,200000\n", r"obs.csv:2: activated 200000 is above population.total \(100000\)"),
        ("date,share\n2026-03-01,0.1\n2026-04-01,1.5\n", r"obs.csv:3: share 1.5 must be between 0 and 1"),
        ("date,share\n2026-03-01,x\n", r"obs.csv:2: share 'x' is not a number"),
        ("date,activated,share\n2026-03-01,5,0.1\n", "give exactly one of activated or share"),
        ("date,activated\n03/01/2026,5\n", "is not a date"),
        ("when,count\n2026-03-01,5\n", r"obs.csv:1: expected a header"),
        ("date,activated\n", "no observations"),
    ],
)
def test_bad_observation_files(tmp_path: Path, csv_text: str, message: str) -> None:
    path = tmp_path / "obs.csv"
    path.write_text(csv_text)
    with pytest.raises(InputError, match=message):
        read_csv(path, load_scenario(SMALL))


def test_observations_must_say_something() -> None:
    no_obs = load_scenario(SMALL, ["observations=[]"])
    with pytest.raises(InputError, match="no observations to calibrate on"):
        calibrate(no_obs, ["adoption.base_rate"])
    # small.yaml's only observation is on its first day: the starting value, nothing to fit.
    with pytest.raises(InputError, match="no observations after the first day"):
        calibrate(load_scenario(SMALL), ["adoption.base_rate"])
    with pytest.raises(InputError, match="given twice"):
        calibrate(load_scenario(SMALL), ["adoption.base_rate", "adoption.base_rate=0:1"])


def test_calibrated_file_keeps_comments_and_reads_back(tmp_path: Path) -> None:
    source = tmp_path / "history.yaml"
    source.write_text(SMALL.read_text().replace("base_rate: 0.03", "base_rate: 0.03  # assumption: a guess"))
    original = load_scenario(source)
    data = scenario_to_data(original)
    data["adoption"]["base_rate"] = 0.0412
    changed = validate(Document(data, {}, "x"))
    text = edited_text(source, changed, {"adoption.base_rate": (0.0412, "calibrated")})
    assert "base_rate: 0.0412  # calibrated; was 0.03 (assumption: a guess)" in text
    assert text.count("\n") == source.read_text().count("\n")
    assert validate(parse_yaml(text, "back")).adoption.base_rate == 0.0412
    # A value the file does not hold on a line of its own: the whole scenario is written instead.
    data["adoption"]["word_of_mouth_scope"] = "district"
    other = validate(Document(data, {}, "x"))
    dumped = edited_text(source, other, {"adoption.word_of_mouth_scope": (0.0, "calibrated")})
    assert dumped.startswith("# Written by ikdsim calibrate")
    assert validate(parse_yaml(dumped, "back")).adoption.word_of_mouth_scope == "district"


def test_a_default_range_widens_when_the_optimum_sits_at_its_end() -> None:
    # From a start of 0.05 the default range is 0 to 0.2 (4 × the start); the truth is 0.25.
    observed = synthetic(tiny(0.25, 0.05), [dt.date(2026, 3, 1), dt.date(2026, 5, 31)])
    said: list[str] = []
    result = calibrate(tiny(0.05, 0.05), ["adoption.base_rate"], observed, replicates=2, profile=False,
                       on_stage=said.append)
    (fit,) = result.fits
    assert fit.parameter.high > 0.2 and not fit.at_bound
    assert fit.estimate == pytest.approx(0.25, rel=0.15)
    assert any("searching again" in line for line in said)


def test_a_range_given_by_the_user_is_not_widened() -> None:
    observed = synthetic(tiny(0.25, 0.05), [dt.date(2026, 3, 1), dt.date(2026, 5, 31)])
    result = calibrate(tiny(0.05, 0.05), ["adoption.base_rate=0.01:0.2"], observed, replicates=2, profile=False)
    (fit,) = result.fits
    assert fit.parameter.high == 0.2 and fit.at_bound
