"""`ikdsim discover`: where in the space of unknowns the target is reached (PRIM)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from ikdsim.cli.common import (
    console,
    err_console,
    load,
    out_folder,
    started_engine,
    user_errors,
    write_rows,
)
from ikdsim.cli.options import (
    DaskOpt,
    ForceOpt,
    OutOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
)
from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_REPLICATES


def discover(
    scenario: ScenarioArg,
    replicates: Annotated[
        int, typer.Option(min=20, max=MAX_REPLICATES, help="Futures to simulate (one input draw each).")
    ] = 200,
    above: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Look for final shares at or above this fraction instead of the target."),
    ] = None,
    alpha: Annotated[float, typer.Option(min=0.01, max=0.5, help="Share of the box peeled at each step.")] = 0.05,
    min_coverage: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="The chosen box covers at least this share of the cases.")
    ] = 0.5,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
) -> None:
    """Find the boxes of the uncertain inputs in which the target is reached (PRIM).

    Simulates futures drawn from the scenario's uncertain: block (or its posterior), then peels
    the input space towards the futures that reach the target (or a final share --above a
    level), printing the chosen box with its coverage and density and writing the whole peeling
    trajectory.
    """
    with user_errors():
        import numpy as np

        from ikdsim.analysis.discovery import choose, prim, simplify
        from ikdsim.experiments.replicates import run_replicates
        from ikdsim.io.folders import atomic_folder
        from ikdsim.io.layout import DiscoverFiles
        from ikdsim.io.tables import write_json

        (spec,) = load([scenario], set_ or [])
        if not spec.uncertain:
            raise InputError(f"{spec.name}: no uncertain: block, so nothing to discover (docs/uncertainty.md)")
        folder = out_folder(out, spec.name, "discovery", force)
        root = spec.seed if seed is None else seed
        with started_engine(workers, dask, scheduler) as engine:
            (runs,) = run_replicates([spec], replicates, root, executor=engine.executor)
        names = list(spec.uncertain)
        x = np.array([[r.inputs[n] for n in names] for r in runs.records], dtype=float)
        if above is None:
            case = f"reaching {spec.target.share:.0%} by {spec.target.by}"
            y = runs.reached().astype(bool)
        else:
            case = f"a final share of at least {above:.1%}"
            y = np.array([r.summary["final_share"] >= above for r in runs.records])
        found = int(y.sum())
        summary: dict[str, Any] = {"scenario": spec.name, "seed": root, "replicates": replicates, "case": case,
                                   "cases": found, "alpha": alpha, "min_coverage": min_coverage}
        trajectory = prim(x, y, alpha) if 0 < found < replicates else []
        chosen = simplify(choose(trajectory, min_coverage), trajectory[0], x, y) if trajectory else None
        rows = [_box_row(i, b, names) for i, b in enumerate(trajectory)]
        if chosen is not None:
            summary["box"] = _box_row(-1, chosen, names)
            summary["box"]["restricted"] = [names[i] for i in chosen.restricted(trajectory[0])]
        with atomic_folder(folder, force) as tmp:
            files = DiscoverFiles(tmp)
            write_json(files.summary, summary)
            write_rows(files.inputs, [
                {"replicate": r.replicate, **dict(zip(names, row, strict=True)), "case": bool(c)}
                for r, row, c in zip(runs.records, x.tolist(), y, strict=True)
            ])
            if rows:
                write_rows(files.trajectory, rows)
        console.print(f"{spec.name}: {found} of {replicates} futures show {case}.")
        if chosen is None:
            hint = ("" if found else " Look for a lower bar with --above, e.g. --above 0.2.")
            err_console.print(f"No box to find: {'none' if not found else 'all'} of the futures are cases.{hint}")
        else:
            _print_box(chosen, trajectory[0], names)
        console.print(f"Results written to [bold]{folder}[/bold]")


def _box_row(step: int, box: Any, names: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"step": step, "coverage": round(box.coverage, 4), "density": round(box.density, 4),
                           "mass": round(box.mass, 4)}
    for i, n in enumerate(names):
        row[f"{n}_low"] = box.low[i]
        row[f"{n}_high"] = box.high[i]
    return row


def _print_box(box: Any, full: Any, names: list[str]) -> None:
    table = Table(
        "unknown", "in the box", "over all futures",
        title=(f"Where the cases are: coverage {box.coverage:.0%} of the cases, density {box.density:.0%} "
               f"(against {full.density:.0%} overall), {box.mass:.0%} of the futures"),
        title_justify="left",
    )
    restricted = box.restricted(full)
    for i in restricted:
        table.add_row(names[i], f"{box.low[i]:.4g} to {box.high[i]:.4g}", f"{full.low[i]:.4g} to {full.high[i]:.4g}")
    if not restricted:
        table.add_row("(none)", "the whole space", "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(discover)
