"""ikdsim: an event-driven simulator of digital-ID (IKD) adoption under policy levers.

Public API::

    scenario = ikdsim.load_scenario("balikpapan-2026")     # bundled name or a path
    result = ikdsim.simulate(scenario, seed=1)
    result.summary["final_share"], result.daily["activated_share"]
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from ikdsim.scenario import Scenario, load_scenario

try:
    __version__ = version("ikdsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from ikdsim.model.engine import simulate as simulate
    from ikdsim.model.results import Result as Result

__all__ = ["Result", "Scenario", "__version__", "load_scenario", "simulate"]


def __getattr__(name: str) -> Any:
    # The model pulls in simpy and numpy; keep `import ikdsim` light for schema-only users.
    if name == "simulate":
        from ikdsim.model.engine import simulate

        return simulate
    if name == "Result":
        from ikdsim.model.results import Result

        return Result
    raise AttributeError(f"module 'ikdsim' has no attribute {name!r}")
