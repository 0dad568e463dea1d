"""Hostile and careless scenario files: each is refused at validation with exit 2 and a located
message (file:line, field, what is allowed), in well under a second, never a traceback or a hang."""

from __future__ import annotations

import itertools
import os
import re
import resource
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ikdsim.cli.app import app
from ikdsim.model.population import propensity_multipliers
from ikdsim.scenario import limits

DATA = Path(__file__).parent / "data"
SMALL_TEXT = (DATA / "small.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def refused(tmp_path: Path, text: str, *expected: str, command: str = "validate") -> str:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = runner.invoke(app, [command, str(path)] + (["--out", str(tmp_path / "o")] if command == "run" else []))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)
    assert elapsed < 5
    for word in expected:
        assert word in result.output, result.output
    assert not (tmp_path / "o").exists()
    return result.output


def edit(old: str, new: str) -> str:
    assert old in SMALL_TEXT, old
    return SMALL_TEXT.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    out = refused(tmp_path, BILLION_LAUGHS, "aliases")
    # Unbounded, this file ran for minutes and grew to gigabytes; refused it takes well under a
    # second on an idle machine. 5 s (the bound) keeps a loaded CI machine from failing it.
    assert time.perf_counter() - started < 5.0
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, out


def test_billion_laughs_through_set(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(DATA / "small.yaml"),
            "--set",
            "description=" + "[" + ",".join(["&a [1,1,1,1,1,1,1,1,1,1]"] + ["*a"] * 5) + "]",
        ],
    )
    assert result.exit_code == 2


@pytest.mark.parametrize("depth", [100, 3000])
def test_deep_nesting_is_refused(tmp_path: Path, depth: int) -> None:
    refused(tmp_path, "a: " + "[" * depth + "]" * depth + "\n", "nested more than")


