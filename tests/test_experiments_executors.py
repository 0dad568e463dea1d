"""Engines: the same sweep gives the same bytes in this process, on 2 processes and on Dask."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.experiments.design import build_design
from ikdsim.experiments.driver import run_sweep
from ikdsim.experiments.executors import open_engine
from ikdsim.experiments.sweep import load_sweep

SWEEP = Path(__file__).parent / "data" / "sweep.yaml"
runner = CliRunner()


def test_tables_identical_across_engines(tmp_path: Path) -> None:
    spec, doc = load_sweep(SWEEP)
    design = build_design(spec, doc, SWEEP)
    outs = {}
    for label, kwargs in {
        "here": {"workers": 1},
        "pool": {"workers": 2},
        "dask": {"workers": 2, "dask": True, "processes": False},
    }.items():
        with open_engine(**kwargs) as engine:  # type: ignore[arg-type]
            # Small chunks and batches: many completion orders, many files; the table must not care.
            run_sweep(design, tmp_path / label, engine, save_paths=True, flush_runs=2, flush_seconds=0)
        outs[label] = tmp_path / label
    for name in ("runs.parquet", "paths.parquet", "points.csv"):
        reference = (outs["here"] / name).read_bytes()
        assert (outs["pool"] / name).read_bytes() == reference, name
        assert (outs["dask"] / name).read_bytes() == reference, name
    assert len(list((outs["pool"] / "chunks").glob("part-*.parquet"))) > 1


def test_unreachable_scheduler_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    started = time.monotonic()
    args = ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"]
    result = runner.invoke(app, ["sweep", str(SWEEP), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler" in result.output and "tcp://127.0.0.1:9" in result.output
    assert time.monotonic() - started < 10
    assert not (tmp_path / "o").exists()


def test_engine_options_are_checked() -> None:
    with pytest.raises(InputError, match="not both"), open_engine(2, dask=True, scheduler="tcp://h:1"):
        pass
    with pytest.raises(InputError, match="at least 1"), open_engine(0):
        pass
    with pytest.raises(InputError, match="expected an address"), open_engine(scheduler="nohost"):
        pass
