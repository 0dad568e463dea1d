"""The district map: each district's polygons filled by its last-day activated share.

Drawn with matplotlib alone (no GIS library, no tiles, nothing fetched), so the map is a PNG like
every other figure and the report stays one file that opens offline. The shapes come from the
scenario (`population.district_map`, read from its GeoJSON when the scenario was loaded); the
note under the map says where the boundaries come from and whether they are schematic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.reporting.i18n import Lang
from ikdsim.reporting.plots import ENGLISH, TARGET_COLOUR, new_figure
from ikdsim.scenario.districts import DistrictMap, Polygon

# Perceptually uniform and readable in grey and by colour-blind readers; more share is darker.
COLOUR_MAP = "viridis_r"
NO_SHARE = "#d9d9d9"
STEP = 0.05  # the colour bar's ends are rounded to this, so that nearby reports share a scale


@dataclass(frozen=True)
class DrawnMap:
    """What `draw` made, for the colour bar and for tests: one patch per district."""

    patches: dict[str, Any]  # district -> PathPatch (all its polygons, holes cut out)
    norm: Any  # share -> [0, 1] of the colour map
    cmap: Any


def colour_range(shares: Sequence[float], target: float | None) -> tuple[float, float]:
    """The colour bar's ends: the shares and the target, rounded outwards to STEP."""
    values = [*shares, *([target] if target is not None else [])] or [0.0, 1.0]
    low = max(0.0, math.floor(min(values) / STEP + 1e-9) * STEP)
    high = min(1.0, math.ceil(max(values) / STEP - 1e-9) * STEP)
    if high - low < STEP:  # all equal: widen so the colour bar has a length
        low, high = max(0.0, high - STEP), max(high, STEP)
    return low, high


def short_names(names: Sequence[str]) -> dict[str, str]:
    """Labels without the prefix every name shares ("balikpapan-utara" -> "utara"): on a map of
    one city the city's name in every label is noise that crowds the districts."""
    if len(names) < 2:
        return {n: n for n in names}
    prefix = names[0]
    for n in names[1:]:
        while not n.startswith(prefix):
            prefix = prefix[:-1]
    cut = max(prefix.rfind(c) for c in "-_ ") + 1
    if cut == 0 or any(len(n) <= cut for n in names):
        return {n: n for n in names}
    return {n: n[cut:] for n in names}


def _path(polygons: Sequence[Polygon]) -> Any:
    """One compound path for all of a district's polygons, holes cut out.

    Matplotlib fills by the non-zero winding rule, so a hole is empty only if it turns the other
    way round from its outer ring. GeoJSON asks for that (RFC 7946: outer rings counterclockwise,
    holes clockwise) but older exports often ignore it, so every ring is turned here.
    """
    path_mod = require("matplotlib.path")
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            counterclockwise = _signed_area(ring) > 0
            points = list(ring) if counterclockwise == (i == 0) else list(reversed(ring))
            vertices += [(float(x), float(y)) for x, y in points]
            codes += [path_mod.Path.MOVETO] + [path_mod.Path.LINETO] * (len(ring) - 2) + [path_mod.Path.CLOSEPOLY]
    return path_mod.Path(np.array(vertices, dtype=float), codes)


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    return _ring_area_centroid(ring)[0]


def _ring_area_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, tuple[float, float]]:
    """(signed area, positive counterclockwise; centroid) of a closed ring (shoelace formula)."""
    x = np.array([p[0] for p in ring], dtype=float)
    y = np.array([p[1] for p in ring], dtype=float)
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = float(cross.sum() / 2)
    if abs(area) < 1e-15:
        return 0.0, (float(x.mean()), float(y.mean()))
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    return area, (float(cx), float(cy))


