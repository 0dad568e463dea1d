"""The simulation model: segments, demand, services, campaigns, channels, queues, engine."""

from ikdsim.model.component import PHASES
from ikdsim.model.engine import plan, simulate
from ikdsim.model.results import Result

__all__ = ["PHASES", "Result", "plan", "simulate"]
