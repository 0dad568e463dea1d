"""Uncertain inputs: the distributions, their validation, and answers that integrate over them
while keeping common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import build, small_data
from scipy import stats
from typer.testing import CliRunner

from ikdsim.analysis.compare import compare
from ikdsim.analysis.uncertainty import evppi, first_order, input_share
from ikdsim.cli.app import app
from ikdsim.errors import InputError
from ikdsim.experiments.runner import RunTask, execute
from ikdsim.scenario import distributions, uncertain
from ikdsim.scenario.loader import dump_yaml

runner = CliRunner()

BLOCK: dict[str, Any] = {
    "conversion": {
        "fields": ["services.health.conversion"],
        "how": "multiply",
        "dist": "lognormal",
        "median": 1.0,
        "factor": 2.0,
        "low": 0.1,
        "high": 10,
        "source": "assumption",
    },
    "base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.01, "high": 0.06},
    "teams": {"fields": ["channels.outreach.team.teams"], "dist": "integers", "low": 0, "high": 4},
}


def with_block(block: dict[str, Any] | None = None) -> Any:
    data = small_data()
    data["uncertain"] = block if block is not None else BLOCK
    return build(data)


@pytest.mark.parametrize(
    ("spec", "reference"),
    [
        ({"dist": "uniform", "low": 2, "high": 5}, stats.uniform(2, 3)),
        ({"dist": "loguniform", "low": 0.01, "high": 1}, stats.loguniform(0.01, 1)),
        ({"dist": "normal", "mean": 1, "sd": 0.5}, stats.norm(1, 0.5)),
        ({"dist": "normal", "mean": 1, "sd": 0.5, "low": 0.5, "high": 2}, stats.truncnorm(-1, 2, loc=1, scale=0.5)),
        ({"dist": "lognormal", "median": 2, "factor": 3}, stats.lognorm(np.log(3) / stats.norm.ppf(0.95), scale=2)),
        ({"dist": "beta", "mean": 0.3, "sd": 0.1}, stats.beta(0.3 * 20, 0.7 * 20)),
        ({"dist": "triangular", "low": 1, "mode": 2, "high": 5}, stats.triang(0.25, loc=1, scale=4)),
    ],
)
def test_quantiles_match_scipy(spec: dict[str, Any], reference: Any) -> None:
    from pydantic import TypeAdapter

    unknown = TypeAdapter(distributions.Unknown).validate_python({"fields": ["x"], **spec})
    for u in (0.01, 0.1, 0.5, 0.9, 0.99):
        assert unknown.ppf(u) == pytest.approx(float(reference.ppf(u)), rel=1e-9)


def test_integers_are_uniform_over_their_range() -> None:
    from pydantic import TypeAdapter

    spec = {"fields": ["x"], "dist": "integers", "low": 3, "high": 6}
    unknown = TypeAdapter(distributions.Unknown).validate_python(spec)
    values = [unknown.ppf(u) for u in np.linspace(0, 1, 4000, endpoint=False)]
    assert sorted(set(values)) == [3, 4, 5, 6]
    assert all(abs(values.count(v) - 1000) <= 1 for v in (3, 4, 5, 6))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"fields": ["adoption.nope"], "dist": "uniform", "low": 0, "high": 1}, "unknown field 'adoption.nope'"),
        ({"fields": ["services.health.conversion"], "dist": "uniform", "low": 0, "high": 2}, "does not allow"),
        ({"fields": ["adoption.base_rate"], "dist": "beta", "mean": 0.5, "sd": 0.6}, "impossible for a beta"),
        ({"fields": ["adoption.base_rate"], "dist": "gamma", "mean": 1}, "dist"),
    ],
)
def test_bad_entries_are_located(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    data = small_data()
    data["uncertain"] = {"bad": entry}
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "uncertain.bad" in result.output and message in result.output
    import re

    text = path.read_text(encoding="utf-8")
    entry = text[: text.index("  bad:")].count("\n") + 1
    line = int(re.search(r"s\.yaml:(\d+): uncertain\.bad", result.output)[1])  # type: ignore[index]
    assert entry <= line <= entry + 8


def test_draws_depend_on_seed_and_replicate_only() -> None:
    scenario = with_block()
    a = [uncertain.draw(scenario, 5, r) for r in range(20)]
    b = [uncertain.draw(scenario, 5, r) for r in reversed(range(20))][::-1]
    assert a == b
    assert len({tuple(d.values()) for d in a}) == 20
    assert uncertain.draw(scenario, 6, 0) != a[0]


def test_applied_inputs_change_the_fields() -> None:
    scenario = with_block()
    fixed, inputs = uncertain.for_replicate(scenario, 5, 3)
    assert fixed.adoption.base_rate == inputs["base_rate"]
    assert fixed.services[0].conversion == pytest.approx(0.02 * inputs["conversion"])
    assert fixed.channels.outreach[0].teams == round(inputs["teams"])
    assert not fixed.uncertain


def test_zero_width_block_reproduces_the_fixed_answers() -> None:
    point = build(small_data())
    zero = with_block(
        {
            "base_rate": {"fields": ["adoption.base_rate"], "dist": "uniform", "low": 0.03, "high": 0.03},
            "conversion": {
                "fields": ["services.health.conversion"],
                "how": "multiply",
                "dist": "lognormal",
                "median": 1,
                "factor": 1,
            },
        }
    )
    for r in range(3):
        a, b = execute(RunTask(r, point, 11, r)), execute(RunTask(r, zero, 11, r))
        assert a.summary == b.summary


def test_compare_pairs_input_draws_and_chance() -> None:
    scenario = with_block()
    data = small_data()
    data["uncertain"] = BLOCK
    data["name"] = "more"
    data["adoption"]["word_of_mouth"] = 0.2
    result = compare([scenario, build(data)], replicates=8, seed=3)
    a, b = result.runs
    assert [r.inputs for r in a.records] == [r.inputs for r in b.records]
    row = result.outlook_rows()[1]
    assert row["prob_better_than_baseline"] == 1.0  # more word of mouth never loses in a paired draw
    same = compare([scenario, scenario], replicates=4, seed=3)
    assert same.outlook_rows()[1]["identical_to_baseline"]


def test_fixed_inputs_option_gives_chance_only(tmp_path: Path) -> None:
    data = small_data()
    data["uncertain"] = BLOCK
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    out = tmp_path / "u"
    assert (
        runner.invoke(app, ["run", str(path), "--replicates", "12", "--workers", "1", "--out", str(out)]).exit_code == 0
    )
    assert (out / "inputs.csv").is_file() and (out / "fan.csv").is_file()
    fixed = tmp_path / "f"
    result = runner.invoke(
        app, ["run", str(path), "--replicates", "12", "--fixed-inputs", "--workers", "1", "--out", str(fixed)]
    )
    assert result.exit_code == 0 and not (fixed / "inputs.csv").exists()
    again = tmp_path / "g"
    assert (
        runner.invoke(app, ["run", str(path), "--replicates", "12", "--workers", "2", "--out", str(again)]).exit_code
        == 0
    )
    for name in ("summary.json", "inputs.csv", "fan.csv", "daily.csv", "replicates.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_spread_split_against_known_cases() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(400, 2))
    assert input_share(3 * x[:, 0], x) == pytest.approx(1.0, abs=1e-9)  # no chance
    assert input_share(rng.normal(size=400), x) < 0.05  # no input effect
    mixed = x[:, 0] + rng.normal(scale=np.sqrt(1 / 12), size=400)  # half and half
    assert 0.35 < input_share(mixed, x) < 0.65
    first = first_order(3 * x[:, 0] + 0.3 * x[:, 1], x)
    assert first[0] > 0.8 and first[1] < 0.1


def test_evppi_theory() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(2000, 2))
    reached = (x[:, 0] > 0.5).astype(float)  # x0 decides everything, x1 nothing
    total, partial = evppi(reached, x)
    assert total == pytest.approx(0.5, abs=0.03)
    assert partial[0] == pytest.approx(total, abs=0.03) and partial[1] < 0.03


def test_posterior_draws_are_resampled_by_weight(tmp_path: Path) -> None:
    data = small_data()
    data["uncertain"] = {"base_rate": BLOCK["base_rate"]}
    data["posterior"] = "post.csv"
    (tmp_path / "post.csv").write_text("base_rate,weight\n0.02,0.0\n0.05,1.0\n", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    from ikdsim.scenario.loader import load_scenario

    scenario = load_scenario(path)
    assert {uncertain.draw(scenario, 1, r)["base_rate"] for r in range(30)} == {0.05}
    (tmp_path / "post.csv").write_text("base_rate,weight\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"post\.csv:2"):
        load_scenario(path)
