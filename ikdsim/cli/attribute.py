"""`attribute`: what each lever is worth, and what limited each month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

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
    CandidateOpt,
    DaskOpt,
    ForceOpt,
    JsonOpt,
    OutOpt,
    PlotOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
)
from ikdsim.scenario.limits import MAX_REPLICATES


def attribute(
    scenario: ScenarioArg,
    replicates: Annotated[
        int, typer.Option(min=2, max=MAX_REPLICATES, help="Replicates per counterfactual (same seeds).")
    ] = 10,
    candidate: CandidateOpt = None,
    queue_days: Annotated[
        float, typer.Option(min=0.0, help="A month is capacity-limited when the estimated wait reaches this (days).")
    ] = 7.0,
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
    """What each lever is worth, ranked, and whether demand or capacity limited each month.

    Each lever is switched off (candidates switched on) and run with the same seeds; its worth is
    the paired difference in people activated by the target date. Writes attribution.csv and
    months.csv.
    """
    with user_errors():
        from ikdsim.analysis.attribute import attribute as run_attribute
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.layout import AttributeFiles

        (spec,) = load([scenario], with_fixed_inputs(set_, fixed_inputs))
        folder = out_folder(out, spec.name, "attribution", force)
        with started_engine(workers, dask, scheduler) as engine:
            result = run_attribute(
                spec,
                replicates,
                seed,
                candidate or [],
                executor=engine.executor,
                queue_days=queue_days,
                progress=bar("runs"),
            )
        with atomic_folder(folder, force) as tmp:
            files = AttributeFiles(tmp)
            write_rows(files.attribution, result.table())
            write_rows(files.months, [m.row() for m in result.months])
            if plot:
                _attribution_plot(result, files.plot)
        if as_json:  # attribution.csv and months.csv in one document
            print_json({"levers": result.table(), "months": [m.row() for m in result.months]})
        else:
            _print_attribution(result)
        say(f"Results written to [bold]{folder}[/bold]", as_json)


def _attribution_plot(result: Any, path: Path) -> None:
    from ikdsim.reporting import plots

    ranked = result.ranked()
    fig, (ax,) = plots.new_figure(height=max(2.5, 0.42 * len(ranked) + 1.2))
    plots.contribution_bars(
        ax,
        [c.lever.name for c in ranked],
        [c.activations.estimate for c in ranked],
        [c.activations.low for c in ranked],
        [c.activations.high for c in ranked],
    )
    plots.save(fig, path)


def _print_attribution(result: Any) -> None:
    by = result.base.scenario.target.by
    table = Table(
        title=f"Activations by {by} owed to each lever ({result.base.replicates} paired replicates)",
        title_justify="left",
    )
    for col in ("rank", "lever", "activations", "95 % interval", "P(target) change"):
        # Lever names fold, never cut: candidates must be told apart at 80 columns.
        table.add_column(col, justify="left" if col == "lever" else "right",
                         overflow="fold" if col == "lever" else "ellipsis")
    for row in result.table():
        if row["rank"] == 1 and not row["in_scenario"]:
            table.add_section()
        table.add_row(
            str(row["rank"]),
            row["lever"],
            num(row["activations"], ",.0f"),
            f"{num(row['activations_low'], ',.0f')} to {num(row['activations_high'], ',.0f')}",
            num(row["prob_target_change"], "+.0%"),
        )
    console.print(table)
    months = Table(
        "month",
        "decisions",
        "activations",
        "use of capacity",
        "wait (days)",
        "limited by",
        title="Demand or capacity, month by month",
        title_justify="left",
    )
    for m in result.months:
        months.add_row(
            m.month,
            f"{m.decisions:,.0f}",
            f"{m.activations:,.0f}",
            num(m.utilisation, ".0%"),
            num(m.wait_days, ".1f"),
            m.limited_by,
        )
    console.print(months)
    console.print(
        "demand-limited: more integrations, requirements or campaigns help; capacity-limited: more "
        "officers or service points help (see months.csv)."
    )


def register(app: typer.Typer) -> None:
    app.command()(attribute)
