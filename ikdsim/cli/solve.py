"""`solve`: the smallest lever value (or latest date) reaching the target with a probability."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from ikdsim.cli.common import (
    FixedInputsOpt,
    bar,
    console,
    err_console,
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
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
)
from ikdsim.scenario.limits import MAX_REPLICATES


def solve(
    scenario: ScenarioArg,
    lever: Annotated[str, typer.Option(help="Field to search, e.g. channels.outreach.jemput-bola.teams.")],
    min_: Annotated[str, typer.Option("--min", help="Smallest value (or earliest date) to try.")],
    max_: Annotated[str, typer.Option("--max", help="Largest value (or latest date) to try.")],
    probability: Annotated[float, typer.Option(help="Required probability of reaching the target.")] = 0.8,
    replicates: Annotated[
        int, typer.Option(min=1, max=MAX_REPLICATES, help="Replicates per probe (same seeds at every probe).")
    ] = 20,
    tolerance: Annotated[
        float | None, typer.Option(help="Stop when the bracket is this narrow (numbers; default range/100).")
    ] = None,
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
    """Smallest lever value (or latest date) reaching the target with a probability.

    Bisection with the same replicates at every probe; reports the answer, the probability curve
    measured on the way and how sure it is. Writes solve.csv and solve.json.
    """
    with user_errors():
        from ikdsim.analysis.solve import check_lever, parse_bound
        from ikdsim.analysis.solve import solve as run_solve
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.layout import SolveFiles
        from ikdsim.io.tables import write_json

        (spec,) = load([scenario], with_fixed_inputs(set_, fixed_inputs))
        field = check_lever(spec, lever)
        lo, hi = parse_bound(field, min_, "--min"), parse_bound(field, max_, "--max")
        folder = out_folder(out, spec.name, "solve", force)

        def show(probe: Any) -> None:
            err_console.print(
                f"  {lever} = {probe.row(probability)['value']}: target reached in "
                f"{probe.reached} of {probe.replicates}"
            )

        with started_engine(workers, dask, scheduler) as engine:
            result = run_solve(
                spec,
                lever,
                lo,
                hi,
                probability,
                replicates,
                seed,
                tolerance=tolerance,
                executor=engine.executor,
                on_probe=show,
                progress=bar("runs"),
            )
        with atomic_folder(folder, force) as tmp:
            files = SolveFiles(tmp)
            write_rows(files.curve, [p.row(probability) for p in result.curve()])
            write_json(files.summary, result.summary())
            if plot:
                _solve_plot(result, files.plot)
        if as_json:  # solve.json with the curve of solve.csv
            print_json({**result.summary(), "curve": [p.row(probability) for p in result.curve()]})
        else:
            _print_solution(result, spec.target.share)
        say(f"Results written to [bold]{folder}[/bold]", as_json)


def _solve_plot(result: Any, path: Path) -> None:
    from ikdsim.reporting import plots

    curve = result.curve()
    fig, (ax,) = plots.new_figure()
    plots.probability_curve(
        ax,
        [p.value for p in curve],
        [p.probability for p in curve],
        [p.interval.low for p in curve],
        [p.interval.high for p in curve],
        result.probability,
        result.answer,
        result.lever.path,
    )
    plots.save(fig, path)


def _print_solution(result: Any, target_share: float) -> None:
    from ikdsim.analysis.levers import format_value

    table = Table(
        Column("value", overflow="fold"),  # names fold, never cut: candidates must be told apart at 80 columns
        "reached",
        "probability",
        "95 % interval",
        f"chance ≥ {result.probability:.0%}",
        "mean share",
        title=f"Probability of reaching the target by {result.lever.path}",
        title_justify="left",
    )
    for p in result.curve():
        row = p.row(result.probability)
        table.add_row(
            row["value"],
            f"{p.reached}/{p.replicates}",
            f"{p.probability:.0%}",
            f"{p.interval.low:.0%} to {p.interval.high:.0%}",
            f"{row['chance_at_least_target']:.0%}",
            num(p.share, ".1%"),
        )
    console.print(table)
    s = result.summary()
    want = f"{result.probability:.0%}"
    if result.status == "unreachable":
        best = result.curve()[0 if result.lever.kind == "date" else -1]
        console.print(
            f"[bold red]Not reachable in the range[/bold red]: even at {format_value(best.value)} the "
            f"target is reached in {best.probability:.0%} of the futures (needed: {want}); mean share on "
            f"the target date {num(best.share, '.1%')} against {target_share:.0%}."
        )
        return
    word = "latest date" if result.lever.kind == "date" else "smallest value"
    note = " (the end of the range: the target is met already there)" if result.status == "range_end" else ""
    console.print(
        f"[bold]Answer[/bold]: {word} of {result.lever.path} reaching the target with probability ≥ "
        f"{want}: [bold]{s['answer']}[/bold]{note}."
    )
    lo, hi = s["answer_interval"]
    console.print(
        f"How sure: at {s['answer']} the target was reached with probability "
        f"{s['answer_probability']:.0%} (95 % interval {lo:.0%} to {hi:.0%}); chance that the true "
        f"probability is at least {want}: {s['chance_answer_meets_target']:.0%}."
    )
    if s["neighbour"] is not None:
        console.print(
            f"At {s['neighbour']} it was {s['neighbour_probability']:.0%}; chance that it truly falls "
            f"short: {s['chance_neighbour_fails']:.0%}."
        )
    if not result.monotone:
        console.print(
            "[yellow]The measured curve is not monotone: more replicates would make the answer firmer.[/yellow]"
        )


def register(app: typer.Typer) -> None:
    app.command()(solve)
