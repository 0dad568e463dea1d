"""`ikdsim calibrate`: the scenario's unknowns given a city's own counts.

Two methods: `bayes` (default when the scenario has an `uncertain:` block) turns the block into a
posterior by sequential Monte Carlo (ikdsim.analysis.bayes) and writes a scenario that integrates
over it; `point` fits named fields by maximum likelihood with profile intervals
(ikdsim.analysis.calibrate).
"""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
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
    source_path,
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
from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_REPLICATES


class Method(StrEnum):
    bayes = "bayes"
    point = "point"


def calibrate(
    scenario: ScenarioArg,
    fit: Annotated[
        list[str] | None,
        typer.Option("--fit", help="--method point: parameter to fit, PATH or PATH=LOW:HIGH (repeatable)."),
    ] = None,
    method: Annotated[
        Method | None,
        typer.Option(help="bayes: posterior of the uncertain: block; point: best fit of --fit fields "
                     "(default: bayes when the scenario has uncertain: and no --fit is given)."),
    ] = None,
    observations: Annotated[
        Path | None, typer.Option(help="CSV with date and activated or share (default: the scenario's observations).")
    ] = None,
    particles: Annotated[int, typer.Option(min=20, max=100_000, help="--method bayes: particles.")] = 200,
    for_: Annotated[
        str | None,
        typer.Option("--for", help="--method bayes: write the calibrated file for this scenario (file or bundled "
                     "name) instead, e.g. the 2026 plan calibrated on a history; its unknowns must carry "
                     "the same names."),
    ] = None,
    holdout: Annotated[
        str | None,
        typer.Option(help="--method bayes: counts on or after this date (YYYY-MM-DD) are not used but "
                     "checked against the forecast."),
    ] = None,
    dispersion: Annotated[
        str,
        typer.Option(help="--method bayes: spread of reported counts around the truth, as a coefficient of "
                     "variation (0.05 = reported figures disagree by ~5 %), or 'fit'."),
    ] = "0.05",
    replicates: Annotated[
        int, typer.Option(min=1, max=MAX_REPLICATES, help="--method point: replicates per evaluation (fixed seeds).")
    ] = 4,
    max_evals: Annotated[
        int | None, typer.Option(min=1, help="--method point: evaluations the optimiser may use.")
    ] = None,
    xtol: Annotated[
        float, typer.Option(min=1e-6, max=0.5, help="--method point: tolerance, a fraction of each range.")
    ] = 1e-3,
    profile: Annotated[bool, typer.Option("--profile/--no-profile", help="--method point: profile intervals.")] = True,
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
    """Calibrate a scenario to observed counts; writes a calibrated scenario.

    bayes: a posterior over the scenario's uncertain inputs (negative binomial counts, tempered
    sequential Monte Carlo), with prior-posterior and predictive checks; the calibrated scenario
    draws its inputs from posterior.csv. point: maximum likelihood of the --fit fields with
    profile-likelihood intervals.
    """
    with user_errors():
        from ikdsim.analysis.observations import read_csv

        (spec,) = load([scenario], with_fixed_inputs(set_, fixed_inputs))
        chosen = method or (Method.bayes if spec.uncertain and not fit else Method.point)
        observed = read_csv(observations, spec) if observations is not None else None
        if chosen is Method.bayes:
            if fit:
                raise InputError("--fit is for --method point; --method bayes calibrates the uncertain: block")
            c = _parse_dispersion(dispersion)
            cut = _parse_date(holdout, "--holdout") if holdout else None
            target = _target(spec, for_) if for_ else None
            folder = out_folder(out, spec.name, "calibration", force)
            _bayes(spec, observed, particles, c, cut, seed, folder, force, workers, dask, scheduler, plot, target,
                   as_json)
        else:
            if not fit:
                raise InputError(
                    f"{spec.name}: --method point needs --fit PATH (repeatable)"
                    + ("" if spec.uncertain else "; or add an uncertain: block for --method bayes "
                       "(docs/uncertainty.md)")
                )
            folder = out_folder(out, spec.name, "calibration", force)
            _point(spec, scenario, fit, observed, replicates, max_evals, xtol, profile, seed, set_, folder, force,
                   workers, dask, scheduler, plot, as_json)


def _parse_dispersion(text: str) -> float | None:
    if text.strip().lower() == "fit":
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.001 <= value <= 1.0:
        raise InputError(f"--dispersion {text}: expected a number from 0.001 to 1 (e.g. 0.05) or 'fit'")
    return value


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} {text}: expected a date written YYYY-MM-DD, e.g. 2025-01-01") from None


