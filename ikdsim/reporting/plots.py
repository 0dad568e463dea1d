"""Plot functions: each draws on an Axes it is given (or on a new Figure) and returns it.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so nothing here touches the
global backend or opens a window, and nothing is ever shown: callers save or embed them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.reporting.i18n import Lang

ENGLISH = Lang()

TARGET_COLOUR = "#b2182b"
BAND_ALPHA = 0.25
PALETTE = ("#2166ac", "#e08214", "#1b7837", "#762a83", "#8c510a", "#35978f", "#c51b7d", "#4d4d4d")


@dataclass(frozen=True)
class Band:
    """A daily path with an optional band (e.g. replicate mean with 5th-95th percentiles)."""

    label: str
    dates: Sequence[dt.date]
    centre: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float
    label: str = ""


def new_figure(width: float = 8.0, height: float = 4.5, ncols: int = 1, sharey: bool = False) -> Any:
    """A Figure with `ncols` Axes side by side; returns (figure, list of axes)."""
    figure_mod = require("matplotlib.figure")
    fig = figure_mod.Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, sharey=sharey, squeeze=False)[0]
    return fig, list(axes)


def date_axis(ax: Any, lang: Lang = ENGLISH) -> None:
    dates_mod = require("matplotlib.dates")
    locator = dates_mod.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    if lang.code == "en":
        ax.xaxis.set_major_formatter(dates_mod.ConciseDateFormatter(locator))
        return
    # Matplotlib names months through strftime, in English whatever the report's language. As
    # the concise formatter does, the year goes on the first tick and on January only.
    ticker = require("matplotlib.ticker")

    def tick(x: float, pos: int | None) -> str:
        d = dates_mod.num2date(x).date()
        return lang.month_tick(d, year=pos == 0 or d.month == 1)

    ax.xaxis.set_major_formatter(ticker.FuncFormatter(tick))


def _counts(ax: Any, lang: Lang, axis: str = "y") -> None:
    """People on an axis with the language's thousands separator (10,000; 10.000)."""
    ticker = require("matplotlib.ticker")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(ticker.FuncFormatter(lambda v, _: lang.num(v)))


def _percent(ax: Any, lang: Lang = ENGLISH, axis: str = "y") -> None:
    ticker = require("matplotlib.ticker")
    formatter = ticker.FuncFormatter(lambda v, _: lang.pct(v, 0))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def share_over_time(
    ax: Any,
    bands: Sequence[Band],
    target_share: float | None = None,
    target_by: dt.date | None = None,
    observations: Sequence[Point] = (),
    first_colour: int = 0,
    lang: Lang = ENGLISH,
) -> Any:
    """Activated share with bands, the target line and its deadline, and observed points."""
    for i, band in enumerate(bands):
        colour = PALETTE[(first_colour + i) % len(PALETTE)]
        ax.plot(band.dates, band.centre, color=colour, label=band.label, linewidth=1.8)
        if band.low is not None and band.high is not None:
            ax.fill_between(band.dates, band.low, band.high, color=colour, alpha=BAND_ALPHA, linewidth=0)
    if target_share is not None:
        ax.axhline(target_share, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
                   label=lang.t("plot_target", share=lang.pct(target_share, 0)))
    if target_by is not None:
        ax.axvline(target_by, color=TARGET_COLOUR, linestyle=":", linewidth=1.0)
    if observations:
        ax.scatter([o.date for o in observations], [o.value for o in observations], color="black", zorder=5,
                   marker="o", s=28, label=lang.t("plot_observed"))
    ax.set_ylabel(lang.t("plot_share"))
    ax.set_ylim(bottom=0)
    _percent(ax, lang)
    date_axis(ax, lang)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return ax


