"""PRIM scenario discovery: a planted box is found, the trajectory is monotone, the CLI explains."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from conftest import build, small_data
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ikdsim.analysis.discovery import choose, prim, simplify
from ikdsim.cli.app import app
from ikdsim.scenario.loader import dump_yaml

runner = CliRunner()


def planted(n: int = 2000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(seed).random((n, 3))
    return x, (x[:, 0] > 0.7) & (x[:, 1] < 0.4)


def test_finds_a_planted_box_and_only_its_inputs() -> None:
    x, y = planted()
    trajectory = prim(x, y)
    box = simplify(choose(trajectory), trajectory[0], x, y)
    assert box.restricted(trajectory[0]) == [0, 1]
    assert abs(box.low[0] - 0.7) < 0.05 and abs(box.high[1] - 0.4) < 0.05
    assert box.density > 0.9 and box.coverage > 0.8
    # The case rate is 0.3 × 0.4 = 12 %: the box concentrates it.
    assert abs(trajectory[0].density - y.mean()) < 1e-12 and trajectory[0].coverage == 1.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.02, 0.2))
def test_peeling_only_shrinks_boxes(seed: int, alpha: float) -> None:
    x, y = planted(300, seed)
    trajectory = prim(x, y, alpha=alpha)
    masses = [b.mass for b in trajectory]
    coverages = [b.coverage for b in trajectory]
    assert masses == sorted(masses, reverse=True) and coverages == sorted(coverages, reverse=True)
    assert trajectory[-1].mass >= 0.05 - 1e-12 or len(trajectory) == 1
    for box in trajectory:
        assert all(lo <= hi for lo, hi in zip(box.low, box.high, strict=True))


def test_cli_finds_the_unknown_that_decides(tmp_path: Path) -> None:
    data = small_data()
    data["uncertain"] = {
        "base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.01, "high": 0.6},
        "patience": {"fields": ["adoption.patience_days"], "dist": "uniform", "low": 20, "high": 40},
    }
    path = tmp_path / "city.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    scenario = build(data)
    out = tmp_path / "d"
    res = runner.invoke(app, ["discover", str(path), "--replicates", "60", "--above", "0.3", "--out", str(out),
                              "--workers", "1"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "discovery.json").read_text())
    assert 0 < summary["cases"] < 60
    assert summary["box"]["restricted"] == ["base_rate"] and summary["box"]["density"] > 0.9
    assert "base_rate" in res.output and (out / "trajectory.csv").is_file()
    assert scenario.uncertain  # the block validated


def test_cli_without_cases_says_what_to_try(tmp_path: Path) -> None:
    data = small_data()
    data["uncertain"] = {"base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.01, "high": 0.02}}
    path = tmp_path / "city.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    res = runner.invoke(app, ["discover", str(path), "--replicates", "20", "--above", "0.99", "--out",
                              str(tmp_path / "d"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "0 of 20" in res.output and "--above" in res.output
