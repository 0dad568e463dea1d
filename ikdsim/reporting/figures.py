"""The standard set of figures for one scenario's results, from a result folder or from runs.

A folder may come from `run` (one path: daily channel and cause columns, districts.csv), from
`run --replicates` (daily mean and percentile columns, per-replicate totals in replicates.csv)
or from `compare` (paths.csv with one band per scenario). `write_plots` finds out which and
writes the PNGs that fit.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ikdsim.errors import InputError
from ikdsim.experiments.replicates import Runs
from ikdsim.io.folders import write_error
from ikdsim.io.layout import CompareFiles, ReplicateFiles, ResultFiles, RunFiles, SweepFiles
from ikdsim.model import columns
from ikdsim.model.assembly import walk_in as walk_in_channels
from ikdsim.reporting import district_map, plots
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.plots import ENGLISH, Band, Point
from ikdsim.scenario.districts import DistrictMap
from ikdsim.scenario.schema import Scenario


@dataclass
class PlotData:
    """What the figures of one scenario need; fields left empty are simply not drawn."""

    label: str
    dates: list[dt.date]
    share: Band
    target_share: float | None = None
    target_by: dt.date | None = None
    observations: list[Point] = field(default_factory=list)
    channels: dict[str, np.ndarray] = field(default_factory=dict)  # daily activations per channel
    causes: dict[str, np.ndarray] = field(default_factory=dict)  # daily decisions per cause
    channel_totals: dict[str, float] = field(default_factory=dict)  # when only totals are known
    cause_totals: dict[str, float] = field(default_factory=dict)
    waiting: Band | None = None
    served: Band | None = None
    districts: dict[str, float] = field(default_factory=dict)  # last-day share per district
    district_map: DistrictMap | None = None  # the districts' boundaries, where the scenario gives them


def observation_points(scenario: Scenario) -> list[Point]:
    total = scenario.population.total
    return [
        Point(o.date, o.share if o.share is not None else (o.activated or 0) / total, o.source)
        for o in scenario.observations
    ]


def from_runs(runs: Runs, districts: dict[str, float] | None = None, lang: Lang = ENGLISH) -> PlotData:
    """Replicate means with 5th-95th percentile bands; channels and causes as daily means."""
    scenario = runs.scenario
    dates = runs.dates

    def band(values: np.ndarray, label: str) -> Band:
        low, high = np.percentile(values, [5, 95], axis=0)
        return Band(label, dates, values.mean(axis=0), low, high)

    kept = runs.records[0].daily
    channels = {columns.channel_of(c): runs.column(c).mean(axis=0) for c in kept if columns.is_channel(c)}
    causes = {columns.cause_of(c): runs.column(c).mean(axis=0) for c in kept if columns.is_cause(c)}
    return PlotData(
        label=scenario.name,
        dates=dates,
        share=band(runs.share(),
                   lang.t("plot_mean_band", name=scenario.name) if runs.replicates > 1 else scenario.name),
        target_share=scenario.target.share,
        target_by=scenario.target.by,
        observations=observation_points(scenario),
        channels=channels,
        causes=causes,
        waiting=band(runs.column("waiting").astype(float), lang.t("plot_waiting")),
        served=_walk_in(runs, lang),
        districts=districts or {},
        district_map=scenario.population.district_map,
    )


def _walk_in(runs: Runs, lang: Lang = ENGLISH) -> Band:
    walk_in = walk_in_channels(runs.scenario)[0]
    total = sum((runs.column(c).astype(float) for c in walk_in), np.zeros((runs.replicates, len(runs.dates))))
    return Band(lang.t("plot_walk_in"), runs.dates, total.mean(axis=0))


def _breakdown(data: PlotData, daily: Any, totals: Any, what: str, lang: Lang) -> Any:
    """Cumulative daily paths by part when a single run has them, else totals (replicates)."""
    fig, (ax,) = plots.new_figure()
    if daily:
        plots.stacked_cumulative(ax, data.dates, daily, lang.t(f"plot_{what}_cumulative"), lang)
    else:
        plots.totals_bars(ax, totals, lang.t(f"plot_{what}_totals"))
    ax.set_title(f"{data.label}: {lang.t(f'plot_{what}_title')}")
    return fig


def figures(data: PlotData, lang: Lang = ENGLISH) -> dict[str, Any]:
    """name → Figure: share, channels, causes, queue, districts (those the data allow)."""
    out: dict[str, Any] = {}
    fig, (ax,) = plots.new_figure()
    plots.share_over_time(ax, [data.share], data.target_share, data.target_by, data.observations, lang=lang)
    ax.set_title(f"{data.label}: {lang.t('plot_share_title')}")
    out["share"] = fig
    if data.channels or data.channel_totals:
        out["channels"] = _breakdown(data, data.channels, data.channel_totals, "activations", lang)
    if data.causes or data.cause_totals:
        out["causes"] = _breakdown(data, data.causes, data.cause_totals, "decisions", lang)
    if data.waiting is not None:
        fig, (ax,) = plots.new_figure()
        plots.queue_and_wait(ax, data.waiting, data.served, lang)
        ax.set_title(f"{data.label}: {lang.t('plot_queue_title')}")
        out["queue"] = fig
    if data.districts:
        fig, (ax,) = plots.new_figure(height=max(3.0, 0.45 * len(data.districts) + 1.2))
        plots.district_shares(ax, data.districts, data.target_share, lang)
        ax.set_title(f"{data.label}: {lang.t('plot_districts_title')}")
        out["districts"] = fig
        if data.district_map is not None:
            out["district_map"] = district_map.figure(data.label, data.district_map, data.districts,
                                                      data.target_share, lang)
    return out


# -- result folders ------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    if not rows:
        raise InputError(f"{path}: empty file")
    return rows[0], rows[1:]


def _column(header: list[str], rows: list[list[str]], name: str) -> np.ndarray:
    i = header.index(name)
    return np.array([float(r[i]) if r[i] != "" else np.nan for r in rows])


def _scenario_of(folder: Path) -> Scenario | None:
    path = ResultFiles(folder).scenario
    if not path.is_file():
        return None
    from ikdsim.scenario.loader import load_scenario

    return load_scenario(path)


def load_result_dir(folder: Path) -> PlotData:
    """Plot data from the folder of `run` or `run --replicates`."""
    # A run's and a replicate set's daily.csv share the name; their columns tell them apart.
    run, reps = RunFiles(folder), ReplicateFiles(folder)
    header, rows = _read_csv(run.daily)
    if "date" not in header:
        raise InputError(f"{run.daily}: no 'date' column; is this an ikdsim result folder?")
    dates = [dt.date.fromisoformat(r[header.index("date")]) for r in rows]
    scenario = _scenario_of(folder)
    label = scenario.name if scenario else folder.name
    data = PlotData(label, dates, Band(label, dates, np.zeros(len(dates))))
    if scenario is not None:
        data.target_share, data.target_by = scenario.target.share, scenario.target.by
        data.observations = observation_points(scenario)
        data.district_map = scenario.population.district_map
    if "activated_share" in header:  # one run
        data.share = Band(label, dates, _column(header, rows, "activated_share"))
        data.channels = {columns.channel_of(c): _column(header, rows, c) for c in header if columns.is_channel(c)}
        data.causes = {columns.cause_of(c): _column(header, rows, c) for c in header if columns.is_cause(c)}
        data.waiting = Band(ENGLISH.t("plot_waiting"), dates, _column(header, rows, "waiting"))
        if scenario is not None:
            points = [columns.channel_of(c) for c in walk_in_channels(scenario)[0]]
            served = sum((data.channels.get(p, np.zeros(len(dates))) for p in points), np.zeros(len(dates)))
            data.served = Band(ENGLISH.t("plot_walk_in"), dates, served)
        data.districts = _last_day_districts(run.districts)
    elif "activated_share_mean" in header:  # replicates
        data.share = _band(header, rows, "activated_share", dates, ENGLISH.t("plot_mean_band", name=label))
        if "waiting_mean" in header:
            data.waiting = _band(header, rows, "waiting", dates, ENGLISH.t("plot_waiting"))
        data.channel_totals, data.cause_totals = _replicate_totals(reps.replicates)
    else:
        raise InputError(f"{run.daily}: neither activated_share nor activated_share_mean; not a run folder")
    return data


def _band(header: list[str], rows: list[list[str]], name: str, dates: list[dt.date], label: str) -> Band:
    centre = _column(header, rows, f"{name}_mean")
    low = _column(header, rows, f"{name}_p05") if f"{name}_p05" in header else None
    high = _column(header, rows, f"{name}_p95") if f"{name}_p95" in header else None
    return Band(label, dates, centre, low, high)


def _replicate_totals(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    if not path.is_file():
        return {}, {}
    header, rows = _read_csv(path)
    channels = {columns.channel_of(c): float(np.nanmean(_column(header, rows, c)))
                for c in header if columns.is_channel(c)}
    causes = {columns.cause_of(c): float(np.nanmean(_column(header, rows, c)))
              for c in header if columns.is_cause(c)}
    return channels, causes


def _last_day_districts(path: Path) -> dict[str, float]:
    if not path.is_file():
        return {}
    header, rows = _read_csv(path)
    if not rows or not {"date", "district", "activated_share"} <= set(header):
        return {}
    d, n, s = header.index("date"), header.index("district"), header.index("activated_share")
    last = max(r[d] for r in rows)
    return {r[n]: float(r[s]) for r in rows if r[d] == last}


def load_compare_dir(folder: Path) -> tuple[list[Band], Scenario | None]:
    header, rows = _read_csv(CompareFiles(folder).paths)
    by_scenario: dict[str, list[list[str]]] = {}
    for r in rows:
        by_scenario.setdefault(r[header.index("scenario")], []).append(r)
    bands = []
    for name, part in by_scenario.items():
        dates = [dt.date.fromisoformat(r[header.index("date")]) for r in part]
        bands.append(Band(name, dates, _column(header, part, "mean"),
                          _column(header, part, "p05"), _column(header, part, "p95")))
    return bands, _scenario_of(folder)


def compare_figure(bands: Sequence[Band], scenario: Scenario | None, lang: Lang = ENGLISH) -> Any:
    fig = plots.paths_side_by_side(
        bands,
        scenario.target.share if scenario else None,
        scenario.target.by if scenario else None,
        observation_points(scenario) if scenario else [],
        lang,
    )
    fig.suptitle(lang.t("plot_compare_title"))
    return fig


SWEEP_OUTPUTS = (("target_reached_prob", "target_reached_ci95", "probability of reaching the target"),
                 ("final_share_mean", "final_share_ci95", "final share (mean)"))
SWEEP_FIXED = {"point", "runs", "failed"}


def sweep_figure(path: Path) -> Any:
    """Each sweep output against each parameter, one panel per pair, with 95 % intervals."""
    header, rows = _read_csv(path)
    outputs = [o for o in SWEEP_OUTPUTS if o[0] in header]
    first_output = min((header.index(o[0]) for o in outputs), default=len(header))
    parameters = [h for h in header[:first_output] if h not in SWEEP_FIXED and not h.startswith(
        ("final_share", "date_target", "target_reached", "mean_wait"))]
    if not outputs or not parameters:
        raise InputError(f"{path}: no parameter or no output column to plot")
    figure_mod = require_plot()
    fig = figure_mod.Figure(figsize=(4.0 * len(parameters), 3.2 * len(outputs)), layout="constrained")
    axes = fig.subplots(len(outputs), len(parameters), squeeze=False)
    for j, name in enumerate(parameters):
        xs = [_axis_value(r[header.index(name)]) for r in rows]
        keep = [i for i, x in enumerate(xs) if x is not None]
        for i, (column, interval, label) in enumerate(outputs):
            y = _column(header, rows, column)[keep]
            low = _column(header, rows, f"{interval}_low")[keep]
            high = _column(header, rows, f"{interval}_high")[keep]
            ax = axes[i][j]
            err = np.nan_to_num(np.vstack([y - low, high - y]), nan=0.0)
            ax.errorbar([xs[k] for k in keep], y, yerr=err, fmt="o", color=plots.PALETTE[i], capsize=2, alpha=0.8)
            if keep and isinstance(xs[keep[0]], dt.date):
                plots.date_axis(ax)
            ax.set_xlabel(name)
            if len(keep) < len(xs):
                ax.set_title(f"{len(xs) - len(keep)} point(s) with {name} null not shown", fontsize="small")
            ax.set_ylabel(label if j == 0 else "")
            ax.grid(alpha=0.3)
    fig.suptitle("sweep: outputs by parameter (points with 95 % intervals)")
    return fig


def require_plot() -> Any:
    from ikdsim._optional import require

    return require("matplotlib.figure")


def _axis_value(text: str) -> Any:
    if text in ("", "null", "None"):
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def write_plots(result_dir: Path, out: Path | None = None) -> list[Path]:
    """Write the PNGs that fit the result folder (of run, run --replicates, compare or a
    summarised sweep).

    This is what `ikdsim plot DIR` and `--plot` call; images go into `out` (default: the folder
    itself). Returns the files written.
    """
    folder = Path(result_dir)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such result folder")
    target = Path(out) if out is not None else folder
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(target, exc) from None
    written: list[Path] = []
    if CompareFiles(folder).paths.is_file():
        bands, scenario = load_compare_dir(folder)
        path = CompareFiles(target).plot
        plots.save(compare_figure(bands, scenario), path)
        written.append(path)
    if (summary := SweepFiles(folder).points_summary).is_file():
        path = SweepFiles(target).plot
        plots.save(sweep_figure(summary), path)
        written.append(path)
    if RunFiles(folder).daily.is_file():
        for name, fig in figures(load_result_dir(folder)).items():
            path = target / f"{name}.png"
            plots.save(fig, path)
            written.append(path)
    if not written:
        raise InputError(
            f"{folder}: nothing to plot (expected {RunFiles.daily} from run, {CompareFiles.paths} from compare, "
            f"or {SweepFiles.points_summary} from sweep-summary)"
        )
    return written
