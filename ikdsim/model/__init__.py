"""The simulation model: segments, demand, services, service points, outreach, engine."""

from ikdsim.model.engine import PHASES, simulate
from ikdsim.model.results import Result

__all__ = ["PHASES", "Result", "simulate"]