def _target(spec: Any, source: str) -> tuple[str, Any]:
    """The scenario named by --for, checked before anything runs: it must have every unknown."""
    (target,) = load([source], [])
    missing = [n for n in spec.uncertain if n not in target.uncertain]
    if missing:
        raise InputError(
            f"--for {source}: {target.name} has no uncertain input named {', '.join(missing)}; the posterior's "
            f"unknowns ({', '.join(spec.uncertain)}) must appear in its uncertain: block under the same names"
        )
    return source, target


def _calibrated_text(spec: Any, target: tuple[str, Any] | None, folder: Path, calibrated: Any) -> str:
    from ikdsim.io.layout import CalibrationFiles
    from ikdsim.scenario.loader import dump_yaml, scenario_to_data

    if target is None:
        data = scenario_to_data(calibrated.model_copy(update={"posterior": None}))
        data["posterior"] = CalibrationFiles.posterior
        return (
            f"# Written by ikdsim calibrate --method bayes from {spec.name}: the full scenario, whose uncertain\n"
            "# inputs are drawn from the posterior in posterior.csv (next to this file). Sources and comments\n"
            f"# are in the original scenario file.\n{dump_yaml(data)}"
        )
    source, scenario = target
    path = source_path(source)
    base = source if path is None or not Path(source).exists() else os.path.relpath(path.resolve(), folder.resolve())
    return (
        f"# Written by ikdsim calibrate --method bayes: {scenario.name} with its unknowns drawn from what the\n"
        f"# counts of {spec.name} say about them (posterior.csv, next to this file); unknowns the calibration\n"
        "# did not cover keep their ranges. A relative extends: is relative to this file.\n"
        + dump_yaml({"extends": base, "name": f"{scenario.name}-calibrated", "posterior": CalibrationFiles.posterior})
    )


def _bayes(spec: Any, observed: Any, particles: int, dispersion: float | None, holdout: dt.date | None,
           seed: int | None, folder: Path, force: bool, workers: int | None, dask: bool, scheduler: str | None,
           plot: bool, target: tuple[str, Any] | None = None, as_json: bool = False) -> None:
    from ikdsim.analysis.bayes import calibrate_bayes
    from ikdsim.analysis.observations import from_scenario
    from ikdsim.io.folders import atomic_folder
    from ikdsim.io.layout import CalibrationFiles
    from ikdsim.io.tables import write_json
    from ikdsim.scenario.posterior import posterior_csv

    obs = list(observed) if observed is not None else from_scenario(spec)
    with started_engine(workers, dask, scheduler) as engine:
        result = calibrate_bayes(
            spec, obs, particles=particles, seed=seed, dispersion=dispersion, holdout=holdout, executor=engine.executor,
            progress=lambda m: err_console.print(f"  {m}"),
        )
        calibrated = _calibrated(spec, result)
        fit_runs = None
        if plot:
            from ikdsim.experiments.replicates import run_replicates

            fit_runs = run_replicates([calibrated], 40, result.seed, executor=engine.executor)[0]
    text = _calibrated_text(spec, target, folder, calibrated)
    with atomic_folder(folder, force) as tmp:
        files = CalibrationFiles(tmp)
        (files.posterior).write_text(
            posterior_csv(result.result.names, result.draws(), result.result.weights.tolist()), encoding="utf-8"
        )
        (files.calibrated).write_text(text, encoding="utf-8")
        write_json(files.summary, result.summary())
        write_rows(files.predictive, result.predictive_rows())
        if fit_runs is not None:
            _fit_plot(fit_runs, result, files.plot)
    if as_json:  # calibration.json
        print_json(result.summary())
    else:
        _print_bayes(result)
    say(
        f"Results written to [bold]{folder}[/bold] (calibrated scenario: scenario.calibrated.yaml, "
        "which draws its inputs from posterior.csv)",
        as_json,
    )


