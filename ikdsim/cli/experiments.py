"""Experiment commands: sweep, sweep-summary, sensitivity."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.table import Table

from ikdsim.cli.common import Terminated, console, err_console, user_errors
from ikdsim.cli.options import (
    ChunkRunsOpt,
    ChunkSecondsOpt,
    FolderForceOpt,
    ResumeOpt,
    SweepDaskOpt,
    SweepSchedulerOpt,
    TimeoutOpt,
    WorkersOpt,
)
from ikdsim.errors import InputError
from ikdsim.io.folders import default_folder
from ikdsim.io.layout import SweepFiles
from ikdsim.scenario.limits import MAX_SENSITIVITY_N

if TYPE_CHECKING:
    from ikdsim.experiments.sensitivity import Indices
    from ikdsim.experiments.summary import PointSummary


def _engine_args(workers: int | None, dask: bool, scheduler: str | None, timeout: float) -> dict[str, Any]:
    return {"workers": workers, "dask": dask, "scheduler": scheduler, "connect_timeout": timeout}


def _check_out(folder: Path, resume: bool, force: bool) -> None:
    """Refuse a bad destination before any engine starts or run is spent."""
    from ikdsim.io.folders import check_destination

    if resume and force:
        raise InputError("give --resume (continue) or --force (start again), not both")
    if resume and folder.exists():
        if not SweepFiles(folder).manifest.is_file():
            raise InputError(f"{folder}: not a sweep folder (no {SweepFiles.manifest}); nothing to resume")
        return
    if folder.exists() and not force:
        raise InputError(
            f"{folder}: output folder exists; use --resume to continue it, --force to replace it, "
            "or --out to choose another"
        )
    check_destination(folder, force)


# ---------------------------------------------------------------------------------------------
# sweep


def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep file (YAML): base scenario, parameters, sampler.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: results/<sweep name>).")] = None,
    workers: WorkersOpt = None,
    scheduler: SweepSchedulerOpt = None,
    dask: SweepDaskOpt = False,
    resume: ResumeOpt = False,
    force: FolderForceOpt = False,
    save_paths: Annotated[
        bool | None,
        typer.Option("--save-paths/--no-save-paths", help="Store each run's daily activated share (paths.parquet)."),
    ] = None,
    connect_timeout: TimeoutOpt = 5.0,
    chunk_runs: ChunkRunsOpt = 256,
    chunk_seconds: ChunkSecondsOpt = 10.0,
) -> None:
    """Run a parameter sweep: every point × replicate, stored in Parquet as runs finish."""
    with user_errors():
        from ikdsim.experiments.design import build_design
        from ikdsim.experiments.driver import run_sweep
        from ikdsim.experiments.executors import open_engine
        from ikdsim.experiments.progress import BarProgress
        from ikdsim.experiments.summary import write_summary
        from ikdsim.experiments.sweep import load_sweep

        spec, doc = load_sweep(sweep_file)
        design = build_design(spec, doc, sweep_file)
        folder = out or default_folder(design.name, what="sweep name")
        _check_out(folder, resume, force)
        runs = len(design.points) * design.replicates
        console.print(
            f"{design.name}: {len(design.points)} points × {design.replicates} replicates = {runs:,} runs "
            f"({spec.sampler.method} sampler, seed {design.seed})"
        )
        started = time.perf_counter()
        try:
            with open_engine(**_engine_args(workers, dask, scheduler, connect_timeout)) as engine:
                outcome = run_sweep(
                    design, folder, engine, resume=resume, force=force, save_paths=save_paths,
                    progress=BarProgress("runs"), flush_runs=chunk_runs, flush_seconds=chunk_seconds,
                )
        except (KeyboardInterrupt, Terminated):
            _resume_hint(f"ikdsim sweep {sweep_file} --out {folder} --resume")
            raise
        for warning in outcome.warnings:
            err_console.print(f"[yellow]warning:[/yellow] {warning}")
        console.print(
            f"{outcome.ran:,} runs on {engine.description} in {time.perf_counter() - started:.1f} s"
            + (f", {outcome.reused:,} reused from earlier sessions" if outcome.reused else "")
            + (f"; [red]{outcome.failed} failed[/red] (see the error column)" if outcome.failed else "")
            + (f"; {outcome.invalid_points} point(s) give an invalid scenario" if outcome.invalid_points else "")
        )
        summary = write_summary(folder)
        print_point_summary(summary, top=10)
        console.print(f"Results written to [bold]{folder}[/bold] (runs.parquet, points_summary.csv)")


def sweep_summary(
    folder: Annotated[Path, typer.Argument(help="Output folder of a finished sweep.")],
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="List points that reach the target with at least this probability.")
    ] = 0.8,
    top: Annotated[int, typer.Option(min=0, help="Points to show in the terminal (all are in the CSV).")] = 20,
    plot: Annotated[bool, typer.Option("--plot", help="Also write sweep.png (outputs by parameter).")] = False,
) -> None:
    """Per point: mean and 95 % interval of each output; the points that reach the target."""
    with user_errors():
        from ikdsim.experiments.summary import write_summary


        summary = write_summary(folder, threshold)
        print_point_summary(summary, top)
        written = [SweepFiles.points_summary] + ([SweepFiles.target_points] if summary.has_target else [])
        if plot:
            from ikdsim.reporting.figures import write_plots

            written += [p.name for p in write_plots(folder)]
        console.print(f"Written to [bold]{folder}[/bold]: {', '.join(written)}")


def _short_names(paths: list[str]) -> list[str]:
    """The last part of each parameter path, unless two parameters would share it."""
    last = [p.rsplit(".", 1)[-1] for p in paths]
    return [s if last.count(s) == 1 else p for s, p in zip(last, paths, strict=True)]


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def print_point_summary(summary: PointSummary, top: int) -> None:
    h = summary.header
    shown = summary.rows[:top]
    title = "Points"
    if len(summary.rows) > top:
        title += f" (first {top} of {len(summary.rows)}; all in points_summary.csv)"
    table = Table(title=title, title_justify="left")
    table.add_column("point", justify="right")
    for name in _short_names(summary.parameters):
        table.add_column(name, justify="right")
    table.add_column("runs", justify="right")
    has = {name: f"{name}_{suffix}" in h for name, suffix in
           (("target_reached", "prob"), ("final_share", "mean"), ("date_target_reached", "p50"))}
    if has["target_reached"]:
        table.add_column("P(target) [95 % CI]", justify="right")
    if has["final_share"]:
        table.add_column("final share ± 95 %", justify="right")
    if has["date_target_reached"]:
        table.add_column("median date", justify="right")
    for row in shown:
        cells = [str(row[0]), *(_value(row[h.index(p)]) for p in summary.parameters), str(row[h.index("runs")])]
        if has["target_reached"]:
            p, low, high = (row[h.index(f"target_reached_{k}")] for k in ("prob", "ci95_low", "ci95_high"))
            cells.append("n/a" if p is None else f"{p:.0%} [{low:.0%}-{high:.0%}]")
        if has["final_share"]:
            mean, low, high = (row[h.index(f"final_share_{k}")] for k in ("mean", "ci95_low", "ci95_high"))
            half = "" if low is None else f" ± {(high - low) / 2:.2%}"
            cells.append("n/a" if mean is None else f"{mean:.2%}{half}")
        if has["date_target_reached"]:
            cells.append(str(row[h.index("date_target_reached_p50")] or "never"))
        table.add_row(*cells)
    console.print(table)
    if not summary.has_target:
        console.print("target_reached is not among the outputs: no list of points reaching the target")
    elif summary.reaching:
        points = ", ".join(str(r[0]) for r in summary.reaching)
        console.print(
            f"{len(summary.reaching)} point(s) reach the target with probability ≥ {summary.threshold:g}: {points}"
        )
    else:
        console.print(f"No point reaches the target with probability ≥ {summary.threshold:g}")


# ---------------------------------------------------------------------------------------------
# sensitivity


def sensitivity(
    sweep_file: Annotated[
        Path, typer.Argument(help="Sweep file: base scenario, parameters with their ranges, outputs.")
    ],
    method: Annotated[str, typer.Option(help="sobol (first-order and total indices) or morris (screening).")] = "sobol",
    n: Annotated[
        int | None,
        typer.Option(
            help="Sobol': base sample size (a power of 2); Morris: trajectories (default: the file's sampler.n)."
        ),
    ] = None,
    levels: Annotated[int, typer.Option(min=2, help="Morris grid levels.")] = 4,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: results/<sweep name>-<method>).")] = None,
    workers: WorkersOpt = None,
    scheduler: SweepSchedulerOpt = None,
    dask: SweepDaskOpt = False,
    resume: ResumeOpt = False,
    force: FolderForceOpt = False,
    connect_timeout: TimeoutOpt = 5.0,
    chunk_runs: ChunkRunsOpt = 256,
    chunk_seconds: ChunkSecondsOpt = 10.0,
) -> None:
    """Sobol' or Morris sensitivity indices of each output, from runs of the sweep machinery."""
    with user_errors():
        from ikdsim.experiments.design import base_scenario, build_design
        from ikdsim.experiments.driver import run_sweep
        from ikdsim.experiments.executors import open_engine
        from ikdsim.experiments.progress import BarProgress
        from ikdsim.experiments.sensitivity import analyse, runs_needed, sample
        from ikdsim.experiments.summary import read_runs
        from ikdsim.experiments.sweep import load_sweep

        if method not in ("sobol", "morris"):
            raise InputError(f"--method {method!r}: expected sobol or morris")
        sa_method: Literal["sobol", "morris"] = "sobol" if method == "sobol" else "morris"
        spec, doc = load_sweep(sweep_file, sampler=False)
        size = n if n is not None else spec.sampler.n
        if size is None:
            raise InputError(f"{sweep_file}: give the sample size with --n or sampler.n")
        if not 1 <= size <= MAX_SENSITIVITY_N:
            raise InputError(f"--n {size}: must be from 1 to {MAX_SENSITIVITY_N:,} (see docs/limits.md)")
        base, _ = base_scenario(spec, doc, sweep_file)
        unit = sample(sa_method, list(spec.parameters), size, base.seed, levels)
        design = build_design(spec, doc, sweep_file, unit=unit)
        design.name = f"{design.name}-{sa_method}"
        folder = out or default_folder(design.name, what="sweep name")
        _check_out(folder, resume, force)
        console.print(
            f"{design.name}: {len(design.points)} samples × {design.replicates} replicates = "
            f"{runs_needed(sa_method, len(design.axes), size, design.replicates):,} runs"
        )
        try:
            with open_engine(**_engine_args(workers, dask, scheduler, connect_timeout)) as engine:
                outcome = run_sweep(
                    design, folder, engine, resume=resume, force=force, save_paths=False,
                    progress=BarProgress("runs"), flush_runs=chunk_runs, flush_seconds=chunk_seconds,
                    manifest_extra={"kind": "sensitivity", "method": sa_method, "n": size, "levels": levels},
                )
        except (KeyboardInterrupt, Terminated):
            _resume_hint(
                f"ikdsim sensitivity {sweep_file} --method {sa_method} --n {size} --levels {levels} "
                f"--out {folder} --resume"
            )
            raise
        if outcome.failed:
            err_console.print(f"[yellow]warning:[/yellow] {outcome.failed} run(s) failed; they are left out")
        indices = analyse(sa_method, design, unit, read_runs(folder), size, levels)
        _write_indices(folder, indices)
        _print_indices(indices)
        for warning in indices.warnings:
            err_console.print(f"[yellow]warning:[/yellow] {warning}")
        console.print(f"Results written to [bold]{folder}[/bold] (sensitivity.csv, runs.parquet)")


