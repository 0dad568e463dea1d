"""Every bundled scenario validates, runs, and labels each number with a source or assumption."""

from __future__ import annotations

import re

import pytest

import ikdsim
from ikdsim.scenario.bundled import DEFAULT_SCENARIO, bundled

NAMES = sorted(bundled())
NUMBER_LINE = re.compile(r"^\s*-?\s*[\w.\-]+:\s*(-?[\d.]+(e-?\d+)?|\d{4}-\d{2}-\d{2})\s*(#.*)?$")
LABEL = re.compile(r"source|\[derived\]|http|assumption", re.IGNORECASE)


def test_the_default_and_the_history_are_bundled() -> None:
    assert DEFAULT_SCENARIO in NAMES
    assert "balikpapan-history" in NAMES
    assert len(NAMES) >= 4


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_runs_and_conserves_people(name: str) -> None:
    scenario = ikdsim.load_scenario(name)
    assert scenario.name == name
    assert scenario.description.strip()
    result = ikdsim.simulate(scenario, check=True)
    share = result.daily["activated_share"]
    assert (share[1:] >= share[:-1]).all()
    assert 0 < share[-1] < 1


@pytest.mark.parametrize("name", NAMES)
def test_every_number_has_a_source_or_says_assumption(name: str) -> None:
    unlabelled = []
    for number, line in enumerate(bundled()[name].read_text().splitlines(), 1):
        if NUMBER_LINE.match(line) and not LABEL.search(line.split("#", 1)[1] if "#" in line else ""):
            unlabelled.append(f"{number}: {line.strip()}")
    assert not unlabelled, "numbers without a source or 'assumption':\n" + "\n".join(unlabelled)


def test_history_passes_near_the_observations() -> None:
    scenario = ikdsim.load_scenario("balikpapan-history")
    result = ikdsim.simulate(scenario)
    for obs in scenario.observations:
        observed = obs.activated if obs.activated is not None else (obs.share or 0) * scenario.population.total
        simulated = result.daily["activated"][(obs.date - scenario.horizon.start).days]
        assert abs(simulated - observed) / observed < 0.1, (obs.date, simulated, observed)


def test_default_falls_short_and_a_variant_does_better() -> None:
    default = ikdsim.simulate(ikdsim.load_scenario(DEFAULT_SCENARIO)).summary
    variants = [ikdsim.simulate(ikdsim.load_scenario(n)).summary for n in NAMES if n.startswith(DEFAULT_SCENARIO + "-")]
    assert not default["target_reached"]
    assert max(v["final_share"] for v in variants) > default["final_share"] + 0.02
