"""Sensitivity analysis through the sweep machinery, on a case whose answer is known."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.experiments.sensitivity import sample

SWEEP = Path(__file__).parent / "data" / "sweep-sensitivity.yaml"
runner = CliRunner()


def indices(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    with (folder / "sensitivity.csv").open() as fh:
        return {(row["output"], row["parameter"]): row for row in csv.DictReader(fh)}


def test_sobol_indices_single_out_the_parameter_that_matters(tmp_path: Path) -> None:
    args = ["--method", "sobol", "-w", "1", "--out", str(tmp_path / "s")]
    result = runner.invoke(app, ["sensitivity", str(SWEEP), *args])
    assert result.exit_code == 0, result.output
    found = indices(tmp_path / "s")
    rate, patience = found[("final_share", "adoption.base_rate")], found[("final_share", "adoption.patience_days")]
    # Common random numbers make the runs that differ only in patience identical: exactly zero.
    assert float(patience["S1"]) == 0.0 and float(patience["ST"]) == 0.0
    assert float(rate["ST"]) == pytest.approx(1.0, abs=0.1)
    assert float(rate["S1"]) == pytest.approx(1.0, abs=0.25)
    assert float(rate["S1_conf"]) > 0
    # Nobody ever gives up: a constant output is reported, not analysed.
    assert float(found[("gave_up", "adoption.base_rate")]["ST"]) == 0.0
    text = " ".join(result.output.split())
    assert "same value in every sample" in text
    assert "small for stable Sobol' indices" in text  # n = 16
    assert "first order S1" in text
    # 16 × (2 + 2) samples, one replicate each, through the sweep storage.
    assert (tmp_path / "s" / "runs.parquet").exists()
    assert len((tmp_path / "s" / "points.csv").read_text().splitlines()) == 1 + 64


def test_morris_screening_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "m"
    args = ["sensitivity", str(SWEEP), "--method", "morris", "--n", "6", "-w", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = indices(out)
    assert float(found[("final_share", "adoption.patience_days")]["mu_star"]) == 0.0
    assert float(found[("final_share", "adoption.base_rate")]["mu_star"]) > 0.01
    # An earlier date is a smaller number of days: a higher rate reaches the target sooner.
    assert float(found[("date_target_reached", "adoption.base_rate")]["mu"]) < 0
    first = (out / "sensitivity.csv").read_bytes()
    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 0, again.output
    assert (out / "sensitivity.csv").read_bytes() == first


def test_sobol_sample_size_must_be_a_power_of_two(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sensitivity", str(SWEEP), "--n", "20", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "power of 2" in result.output and "16 or 32" in result.output
    assert runner.invoke(app, ["sensitivity", str(SWEEP), "--method", "fast"]).exit_code == 2
    with pytest.raises(InputError, match="at least 2 trajectories"):
        sample("morris", ["a"], 1, seed=1)