def label_point(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """Where a district's label goes: the centroid of its largest polygon, or, when that falls
    outside (a crescent, a bay), the inside point of a grid farthest from the boundary."""
    path_mod = require("matplotlib.path")
    (_, centre), largest = max(((_ring_area_centroid(p[0]), p) for p in polygons), key=lambda found: abs(found[0][0]))
    outline = path_mod.Path(np.array(largest[0], dtype=float))
    if outline.contains_point(centre):
        return centre
    points = np.array(largest[0], dtype=float)
    xs = np.linspace(points[:, 0].min(), points[:, 0].max(), 25)
    ys = np.linspace(points[:, 1].min(), points[:, 1].max(), 25)
    best, best_distance = (float(points[0, 0]), float(points[0, 1])), -1.0
    for x in xs:
        for y in ys:
            if outline.contains_point((x, y)):
                distance = float(np.min(np.hypot(points[:, 0] - x, points[:, 1] - y)))
                if distance > best_distance:
                    best, best_distance = (float(x), float(y)), distance
    return best


def _text_colour(rgba: Sequence[float]) -> str:
    # Relative luminance: dark fills get white labels.
    r, g, b = rgba[:3]
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "black"


def draw(
    ax: Any,
    shapes: Mapping[str, Sequence[Polygon]],
    shares: Mapping[str, float],
    target_share: float | None = None,
    lang: Lang = ENGLISH,
) -> DrawnMap:
    """Fill each district by its share on `ax`, label it with its name and share; no axes frame."""
    colors = require("matplotlib.colors")
    patches_mod = require("matplotlib.patches")
    colormaps = require("matplotlib").colormaps
    cmap = colormaps[COLOUR_MAP]
    norm = colors.Normalize(*colour_range([shares[d] for d in shapes if d in shares], target_share))
    names = short_names(list(shapes))
    drawn: dict[str, Any] = {}
    for district, polygons in shapes.items():
        share = shares.get(district)
        face = cmap(norm(share)) if share is not None else colors.to_rgba(NO_SHARE)
        patch = patches_mod.PathPatch(_path(polygons), facecolor=face, edgecolor="white", linewidth=1.2)
        ax.add_patch(patch)
        drawn[district] = patch
        x, y = label_point(polygons)
        value = lang.pct(share, 1) if share is not None else lang.t("map_no_share")
        ax.text(x, y, f"{names[district]}\n{value}", ha="center", va="center", fontsize="small",
                color=_text_colour(face))
    everything = np.array([p for polygons in shapes.values() for polygon in polygons for ring in polygon
                           for p in ring], dtype=float)
    (x0, y0), (x1, y1) = everything.min(axis=0), everything.max(axis=0)
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    middle = (y0 + y1) / 2
    if abs(middle) < 85:  # longitude and latitude: a degree of longitude is cos(latitude) as long
        ax.set_aspect(1 / math.cos(math.radians(middle)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return DrawnMap(drawn, norm, cmap)


def colour_bar(fig: Any, ax: Any, drawn: DrawnMap, target_share: float | None, lang: Lang = ENGLISH) -> Any:
    """The colour bar of the shares, in the report's percentages, with the target marked on it."""
    cm = require("matplotlib.cm")
    ticker = require("matplotlib.ticker")
    bar = fig.colorbar(cm.ScalarMappable(norm=drawn.norm, cmap=drawn.cmap), ax=ax, shrink=0.85)
    low, high = drawn.norm.vmin, drawn.norm.vmax
    step = next(s for s in (STEP, 0.1, 0.2, 0.25) if (high - low) / s <= 8 + 1e-9)
    # Ticks on round percentages, so that every tick label is exact at 0 decimals.
    bar.set_ticks(list(np.arange(math.ceil(low / step - 1e-9) * step, high + 1e-9, step)))
    bar.ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: lang.pct(v, 0)))
    bar.set_label(lang.t("plot_district_axis"))
    if target_share is not None:
        bar.ax.axhline(target_share, color=TARGET_COLOUR, linewidth=2.5)
        bar.ax.text(-0.15, target_share, lang.t("plot_target", share=lang.pct(target_share, 0)),
                    transform=bar.ax.get_yaxis_transform(), ha="right", va="center", fontsize="small",
                    color=TARGET_COLOUR)
    return bar


def note(district_map: DistrictMap, lang: Lang = ENGLISH) -> str:
    """Under the map: the boundaries' file and source, and that they are schematic if they are."""
    source = district_map.source.strip()
    text = lang.t("map_boundaries", file=district_map.geojson.file, source=f" ({source})" if source else "")
    if district_map.geojson.schematic:
        text = f"{lang.t('map_schematic')} {text}"
    return text


def figure(
    label: str,
    district_map: DistrictMap,
    shares: Mapping[str, float],
    target_share: float | None = None,
    lang: Lang = ENGLISH,
) -> Any:
    """The map as a Figure: title, filled districts, colour bar with the target, note underneath."""
    fig, (ax,) = new_figure(width=7.5, height=6.0)
    drawn = draw(ax, district_map.geojson.shapes, shares, target_share, lang)
    colour_bar(fig, ax, drawn, target_share, lang)
    ax.set_title(f"{label}: {lang.t('plot_district_map_title')}")
    # The axis label slot sits under the map and constrained layout makes room for it.
    ax.set_xlabel(note(district_map, lang), fontsize="small", wrap=True)
    return fig
