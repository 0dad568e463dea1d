"""Option and argument types shared by the commands, each defined once.

Two families keep their own help text because `--help` output is documented and compared:
the policy commands (compare, attribute, solve, calibrate, report) and the sweep commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ikdsim.scenario.schema import SEED_MAX

ScenariosArg = Annotated[list[str], typer.Argument(help="Scenario files or bundled names; the first is the baseline.")]
ScenarioArg = Annotated[str, typer.Argument(help="Scenario file or bundled name.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a field in every scenario: PATH=VALUE (repeatable)."),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(min=0, max=SEED_MAX, help="Root seed for all scenarios, 0 to 2^63-1 (default: the first one's)."),
]
OutOpt = Annotated[Path | None, typer.Option(help="Output folder (default: results/<scenario>-<command>).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output.")]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", "-w", help="Worker processes (default: the number of cores).")
]
DaskOpt = Annotated[bool, typer.Option("--dask", help="Run on a Dask LocalCluster (pip install 'ikdsim[dask]').")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")]
CandidateOpt = Annotated[
    list[str] | None,
    typer.Option("--candidate", help="A change not in the scenario yet, PATH=VALUE, valued alike (repeatable)."),
]
PlotOpt = Annotated[bool, typer.Option("--plot", help="Also write PNG plots into the output folder.")]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the summary as JSON on stdout instead of tables (other lines: stderr).")
]

# -- sweep and sensitivity -----------------------------------------------------------------

SweepDaskOpt = Annotated[
    bool, typer.Option("--dask", help="Run on a Dask LocalCluster started here (pip install 'ikdsim[dask]').")
]
SweepSchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help="Run on a Dask cluster: scheduler address, e.g. tcp://host:8786.")
]
TimeoutOpt = Annotated[float, typer.Option("--connect-timeout", help="Seconds to wait for --scheduler.")]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue an interrupted run in --out; finished runs are skipped.")
]
FolderForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output folder.")]
ChunkRunsOpt = Annotated[
    int, typer.Option("--chunk-runs", min=1, help="Store finished runs every N runs.", hidden=True)
]
ChunkSecondsOpt = Annotated[
    float, typer.Option("--chunk-seconds", min=0.0, help="... or every S seconds, whichever comes first.", hidden=True)
]
