"""The files of every output folder, named once: writers and readers go through these classes.

`RunFiles.daily` is the file's name ("daily.csv"); `RunFiles(folder).daily` is its path in a
folder. A reader that recognises a folder by its files (`ikdsim plot`, the sweep summary) asks the
same class the writer used, so a renamed file cannot leave a reader looking for the old name.
docs/reference/outputs.md describes what each file holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from ikdsim.scenario.schema import Scenario


class File:
    """One file of a folder kind: its name on the class, its path on an instance."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, folder: None, owner: type[Any]) -> str: ...

    @overload
    def __get__(self, folder: Files, owner: type[Any]) -> Path: ...

    def __get__(self, folder: Files | None, owner: type[Any]) -> str | Path:
        return self.name if folder is None else folder.root / self.name


class Files:
    """A folder of one kind, bound to where it is."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def names(cls) -> list[str]:
        """Every file this kind of folder may hold, in the order the class lists them."""
        return [v.name for c in reversed(cls.__mro__) for v in vars(c).values() if isinstance(v, File)]


class ResultFiles(Files):
    """What every folder of results records: the scenario exactly as it ran, `extends:` resolved."""

    scenario = File("scenario.resolved.yaml")

    def write_scenario(self, scenario: Scenario) -> None:
        from ikdsim.scenario.loader import dump_yaml, scenario_to_data

        self.scenario.write_text(dump_yaml(scenario_to_data(scenario)), encoding="utf-8")


class RunFiles(ResultFiles):
    """`ikdsim run`: one run at point values."""

    daily = File("daily.csv")
    districts = File("districts.csv")
    summary = File("summary.json")


class ReplicateFiles(ResultFiles):
    """`ikdsim run --replicates`: bands over the futures, one row per replicate, drawn inputs."""

    daily = File("daily.csv")  # same name as a run's: `plot` tells them apart by its columns
    replicates = File("replicates.csv")
    summary = File("summary.json")
    inputs = File("inputs.csv")
    fan = File("fan.csv")


class CompareFiles(ResultFiles):
    """`ikdsim compare`."""

    comparison = File("comparison.csv")
    scenarios = File("scenarios.csv")
    replicates = File("replicates.csv")
    paths = File("paths.csv")
    outlook = File("outlook.csv")
    summary = File("compare.json")
    plot = File("compare.png")


class AttributeFiles(Files):
    """`ikdsim attribute`."""

    attribution = File("attribution.csv")
    months = File("months.csv")
    plot = File("attribution.png")


class SolveFiles(Files):
    """`ikdsim solve`."""

    curve = File("solve.csv")
    summary = File("solve.json")
    plot = File("probability.png")


class CalibrationFiles(Files):
    """`ikdsim calibrate`, Bayesian (posterior, predictive) or point (fit, evaluations, profile)."""

    # scenario.calibrated.yaml refers to the draws by this name, relative to itself.
    posterior = File("posterior.csv")
    calibrated = File("scenario.calibrated.yaml")
    summary = File("calibration.json")
    predictive = File("predictive.csv")
    fit = File("fit.csv")
    evaluations = File("evaluations.csv")
    profile = File("profile.csv")
    plot = File("fit.png")


class DiscoverFiles(Files):
    """`ikdsim discover`."""

    summary = File("discovery.json")
    inputs = File("inputs.csv")
    trajectory = File("trajectory.csv")


class SweepFiles(ResultFiles):
    """`ikdsim sweep` and `ikdsim sensitivity`: chunks while running, tables when consolidated."""

    manifest = File("manifest.json")
    design = File("sweep.yaml")
    points = File("points.csv")
    runs = File("runs.parquet")
    paths = File("paths.parquet")
    points_summary = File("points_summary.csv")
    target_points = File("target_points.csv")
    sensitivity = File("sensitivity.csv")
    plot = File("sweep.png")