def _calibrated(spec: Any, result: Any) -> Any:
    from ikdsim.io.layout import CalibrationFiles
    from ikdsim.scenario.distributions import Posterior

    posterior = Posterior(
        source=CalibrationFiles.posterior, names=result.result.names, draws=result.draws(),
        weights=result.result.weights.tolist(),
    )
    return spec.model_copy(update={"name": f"{spec.name}-calibrated", "posterior": posterior})


def _print_bayes(result: Any) -> None:
    r = result.result
    table = Table(
        Column("unknown", overflow="fold"), "prior 5–95 %", "posterior 5–95 %", "median", "sd",
        title=(f"Posterior ({len(r.stages)} tempering stages, {r.evaluations:,} simulations, "
               f"{result.particles} particles; sd as a share of the prior's)"),
        title_justify="left",
    )
    for c in result.checks:
        table.add_row(
            c.name, f"{c.prior[0]:.3g} to {c.prior[2]:.3g}", f"{c.posterior[0]:.3g} to {c.posterior[2]:.3g}",
            f"{c.posterior[1]:.3g}", f"{c.sd_ratio:.0%}",
        )
    console.print(table)
    pred = Table("date", "observed", "predicted 5–95 %", "inside", title="Posterior predictive check",
                 title_justify="left")
    for p in result.predictive:
        pred.add_row(p.observed.date.isoformat(), f"{p.observed.count:,}", f"{p.low:,.0f} to {p.high:,.0f}",
                     "yes" if p.inside else "NO")
    console.print(pred)
    if result.forecasts:
        held = Table("date", "observed", "forecast 5–95 %", "inside",
                     title="Held-out counts against the forecast", title_justify="left")
        for p in result.forecasts:
            held.add_row(p.observed.date.isoformat(), f"{p.observed.count:,}", f"{p.low:,.0f} to {p.high:,.0f}",
                         "yes" if p.inside else "NO")
        console.print(held)
    final = r.stages[-1]
    console.print(f"Effective sample size at the last step: {final.ess:.0f} of {result.particles}.")
    for name in result.uninformed:
        err_console.print(
            f"[yellow]warning:[/yellow] the counts barely inform {name}: its posterior is close to its prior; "
            "answers still integrate over it, but only new data (a survey, a pilot) would narrow it."
        )
    if any(not p.inside for p in result.predictive):
        err_console.print(
            "[yellow]warning:[/yellow] an observation lies outside the 90 % predictive interval: the model "
            "or a reported figure may be off."
        )