def stacked_cumulative(
    ax: Any, dates: Sequence[dt.date], columns: Mapping[str, np.ndarray], ylabel: str, lang: Lang = ENGLISH
) -> Any:
    """Cumulative totals of several daily columns, stacked (who activated, what drove decisions)."""
    names = [n for n, v in columns.items() if np.asarray(v).sum() > 0]
    if names:
        ax.stackplot(dates, *[np.cumsum(columns[n]) for n in names], labels=names,
                     colors=[PALETTE[i % len(PALETTE)] for i in range(len(names))], alpha=0.85)
        ax.legend(loc="upper left", fontsize="small")
    else:
        ax.text(0.5, 0.5, lang.t("plot_none"), transform=ax.transAxes, ha="center")
    ax.set_ylabel(ylabel)
    _counts(ax, lang)
    date_axis(ax, lang)
    ax.grid(alpha=0.3)
    return ax


def totals_bars(ax: Any, totals: Mapping[str, float], xlabel: str) -> Any:
    """Horizontal bars of totals (replicate means) when daily columns are not available."""
    names = list(totals)
    ax.barh(names, [totals[n] for n in names], color=[PALETTE[i % len(PALETTE)] for i in range(len(names))])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3, axis="x")
    return ax


def queue_and_wait(ax: Any, waiting: Band, served: Band | None = None, lang: Lang = ENGLISH) -> Any:
    """People waiting, and the wait a newcomer faces by Little's law (7-day averages)."""
    ax.plot(waiting.dates, waiting.centre, color=PALETTE[0], label=lang.t("plot_waiting"))
    if waiting.low is not None and waiting.high is not None:
        ax.fill_between(waiting.dates, waiting.low, waiting.high, color=PALETTE[0], alpha=BAND_ALPHA, linewidth=0)
    ax.set_ylabel(lang.t("plot_waiting"))
    ax.set_ylim(bottom=0)
    _counts(ax, lang)
    date_axis(ax, lang)
    ax.grid(alpha=0.3)
    if served is not None:
        queue = _rolling(np.asarray(waiting.centre, dtype=float))
        throughput = _rolling(np.asarray(served.centre, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.where(throughput > 0, queue / throughput, np.nan)
        twin = ax.twinx()
        twin.plot(waiting.dates, wait, color=PALETTE[1], linewidth=1.0, label=lang.t("plot_wait"))
        twin.set_ylabel(lang.t("plot_wait_axis"))
        twin.set_ylim(bottom=0)
        lines = ax.get_lines() + twin.get_lines()
        ax.legend(lines, [line.get_label() for line in lines], loc="upper left", fontsize="small")
    else:
        ax.legend(loc="upper left", fontsize="small")
    return ax


def _rolling(x: np.ndarray, window: int = 7) -> np.ndarray:
    if len(x) < window:
        return x
    kernel = np.ones(window) / window
    out: np.ndarray = np.convolve(x, kernel, mode="same")
    return out


def district_shares(
    ax: Any, shares: Mapping[str, float], target_share: float | None = None, lang: Lang = ENGLISH
) -> Any:
    """Share activated by district on the last day, as a map-like ranked bar chart."""
    ordered = sorted(shares.items(), key=lambda kv: kv[1])
    ax.barh([k for k, _ in ordered], [v for _, v in ordered], color=PALETTE[0])
    if target_share is not None:
        ax.axvline(target_share, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
                   label=lang.t("plot_target", share=lang.pct(target_share, 0)))
        ax.legend(loc="lower right", fontsize="small")
    _percent(ax, lang, axis="x")
    ax.set_xlabel(lang.t("plot_district_axis"))
    ax.grid(alpha=0.3, axis="x")
    return ax


def paths_side_by_side(
    bands: Sequence[Band],
    target_share: float | None = None,
    target_by: dt.date | None = None,
    observations: Sequence[Point] = (),
    lang: Lang = ENGLISH,
) -> Any:
    """One panel per scenario, same y axis: the compare figure."""
    fig, axes = new_figure(width=max(6.0, 4.0 * len(bands)), height=4.0, ncols=len(bands), sharey=True)
    for i, (ax, band) in enumerate(zip(axes, bands, strict=True)):
        share_over_time(ax, [band], target_share, target_by, observations, first_colour=i, lang=lang)
        ax.set_title(band.label, fontsize="medium")
        if i:
            ax.set_ylabel("")
    fit_shares(axes, [b.high if b.high is not None else b.centre for b in bands], target_share, observations)
    return fig


def fit_shares(
    axes: Sequence[Any], tops: Sequence[Any], target_share: float | None = None, observations: Sequence[Point] = ()
) -> float:
    """One y range, from 0 to above the highest line, target and observation of every panel.

    Shared axes are not enough: `set_ylim(bottom=0)` in one panel freezes the top at that
    panel's data, so a policy that rises higher in a later panel was clipped.
    """
    highest = max(
        [float(np.nanmax(t)) for t in tops if len(t)]
        + [target_share or 0.0]
        + [o.value for o in observations]
        + [0.01]
    )
    top = min(1.0, highest * 1.08) if highest <= 1.0 else highest * 1.08
    for ax in axes:
        ax.set_ylim(0, top)
    return top


def fan(
    ax: Any,
    dates: Sequence[dt.date],
    quantiles: np.ndarray,
    label: str,
    colour: str,
    target_share: float | None = None,
    target_by: dt.date | None = None,
    observations: Sequence[Point] = (),
    lang: Lang = ENGLISH,
) -> Any:
    """A fan chart: the 5-95 % and 25-75 % bands of the futures and their median.

    `quantiles` has the rows of `ikdsim.analysis.uncertainty.FAN` (5, 25, 50, 75, 95 %).
    """
    p05, p25, p50, p75, p95 = quantiles
    ax.fill_between(dates, p05, p95, color=colour, alpha=0.18, linewidth=0, label=lang.t("fan_outer"))
    ax.fill_between(dates, p25, p75, color=colour, alpha=0.38, linewidth=0, label=lang.t("fan_inner"))
    ax.plot(dates, p50, color=colour, linewidth=1.8, label=lang.t("fan_median"))
    share_over_time(ax, [], target_share, target_by, observations, lang=lang)
    ax.set_title(label, fontsize="medium")
    return ax


def probability_curve(
    ax: Any, values: Sequence[Any], probabilities: Sequence[float], lows: Sequence[float], highs: Sequence[float],
    required: float, answer: Any | None, xlabel: str,
) -> Any:
    """Measured probability of reaching the target against the lever, with Wilson intervals."""
    p = np.asarray(probabilities, dtype=float)
    err = np.vstack([p - np.asarray(lows, dtype=float), np.asarray(highs, dtype=float) - p])
    ax.errorbar(values, p, yerr=err, fmt="o-", color=PALETTE[0], capsize=3, label="measured")
    ax.axhline(required, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label=f"required {required:.0%}")
    if answer is not None:
        ax.axvline(answer, color=PALETTE[2], linestyle=":", linewidth=1.5, label=f"answer {answer}")
    ax.set_ylim(-0.02, 1.02)
    _percent(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("probability of reaching the target")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax


def contribution_bars(
    ax: Any, labels: Sequence[str], estimates: Sequence[float], lows: Sequence[float], highs: Sequence[float],
    lang: Lang = ENGLISH,
) -> Any:
    """Activations by the target date thanks to each lever, with 95 % intervals, largest on top."""
    est = np.asarray(estimates, dtype=float)
    err = np.vstack([est - np.asarray(lows, dtype=float), np.asarray(highs, dtype=float) - est])
    err = np.nan_to_num(err, nan=0.0)
    colours = [PALETTE[0] if v >= 0 else PALETTE[1] for v in est]
    ax.barh(list(labels), est, xerr=err, color=colours, capsize=3)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(lang.t("plot_contribution_axis"))
    _counts(ax, lang, axis="x")
    ax.grid(alpha=0.3, axis="x")
    return ax


def save(fig: Any, path: Any, dpi: int = 110) -> None:
    import io
    from pathlib import Path

    from ikdsim.io.folders import atomic_write_bytes

    # A fixed creation-free metadata block keeps PNG bytes the same for the same figure.
    if not isinstance(path, str | Path):  # a buffer (the report inlines its images)
        fig.savefig(path, dpi=dpi, format="png", metadata={"Software": None})
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, format="png", metadata={"Software": None})
    atomic_write_bytes(Path(path), buffer.getvalue())
