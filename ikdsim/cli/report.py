"""`plot` and `report`: figures for a result folder; one self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ikdsim.cli.common import (
    FixedInputsOpt,
    bar,
    console,
    load,
    source_path,
    started_engine,
    user_errors,
    with_fixed_inputs,
)
from ikdsim.cli.options import (
    CandidateOpt,
    DaskOpt,
    ForceOpt,
    ScenariosArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
)
from ikdsim.scenario.limits import MAX_REPLICATES


def plot(
    folder: Annotated[Path, typer.Argument(help="Result folder of run, run --replicates or compare.")],
    out: Annotated[Path | None, typer.Option(help="Folder for the PNGs (default: the result folder).")] = None,
) -> None:
    """Write PNG plots for the folder of run, run --replicates, compare or sweep-summary.

    Share with bands, target and observations; channels; causes; queues; districts; for a
    comparison the paths side by side; for a sweep the outputs by parameter.
    """
    with user_errors():
        from ikdsim.reporting.figures import write_plots

        for path in write_plots(folder, out):
            console.print(f"wrote {path}")


def report(
    scenarios: ScenariosArg,
    out: Annotated[Path | None, typer.Option(help="HTML file (default: results/<scenario>-report.html).")] = None,
    replicates: Annotated[int, typer.Option(min=2, max=MAX_REPLICATES, help="Simulated futures per scenario.")] = 20,
    attribution: Annotated[
        bool, typer.Option("--attribution/--no-attribution", help="Value each lever of the first scenario.")
    ] = True,
    attribution_replicates: Annotated[
        int | None, typer.Option(min=2, max=MAX_REPLICATES, help="Replicates per lever (default: --replicates).")
    ] = None,
    candidate: CandidateOpt = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the report: en, or id (Bahasa Indonesia, Indonesian numbers).")
    ] = "en",
    seed: SeedOpt = None,
    set_: SetOpt = None,
    fixed_inputs: FixedInputsOpt = False,
    force: ForceOpt = False,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
) -> None:
    """One self-contained HTML report a planner can e-mail.

    Images are inlined and nothing is fetched: the question, the answer, plots, what each lever
    is worth, the scenario in plain words, assumptions with sources, and provenance.
    """
    with user_errors():
        from ikdsim.io.folders import check_file_destination, default_file
        from ikdsim.reporting.report import REPORT_SIGNATURE, build_report, write_report

        specs = load(scenarios, with_fixed_inputs(set_, fixed_inputs))
        path = out or default_file(specs[0].name, "report", "html", what="scenario name")
        check_file_destination(path, force, REPORT_SIGNATURE)
        with started_engine(workers, dask, scheduler) as engine:
            text = build_report(
                specs,
                [source_path(s) for s in scenarios],
                replicates,
                seed,
                attribution=attribution,
                attribution_replicates=attribution_replicates,
                executor=engine.executor,
                overrides=set_ or [],
                candidates=candidate or [],
                fixed_inputs=fixed_inputs,
                lang=lang,
                progress=bar("runs"),
            )
        write_report(text, path)
        console.print(f"Report written to [bold]{path}[/bold] ({len(text) // 1024:,} KiB, self-contained)")


def register(app: typer.Typer) -> None:
    app.command()(plot)
    app.command()(report)