def _resume_hint(command: str) -> None:
    err_console.print(f"finished runs are stored; continue with: {command}", markup=False)


def _write_indices(folder: Path, indices: Indices) -> None:
    import csv
    import io

    from ikdsim.experiments.storage import SweepFolder
    from ikdsim.io.tables import fmt

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["method", *indices.header])
    writer.writerows([[indices.method, *(fmt(v) for v in row)] for row in indices.rows])
    SweepFolder(folder).write_text(SweepFiles.sensitivity, buffer.getvalue())


def _print_indices(indices: Indices) -> None:
    from ikdsim.experiments.sensitivity import fmt_index

    for output in dict.fromkeys(r[0] for r in indices.rows):
        if indices.method == "sobol":
            table = Table("parameter", "first order S1 ± 95 %", "total ST ± 95 %", title=f"{output}: Sobol' indices",
                          title_justify="left")
            for row in (r for r in indices.rows if r[0] == output):
                table.add_row(row[1], fmt_index(row[2], row[3]), fmt_index(row[4], row[5]))
        else:
            table = Table("parameter", "mu* ± 95 %", "mu", "sigma", title=f"{output}: Morris elementary effects",
                          title_justify="left")
            for row in (r for r in indices.rows if r[0] == output):
                table.add_row(row[1], fmt_index(row[2], row[3]), f"{row[4]:.4g}", f"{row[5]:.4g}")
        console.print(table)
    if indices.method == "morris":
        console.print("Morris effects are per unit of each parameter's range (the range is scaled to [0, 1]).")


def register(app: typer.Typer) -> None:
    app.command()(sweep)
    app.command("sweep-summary")(sweep_summary)
    app.command()(sensitivity)
