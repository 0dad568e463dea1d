"""`compare`: paired differences between scenarios under common random numbers."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from ikdsim.cli.common import (
    FixedInputsOpt,
    bar,
    console,
    load,
    num,
    out_folder,
    print_json,
    say,
    started_engine,
    user_errors,
    with_fixed_inputs,
    write_rows,
)
from ikdsim.cli.options import (
    DaskOpt,
    ForceOpt,
    JsonOpt,
    OutOpt,
    PlotOpt,
    ScenariosArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
)
from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_REPLICATES


def compare(
    scenarios: ScenariosArg,
    replicates: Annotated[
        int, typer.Option(min=2, max=MAX_REPLICATES, help="Replicates per scenario (same seeds for all).")
    ] = 20,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    fixed_inputs: FixedInputsOpt = False,
    out: OutOpt = None,
    force: ForceOpt = False,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    plot: PlotOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Compare scenarios with the first: paired differences under common random numbers.

    Every scenario runs replicate r from the same seed. For each figure the paired 95 % interval
    is shown next to the unpaired one, and how much narrower it is. Writes comparison.csv.
    """
    with user_errors():
        from ikdsim.analysis.compare import compare as run_compare
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.layout import CompareFiles
        from ikdsim.io.tables import write_json
        from ikdsim.scenario.loader import scenario_sha256

        if len(scenarios) < 2:
            raise InputError("compare needs at least two scenarios: a baseline and one to compare with it")
        specs = load(scenarios, with_fixed_inputs(set_, fixed_inputs))
        folder = out_folder(out, specs[0].name, "compare", force)
        with started_engine(workers, dask, scheduler) as engine:
            result = run_compare(specs, replicates, seed, executor=engine.executor, progress=bar("runs"))
        about = {
            "seed": result.seed,
            "replicates": result.replicates,
            "baseline": result.runs[0].label,
            "scenarios": [
                {"label": r.label, "source": src, "scenario_sha256": scenario_sha256(r.scenario)}
                for r, src in zip(result.runs, scenarios, strict=True)
            ],
        }
        with atomic_folder(folder, force) as tmp:
            files = CompareFiles(tmp)
            write_rows(files.comparison, result.table())
            write_rows(files.scenarios, result.scenario_rows())
            write_rows(files.replicates, result.replicate_rows())
            write_rows(files.paths, result.path_rows())
            write_rows(files.outlook, result.outlook_rows())
            write_json(files.summary, about)
            files.write_scenario(specs[0])
            if plot:
                from ikdsim.reporting.figures import write_plots

                write_plots(tmp)
        if as_json:  # compare.json, outlook.csv and comparison.csv in one document
            print_json({**about, "outlook": result.outlook_rows(), "comparison": result.table()})
        else:
            _print_outlook(result)
            _print_comparison(result)
        say(f"Results written to [bold]{folder}[/bold]", as_json)


def _print_outlook(result: Any) -> None:
    """Each policy's own level, then its chance of beating the baseline (units on every figure)."""
    uncertain = bool(result.runs[0].records[0].inputs)
    table = Table(
        title=f"Each policy over {result.replicates} simulated futures"
        + (" (uncertain inputs and chance)" if uncertain else " (chance only)"),
        title_justify="left",
    )
    table.add_column("scenario", overflow="fold")
    table.add_column("P(target)", justify="right")
    table.add_column("final share, median (5-95 %)", justify="right")
    table.add_column("P(better than baseline)", justify="right")
    table.add_column("difference, median (5-95 %)", justify="right")
    for row in result.outlook_rows():
        better = "baseline" if row["prob_better_than_baseline"] is None else (
            "identical" if row["identical_to_baseline"] else
            f"{row['prob_better_than_baseline']:.0%} ({row['prob_better_low']:.0%}-{row['prob_better_high']:.0%})"
        )
        diff = "" if row["difference_p50"] is None or row["identical_to_baseline"] else (
            f"{row['difference_p50'] * 100:+.2f} pts ({row['difference_p05'] * 100:+.2f} to "
            f"{row['difference_p95'] * 100:+.2f})"
        )
        table.add_row(
            row["scenario"],
            f"{row['prob_target_reached']:.0%} ({row['prob_target_low']:.0%}-{row['prob_target_high']:.0%})",
            f"{row['final_share_p50']:.2%} ({row['final_share_p05']:.2%}-{row['final_share_p95']:.2%})",
            better,
            diff,
        )
    console.print(table)


def _print_comparison(result: Any) -> None:
    units = {
        "share": (100.0, ".3f", " pts"),
        "probability": (100.0, ".0f", " pts"),
        "people": (1.0, ",.0f", ""),
        "days": (1.0, ".1f", " d"),
    }
    by_scenario: dict[str, list[Any]] = {}
    for d in result.differences:
        by_scenario.setdefault(d.scenario, []).append(d)
    for name, diffs in by_scenario.items():
        table = Table(
            Column("figure", overflow="fold"),  # names fold, never cut: candidates must be told apart at 80 columns
            "difference",
            "paired ±",
            "unpaired ±",
            "width ratio",
            title_justify="left",
            title=f"{name} minus {result.runs[0].label} ({result.replicates} paired replicates, "
            f"seed {result.seed}, 95 % intervals)",
        )
        for d in diffs:
            scale, fmt, unit = units[d.metric.unit]
            if d.metric.binary:  # Newcombe intervals are not symmetric: give both ends
                spread = [
                    f"{num(i.low * scale, '+.0f')} to {num(i.high * scale, '+.0f')}" for i in (d.paired, d.unpaired)
                ]
            else:
                spread = [num(i.width / 2 * scale, fmt) for i in (d.paired, d.unpaired)]
            estimate = num(d.paired.estimate * scale, "+" + fmt)
            table.add_row(
                d.metric.name, estimate + (unit if estimate != "n/a" else ""), *spread, num(d.width_ratio, ".2f")
            )
        console.print(table)
        final = next(d for d in diffs if d.metric.name == "final_share")
        if final.paired.width == 0 and final.paired.estimate == 0:
            console.print("Identical in every replicate: with the same random numbers these scenarios do not differ.")
        elif final.width_ratio < 0.95:
            console.print(
                f"Common random numbers make the final-share interval {1 / final.width_ratio:.1f}× "
                "narrower than independent runs would."
            )
        elif not math.isnan(final.width_ratio):
            console.print(
                f"Common random numbers did not narrow the final-share interval here (ratio {final.width_ratio:.2f})."
            )


def register(app: typer.Typer) -> None:
    app.command()(compare)