def _point(spec: Any, scenario: str, fit: list[str], observed: Any, replicates: int, max_evals: int | None,
           xtol: float, profile: bool, seed: int | None, set_: list[str] | None, folder: Path, force: bool,
           workers: int | None, dask: bool, scheduler: str | None, plot: bool, as_json: bool = False) -> None:
    from ikdsim.analysis.calibrate import calibrate as run_calibrate
    from ikdsim.analysis.scenario_file import edited_text
    from ikdsim.io.folders import atomic_folder
    from ikdsim.io.layout import CalibrationFiles
    from ikdsim.io.tables import write_json

    with started_engine(workers, dask, scheduler) as engine:
        result = run_calibrate(
            spec, fit, observed, replicates, seed, max_evals=max_evals, xtol=xtol, profile=profile,
            executor=engine.executor, on_stage=lambda m: err_console.print(f"  {m}"),
            progress=bar("calibration runs"),
        )
        calibrated = result.calibrated()
        changes = {
            f.parameter.path: (f.estimate, f"calibrated by ikdsim: 95 % profile interval {f.low:.6g} to {f.high:.6g}")
            for f in result.fits
        }
        text = edited_text(None if set_ else source_path(scenario), calibrated, changes)
        fit_runs = None
        if plot:
            from ikdsim.experiments.replicates import run_replicates

            fit_runs = run_replicates([calibrated], replicates, result.seed, executor=engine.executor)[0]
    with atomic_folder(folder, force) as tmp:
        files = CalibrationFiles(tmp)
        write_json(files.summary, result.summary())
        write_rows(files.fit, result.fit_rows())
        write_rows(files.evaluations, result.evaluation_rows())
        if result.profile:
            write_rows(files.profile, result.profile)
        (files.calibrated).write_text(text, encoding="utf-8")
        if fit_runs is not None:
            _fit_plot(fit_runs, result, files.plot)
    if as_json:  # calibration.json
        print_json(result.summary())
    else:
        _print_calibration(result)
    say(f"Results written to [bold]{folder}[/bold] (calibrated scenario: scenario.calibrated.yaml)", as_json)


def _fit_plot(runs: Any, result: Any, path: Path) -> None:
    import numpy as np

    from ikdsim.reporting import plots
    from ikdsim.reporting.plots import Band, Point

    share = runs.share()
    low, high = np.percentile(share, [5, 95], axis=0)
    fig, (ax,) = plots.new_figure()
    plots.share_over_time(
        ax,
        [Band("calibrated (mean, 5-95 %)", runs.dates, share.mean(axis=0), low, high)],
        observations=[Point(o.date, o.share) for o in [*result.skipped, *result.observed]],
    )
    ax.set_title(f"{result.scenario.name}: calibrated path against the observations")
    plots.save(fig, path)


def _print_calibration(result: Any) -> None:
    table = Table(
        Column("parameter", overflow="fold"),  # names fold, never cut: candidates must be told apart at 80 columns
        "estimate",
        "95 % interval",
        "search range",
        title=f"Calibration ({result.method}; {len(result.evaluations)} evaluations × {result.replicates} replicates)",
        title_justify="left",
    )
    for f in result.fits:
        note = " (at the end of the range)" if f.at_bound else ""
        if f.at_bound:
            err_console.print(
                f"[yellow]warning:[/yellow] {f.parameter.path} fits at the end of its search range; "
                "widen it with --fit PATH=LOW:HIGH if the schema allows."
            )
        lo = f"{f.low:.6g}" + ("≤" if f.low_at_bound else "")
        hi = f"{f.high:.6g}" + ("+" if f.high_at_bound else "")
        table.add_row(
            f.parameter.path,
            f"{f.estimate:.6g}{note}",
            f"{lo} to {hi}",
            f"{f.parameter.low:.6g} to {f.parameter.high:.6g}",
        )
    console.print(table)
    fit = Table("date", "observed", "simulated", "error", title="Fit", title_justify="left")
    for row in result.fit_rows():
        fit.add_row(
            row["date"], f"{row['observed']:,}", f"{row['simulated']:,.0f}", num(row["relative_error"], "+.1%")
        )
    console.print(fit)
    d = result.dispersion
    console.print(
        f"Dispersion φ = {d['phi']:.3g} (run-to-run {num(d['process'], '.3g')}, lack of fit "
        f"{num(d['pearson'], '.3g')}): the interval is the binomial one widened by √φ."
    )
    if result.skipped:
        console.print(
            f"{len(result.skipped)} observation(s) on the first day were not fitted: they are the starting value."
        )


def register(app: typer.Typer) -> None:
    app.command()(calibrate)
