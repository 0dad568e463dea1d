"""Scenario files: schema, loading with located errors, overrides, bundled scenarios."""

from ikdsim.scenario.loader import load_scenario, scenario_sha256
from ikdsim.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario", "scenario_sha256"]
