"""Policy commands: compare, attribute, solve, plot, report (calibrate is in cli/calibration.py)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ikdsim.cli.common import FixedInputsOpt, console, err_console, user_errors, with_fixed_inputs
from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_REPLICATES
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


@contextmanager
def _engine(workers: int | None, dask: bool, scheduler: str | None) -> Iterator[Any]:
    from ikdsim.experiments.executors import open_engine

    with open_engine(workers, dask=dask, scheduler=scheduler) as engine:
        yield engine


def _load(sources: Sequence[str], overrides: Sequence[str]) -> list[Any]:
    from ikdsim.scenario.loader import load_scenario

    return [load_scenario(s, overrides) for s in sources]


def _source_path(source: str) -> Path | None:
    from ikdsim.scenario.bundled import resolve

    path = resolve(source)
    return path if path.is_file() else None


def _out(out: Path | None, name: str, command: str, force: bool) -> Path:
    from ikdsim.io.folders import check_destination, default_folder

    folder = out or default_folder(name, command, what="scenario name")
    check_destination(folder, force)
    return folder


def _write_rows(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    from ikdsim.io.tables import write_csv

    header = list(rows[0]) if rows else []
    write_csv(path, header, ([r[h] for h in header] for r in rows))


def _num(x: float, fmt: str) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


# -- compare -------------------------------------------------------------------------------


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
) -> None:
    """Compare scenarios with the first: paired differences under common random numbers.

    Every scenario runs replicate r from the same seed. For each figure the paired 95 % interval
    is shown next to the unpaired one, and how much narrower it is. Writes comparison.csv.
    """
    with user_errors():
        from ikdsim.analysis.compare import compare as run_compare
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.tables import write_json
        from ikdsim.scenario.loader import dump_yaml, scenario_sha256, scenario_to_data

        if len(scenarios) < 2:
            raise InputError("compare needs at least two scenarios: a baseline and one to compare with it")
        specs = _load(scenarios, with_fixed_inputs(set_, fixed_inputs))
        folder = _out(out, specs[0].name, "compare", force)
        with _engine(workers, dask, scheduler) as engine:
            result = run_compare(specs, replicates, seed, executor=engine.executor)
        with atomic_folder(folder, force) as tmp:
            _write_rows(tmp / "comparison.csv", result.table())
            _write_rows(tmp / "scenarios.csv", result.scenario_rows())
            _write_rows(tmp / "replicates.csv", result.replicate_rows())
            _write_rows(tmp / "paths.csv", result.path_rows())
            _write_rows(tmp / "outlook.csv", result.outlook_rows())
            write_json(
                tmp / "compare.json",
                {
                    "seed": result.seed,
                    "replicates": result.replicates,
                    "baseline": result.runs[0].label,
                    "scenarios": [
                        {"label": r.label, "source": src, "scenario_sha256": scenario_sha256(r.scenario)}
                        for r, src in zip(result.runs, scenarios, strict=True)
                    ],
                },
            )
            (tmp / "scenario.resolved.yaml").write_text(dump_yaml(scenario_to_data(specs[0])), encoding="utf-8")
            if plot:
                from ikdsim.reporting.figures import write_plots

                write_plots(tmp)
        _print_outlook(result)
        _print_comparison(result)
        console.print(f"Results written to [bold]{folder}[/bold]")


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
            "figure",
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
                    f"{_num(i.low * scale, '+.0f')} to {_num(i.high * scale, '+.0f')}" for i in (d.paired, d.unpaired)
                ]
            else:
                spread = [_num(i.width / 2 * scale, fmt) for i in (d.paired, d.unpaired)]
            estimate = _num(d.paired.estimate * scale, "+" + fmt)
            table.add_row(
                d.metric.name, estimate + (unit if estimate != "n/a" else ""), *spread, _num(d.width_ratio, ".2f")
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


# -- attribute -----------------------------------------------------------------------------


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
) -> None:
    """What each lever is worth, ranked, and whether demand or capacity limited each month.

    Each lever is switched off (candidates switched on) and run with the same seeds; its worth is
    the paired difference in people activated by the target date. Writes attribution.csv and
    months.csv.
    """
    with user_errors():
        from ikdsim.analysis.attribute import attribute as run_attribute
        from ikdsim.io.folders import atomic_folder

        (spec,) = _load([scenario], with_fixed_inputs(set_, fixed_inputs))
        folder = _out(out, spec.name, "attribution", force)
        with _engine(workers, dask, scheduler) as engine:
            result = run_attribute(
                spec, replicates, seed, candidate or [], executor=engine.executor, queue_days=queue_days
            )
        with atomic_folder(folder, force) as tmp:
            _write_rows(tmp / "attribution.csv", result.table())
            _write_rows(tmp / "months.csv", [m.row() for m in result.months])
            if plot:
                _attribution_plot(result, tmp / "attribution.png")
        _print_attribution(result)
        console.print(f"Results written to [bold]{folder}[/bold]")


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
        table.add_column(col, justify="left" if col == "lever" else "right")
    for row in result.table():
        if row["rank"] == 1 and not row["in_scenario"]:
            table.add_section()
        table.add_row(
            str(row["rank"]),
            row["lever"],
            _num(row["activations"], ",.0f"),
            f"{_num(row['activations_low'], ',.0f')} to {_num(row['activations_high'], ',.0f')}",
            _num(row["prob_target_change"], "+.0%"),
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
            _num(m.utilisation, ".0%"),
            _num(m.wait_days, ".1f"),
            m.limited_by,
        )
    console.print(months)
    console.print(
        "demand-limited: more integrations, requirements or campaigns help; capacity-limited: more "
        "officers or service points help (see months.csv)."
    )


# -- solve ---------------------------------------------------------------------------------


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
) -> None:
    """Smallest lever value (or latest date) reaching the target with a probability.

    Bisection with the same replicates at every probe; reports the answer, the probability curve
    measured on the way and how sure it is. Writes solve.csv and solve.json.
    """
    with user_errors():
        from ikdsim.analysis.solve import check_lever, parse_bound
        from ikdsim.analysis.solve import solve as run_solve
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.tables import write_json

        (spec,) = _load([scenario], with_fixed_inputs(set_, fixed_inputs))
        field = check_lever(spec, lever)
        lo, hi = parse_bound(field, min_, "--min"), parse_bound(field, max_, "--max")
        folder = _out(out, spec.name, "solve", force)

        def show(probe: Any) -> None:
            err_console.print(
                f"  {lever} = {probe.row(probability)['value']}: target reached in "
                f"{probe.reached} of {probe.replicates}"
            )

        with _engine(workers, dask, scheduler) as engine:
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
            )
        with atomic_folder(folder, force) as tmp:
            _write_rows(tmp / "solve.csv", [p.row(probability) for p in result.curve()])
            write_json(tmp / "solve.json", result.summary())
            if plot:
                _solve_plot(result, tmp / "probability.png")
        _print_solution(result, spec.target.share)
        console.print(f"Results written to [bold]{folder}[/bold]")


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
        "value",
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
            _num(p.share, ".1%"),
        )
    console.print(table)
    s = result.summary()
    want = f"{result.probability:.0%}"
    if result.status == "unreachable":
        best = result.curve()[0 if result.lever.kind == "date" else -1]
        console.print(
            f"[bold red]Not reachable in the range[/bold red]: even at {format_value(best.value)} the "
            f"target is reached in {best.probability:.0%} of the futures (needed: {want}); mean share on "
            f"the target date {_num(best.share, '.1%')} against {target_share:.0%}."
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


# -- plot and report -----------------------------------------------------------------------


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

        specs = _load(scenarios, with_fixed_inputs(set_, fixed_inputs))
        path = out or default_file(specs[0].name, "report", "html", what="scenario name")
        check_file_destination(path, force, REPORT_SIGNATURE)
        with _engine(workers, dask, scheduler) as engine:
            text = build_report(
                specs,
                [_source_path(s) for s in scenarios],
                replicates,
                seed,
                attribution=attribution,
                attribution_replicates=attribution_replicates,
                executor=engine.executor,
                overrides=set_ or [],
                candidates=candidate or [],
                fixed_inputs=fixed_inputs,
                lang=lang,
            )
        write_report(text, path)
        console.print(f"Report written to [bold]{path}[/bold] ({len(text) // 1024:,} KiB, self-contained)")


def register(app: typer.Typer) -> None:
    app.command()(compare)
    app.command()(attribute)
    app.command()(solve)
    app.command()(plot)
    app.command()(report)
