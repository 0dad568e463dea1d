"""Scenario variants for analyses: a scenario with `PATH=VALUE` changes, validated like a file.

(The container and runner for many runs are in `ikdsim.experiments.replicates`.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ikdsim.scenario.loader import Document, apply_overrides, scenario_to_data, validate
from ikdsim.scenario.schema import Scenario


def with_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with `PATH=VALUE` changes applied and validated like a file."""
    if not overrides:
        return scenario
    doc = Document(scenario_to_data(scenario), {(): 1}, scenario.name)
    changed: Scenario = validate(apply_overrides(doc, overrides))
    return changed
