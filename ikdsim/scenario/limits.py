"""Upper bounds on everything that drives cost or memory, written once.

The schema, the YAML reader and the command line read these; docs/limits.md lists them (a test
checks that the page and this table agree). Each bound is far above any real Indonesian case and
low enough that a mistyped value is refused at validation instead of running for hours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str
    value: int | float
    why: str


# numpy's exact hypergeometric sampler (a visit or a day's service drawing people from the
# segments) is limited to urns under 10^9 people; Indonesia has about 2.8·10^8 inhabitants.
MAX_POPULATION = 10**9
MAX_HORIZON_DAYS = 50 * 366
MAX_TEAMS = 10_000
MAX_COUNTERS = 10_000
MAX_HOLIDAYS = 10_000
MAX_DESCRIPTION = 20_000
MAX_LIST_ITEMS = 1_000  # services, campaigns, channels, observations, districts, groups
MAX_SWEEP_POINTS = 100_000
MAX_REPLICATES = 100_000
MAX_SENSITIVITY_N = 2**16
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 40
MAX_YAML_NODES = 200_000  # after alias expansion: a "billion laughs" file stops here
PROPENSITY_SHAPE = (0.05, 1000.0)
MAX_GEOJSON_BYTES = 10 * MAX_FILE_BYTES
# Every replicate with uncertain inputs revalidates the scenario, map included: keep it light.
MAX_MAP_POSITIONS = 50_000

LIMITS: tuple[Limit, ...] = (
    Limit("population.total", MAX_POPULATION, "numpy's exact hypergeometric sampler works below 10^9 people"),
    Limit("horizon length (days)", MAX_HORIZON_DAYS, "50 years of daily steps"),
    Limit("teams of one outreach programme", MAX_TEAMS, "cost grows with visits"),
    Limit("counters of one service point", MAX_COUNTERS, "far above any office"),
    Limit("calendar holidays", MAX_HOLIDAYS, "one entry per day of the longest horizon is enough"),
    Limit("description (characters)", MAX_DESCRIPTION, "free text, shown in reports"),
    Limit("items in one list or table of the scenario", MAX_LIST_ITEMS, "cost grows with segments"),
    Limit("sweep points (sampler.n, grid size)", MAX_SWEEP_POINTS, "each point is a run per replicate"),
    Limit("replicates (files and --replicates)", MAX_REPLICATES, "each replicate is a run"),
    Limit("sensitivity --n", MAX_SENSITIVITY_N, "Sobol' runs are n·(d+2)"),
    Limit("scenario or sweep file size (bytes)", MAX_FILE_BYTES, "scenario files are a few KB"),
    Limit("YAML nesting depth", MAX_YAML_DEPTH, "the schema is at most about 6 deep"),
    Limit("YAML nodes after aliases", MAX_YAML_NODES, "refuses alias bombs before they grow"),
    Limit("district map GeoJSON file size (bytes)", MAX_GEOJSON_BYTES, "a city's kecamatan need far less"),
    Limit("district map positions (all rings)", MAX_MAP_POSITIONS, "a choropleth needs no survey precision"),
    Limit("adoption.propensity_classes.shape (lowest)", PROPENSITY_SHAPE[0], "classes stay exact"),
    Limit("adoption.propensity_classes.shape (highest)", PROPENSITY_SHAPE[1], "at 1000 the classes are 1 ± 3 %"),
)


def markdown_table() -> str:
    """The table docs/limits.md shows."""
    rows = ["| what | at most | why |", "|---|---|---|"]
    rows += [f"| {lim.name} | {lim.value:,} | {lim.why} |" for lim in LIMITS]
    return "\n".join(rows) + "\n"