def test_merge_keys_are_refused_with_a_line(tmp_path: Path) -> None:
    text = edit("adoption:\n", "defaults: &d {patience_days: 30}\nadoption:\n  <<: *d\n")
    refused(tmp_path, text, f"s.yaml:{line_of(text, '<<')}", "merge keys")


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}", "!!python/object:os.system x"])
def test_tags_are_refused(tmp_path: Path, tag: str) -> None:
    refused(tmp_path, edit("description: A small scenario for tests", f"description: {tag}"), "s.yaml:2", "tag")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("base_rate: 0.03", "base_rate: .inf", "adoption.base_rate"),
        ("word_of_mouth: 0.1", "word_of_mouth: .nan", "adoption.word_of_mouth"),
        ("encounters_per_year: 3", "encounters_per_year: .inf", "services[0].encounters_per_year"),
        ("multiplier: 2.0", "multiplier: .inf", "campaigns[0].multiplier"),
    ],
)
def test_non_finite_numbers_are_refused(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = edit(old, new)
    refused(tmp_path, text, f"s.yaml:{line_of(text, new)}", field, "finite")


@pytest.mark.parametrize("channels", ["channels: {}\n", "channels:\n  service_points: []\n"])
def test_a_city_no_point_serves_is_refused(tmp_path: Path, channels: str) -> None:
    text = SMALL_TEXT[: SMALL_TEXT.index("channels:")] + channels
    refused(tmp_path, text, "channels.service_points", "at least one point")


def test_boolean_population_is_refused(tmp_path: Path) -> None:
    text = edit("total: 100000", "total: true")
    refused(tmp_path, text, f"s.yaml:{line_of(text, 'total: true')}", "population.total", "whole number")


def test_population_above_the_bound_names_the_bound(tmp_path: Path) -> None:
    refused(tmp_path, edit("total: 100000", "total: 10000000000"), "population.total", "1000000000")
    refused(tmp_path, edit("total: 100000", "total: 1e10"), "population.total", "whole numbers")


def test_population_at_the_bound_runs(tmp_path: Path) -> None:
    text = edit("total: 100000", f"total: {limits.MAX_POPULATION}").replace(
        "initial_activated: 7000", "initial_activated: 0"
    )
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "run",
            str(path),
            "--set",
            "horizon.end=2026-01-31",
            "--set",
            "target.by=2026-01-31",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("shape", [".inf", "1e-300", "1e20", "1e9", "0"])
def test_propensity_shape_outside_the_range(tmp_path: Path, shape: str) -> None:
    refused(tmp_path, edit("shape: 2.0", f"shape: {shape}"), "propensity_classes.shape")


@settings(max_examples=40, deadline=None)
@given(shape=st.floats(*limits.PROPENSITY_SHAPE), count=st.integers(2, 20))
def test_propensity_classes_match_gamma_quantiles(shape: float, count: int) -> None:
    from scipy import stats

    multipliers = propensity_multipliers(count, shape)
    x = stats.gamma(shape, scale=1 / shape)
    # Class k holds the people between quantiles k/K and (k+1)/K; its multiplier is their mean.
    edges = [x.ppf(k / count) for k in range(count + 1)]
    for k, m in enumerate(multipliers):
        assert edges[k] - 1e-6 <= m <= edges[k + 1] + 1e-6
    assert abs(multipliers.mean() - 1.0) < 1e-9
    assert all(a < b for a, b in itertools.pairwise(multipliers))


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "hours_per_day: 2, opens: 2026-03-01}",
            "hours_per_day: 2, opens: 2026-03-01, closes: 2026-02-01}",
            ["closes", "before opens"],
        ),
        ("teams: 2", "teams: 1000000", ["teams", "10000"]),
        ("end: 2026-12-31}", "end: 9999-12-31}", ["horizon", "at most"]),
    ],
)
def test_silent_nonsense_and_sizes(tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    refused(tmp_path, edit(old, new), *words)


def test_outreach_end_before_start(tmp_path: Path) -> None:
    refused(
        tmp_path, edit("teams: 2", "teams: 2\n      start: 2026-06-01\n      end: 2026-05-01"), "end", "before start"
    )


def test_impossible_date_has_line_field_and_format(tmp_path: Path) -> None:
    text = edit("end: 2026-12-31}", "end: 2026-13-31}")
    out = refused(tmp_path, text, f"s.yaml:{line_of(text, '2026-13-31')}", "horizon.end", "YYYY-MM-DD")
    assert "Traceback" not in out


def test_huge_description_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, edit("A small scenario for tests", "x" * (limits.MAX_DESCRIPTION + 1)), "description")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    refused(tmp_path, SMALL_TEXT + "#" * limits.MAX_FILE_BYTES, "at most")


def test_non_regular_files_are_refused(tmp_path: Path) -> None:
    for special in (Path("/dev/zero"), Path("/dev/null")):
        result = runner.invoke(app, ["validate", str(special)])
        assert result.exit_code == 2 and "regular file" in result.output
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    result = runner.invoke(app, ["validate", str(fifo)])
    assert result.exit_code == 2 and "regular file" in result.output
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("n", ["n: 1000000000", "n: 10000000"])
def test_sweep_sizes_are_bounded(tmp_path: Path, n: str) -> None:
    (tmp_path / "sweep-base.yaml").write_text((DATA / "sweep-base.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (DATA / "sweep.yaml").read_text(encoding="utf-8").replace("n: 6", n)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "sampler.n" in result.output and f"{limits.MAX_SWEEP_POINTS}" in result.output
    path.write_text((DATA / "sweep.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["sensitivity", str(path), "--n", "1073741824", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--n" in result.output
    assert not (tmp_path / "o").exists()


def test_replicates_are_bounded(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", str(DATA / "small.yaml"), "--replicates", "1000000000", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "--replicates" in result.output
    assert not (tmp_path / "o").exists()


def test_limits_page_lists_every_bound() -> None:
    page = (Path(__file__).parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
    assert limits.markdown_table() in page
    for limit in limits.LIMITS:
        assert re.search(re.escape(f"{limit.value:,}"), page)
