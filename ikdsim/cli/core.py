"""Core commands: run one scenario, validate, schema, list bundled scenarios."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ikdsim.cli.common import (
    FixedInputsOpt,
    console,
    load,
    print_json,
    print_warnings,
    say,
    user_errors,
    with_fixed_inputs,
)
from ikdsim.cli.options import JsonOpt
from ikdsim.errors import InputError
from ikdsim.scenario.bundled import DEFAULT_SCENARIO, bundled
from ikdsim.scenario.schema import SEED_MAX

ScenarioArg = Annotated[
    str | None,
    typer.Argument(help=f"Scenario file, or the name of a bundled scenario (default: {DEFAULT_SCENARIO})."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="PATH=VALUE", help="Override a field, e.g. adoption.base_rate=0.05 (repeatable)."
    ),
]


class By(enum.StrEnum):
    district = "district"


def run(
    scenario: ScenarioArg = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: results/<scenario name>).")] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=SEED_MAX, help="Root seed, 0 to 2^63-1 (default: the scenario's seed).")
    ] = None,
    set_: SetOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder.")] = False,
    replicates: Annotated[
        str | None,
        typer.Option(
            "--replicates",
            help="Run N replicates and report uncertainty, or 'auto': add replicates until --precision is met.",
        ),
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="With --replicates auto: wanted 95 % half-width of the mean final share (default 0.005)."),
    ] = None,
    max_replicates: Annotated[
        int, typer.Option(help="With --replicates auto: stop here even if the precision is not met.")
    ] = 1000,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", help="Worker processes for replicates (default: the number of cores)."),
    ] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run replicates on a Dask LocalCluster started here.")] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run replicates on a Dask cluster: scheduler address.")
    ] = None,
    plot: Annotated[bool, typer.Option("--plot", help="Also write PNG plots into the output folder.")] = False,
    fixed_inputs: FixedInputsOpt = False,
    by: Annotated[By | None, typer.Option("--by", help="Also print a table by district.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a scenario once (or N replicates), print a summary and write the results folder.

    A single run uses the scenario's point values; replicates also draw its uncertain inputs.
    """
    with user_errors():
        from ikdsim.io.folders import check_destination, default_folder
        from ikdsim.io.run_outputs import write_run
        from ikdsim.model.engine import simulate
        (spec,) = load([scenario or DEFAULT_SCENARIO], with_fixed_inputs(set_, fixed_inputs))
        folder = out or default_folder(spec.name, what="scenario name")
        check_destination(folder, force)  # before the run: a refusal should not cost a simulation
        if replicates is not None:
            from ikdsim.cli.replicates import run_replicates_cli

            run_replicates_cli(
                spec, folder, force=force, seed=seed, replicates=replicates, precision=precision,
                max_replicates=max_replicates, workers=workers, dask=dask, scheduler=scheduler,
                by_district=by is By.district, as_json=as_json,
            )
            if plot:
                _plots(folder, as_json)
            return
        if precision is not None:
            raise InputError("--precision applies to --replicates auto")
        result = simulate(spec, seed=seed)
        write_run(result, folder, force=force)
        if as_json:  # summary.json, and with --by district the rows of the district table
            from ikdsim.cli.districts import district_json

            print_json({**result.summary, **({"districts": district_json(result)} if by is By.district else {})})
        else:
            print_summary(result.summary, result.scenario.description)
            if by is By.district:
                from ikdsim.cli.districts import print_districts

                print_districts(result)
        say(f"Results written to [bold]{folder}[/bold]", as_json)
        if plot:
            _plots(folder, as_json)


def _plots(folder: Path, as_json: bool) -> None:
    from ikdsim.reporting.figures import write_plots

    written = write_plots(folder)
    say(f"Plots: {', '.join(p.name for p in written)}", as_json)


def print_summary(summary: dict[str, Any], description: str = "") -> None:
    reached = summary["target_reached"]
    title = f"{summary['scenario']}: {'target reached' if reached else 'target NOT reached'}"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    total = summary["population_total"]
    table.add_row("Target", f"{summary['target_share']:.0%} by {summary['target_by']}")
    table.add_row("Share on target date", f"{summary['share_at_target_by']:.2%}")
    table.add_row("Final activated", f"{summary['final_activated']:,} of {total:,} ({summary['final_share']:.2%})")
    table.add_row("Date target reached", summary["date_target_reached"] or "never in horizon")
    table.add_section()
    for name, count in summary["activations_by_channel"].items():
        table.add_row(f"Activations: {name}", f"{count:,}")
    table.add_section()
    for name, count in summary["intents_by_cause"].items():
        table.add_row(f"Decisions: {name}", f"{count:,}")
    table.add_section()
    mean = summary["mean_wait_days"]
    table.add_row("Mean wait (days)", "n/a" if mean is None else f"{mean:.2f}")
    p90 = summary["p90_wait_days"]
    table.add_row("90th percentile wait (days)", "n/a" if p90 is None else str(p90))
    table.add_row("Peak waiting", f"{summary['peak_waiting']:,}")
    table.add_row("Gave up waiting", f"{summary['gave_up']:,}")
    console.print(table)


def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or bundled name.")],
    set_: SetOpt = None,
) -> None:
    """Check a scenario file; exit code 2 with located messages if it is invalid."""
    with user_errors():
        from ikdsim.scenario.plausible import load_with_warnings

        spec, warnings = load_with_warnings(scenario, set_ or [])
        print_warnings(warnings)
        noted = f" ({len(warnings)} warning(s))" if warnings else ""
        console.print(f"{scenario}: valid scenario {spec.name!r}{noted}")


def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from ikdsim.scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def scenarios() -> None:
    """List the bundled scenarios with their descriptions."""
    with user_errors():
        from ikdsim.scenario.loader import load_scenario

        table = Table("name", "description", title="Bundled scenarios", title_justify="left")
        for name, path in bundled().items():
            label = name + (" (default)" if name == DEFAULT_SCENARIO else "")
            table.add_row(label, load_scenario(path).description.strip())
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(validate)
    app.command()(schema)
    app.command()(scenarios)
