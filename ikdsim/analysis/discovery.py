"""Scenario discovery: boxes of the uncertain inputs in which a case of interest (the target
reached, a share above a level) is common, found by PRIM (Friedman and Fisher 1999), as the EMA
Workbench does it.

Peeling starts from the box holding every replicate and repeatedly cuts off the `alpha` share of
the replicates at the low or high end of one input, choosing the cut that leaves the highest
density of cases, until fewer than `mass_min` of the replicates remain. Every box on the way is
kept (the peeling trajectory) with its

- coverage: the share of all cases that fall in the box,
- density: the share of the box's replicates that are cases,
- mass: the share of all replicates in the box.

A researcher picks a box from the trade-off between coverage and density; `choose` takes the
densest box that still covers at least half of the cases. Pasting (growing a box back) is not
done: on a few hundred replicates it rarely changes the box and it doubles the code to trust.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    low: tuple[float, ...]
    high: tuple[float, ...]
    coverage: float
    density: float
    mass: float

    def restricted(self, full: Box) -> list[int]:
        """The inputs this box limits compared with `full`."""
        return [i for i in range(len(self.low)) if self.low[i] > full.low[i] or self.high[i] < full.high[i]]


def _inside(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    inside: np.ndarray = np.all((x >= low) & (x <= high), axis=1)
    return inside


def _box(x: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray) -> Box:
    inside = _inside(x, low, high)
    cases = max(int(y.sum()), 1)
    return Box(
        tuple(float(v) for v in low), tuple(float(v) for v in high),
        float(y[inside].sum() / cases), float(y[inside].mean()) if inside.any() else 0.0,
        float(inside.mean()),
    )


def prim(x: np.ndarray, y: np.ndarray, alpha: float = 0.05, mass_min: float = 0.05) -> list[Box]:
    """The peeling trajectory for inputs `x` (replicates × inputs) and cases `y` (booleans)."""
    if x.ndim != 2 or len(x) != len(y):
        raise ValueError("x must be replicates × inputs and y one value per replicate")
    y = y.astype(float)
    low, high = x.min(axis=0), x.max(axis=0)
    trajectory = [_box(x, y, low, high)]
    while True:
        inside = _inside(x, low, high)
        if inside.mean() <= mass_min:
            break
        best: tuple[float, int, str, float] | None = None
        for i in range(x.shape[1]):
            values = x[inside, i]
            for side, cut in (("low", np.quantile(values, alpha)), ("high", np.quantile(values, 1 - alpha))):
                keep = inside & (x[:, i] >= cut if side == "low" else x[:, i] <= cut)
                # A cut that removes nothing (ties, a discrete input) or everything is no peel.
                if keep.sum() in (0, inside.sum()) or keep.mean() < mass_min:
                    continue
                density = float(y[keep].mean())
                # Ties go to the earlier input and the low side: the trajectory never depends on chance.
                if best is None or density > best[0]:
                    best = (density, i, side, float(cut))
        if best is None:
            break
        _, i, side, cut = best
        if side == "low":
            low = low.copy()
            low[i] = x[inside & (x[:, i] >= cut), i].min()
        else:
            high = high.copy()
            high[i] = x[inside & (x[:, i] <= cut), i].max()
        trajectory.append(_box(x, y, low, high))
    return trajectory


def choose(trajectory: Sequence[Box], min_coverage: float = 0.5) -> Box:
    """The densest box that still covers `min_coverage` of the cases (the first such on ties)."""
    eligible = [b for b in trajectory if b.coverage >= min_coverage] or [trajectory[0]]
    return max(eligible, key=lambda b: b.density)


def simplify(box: Box, full: Box, x: np.ndarray, y: np.ndarray, tolerance: float = 0.02) -> Box:
    """Drop the limits that barely matter: one at a time, the limit whose removal costs the least
    density, while that cost stays below `tolerance`. Peeling trims every input a little; a
    planner needs the two or three that make the difference."""
    y = y.astype(float)
    low, high = np.array(box.low), np.array(box.high)
    while True:
        current = _box(x, y, low, high)
        options = []
        for i in current.restricted(full):
            lo, hi = low.copy(), high.copy()
            lo[i], hi[i] = full.low[i], full.high[i]
            options.append((current.density - _box(x, y, lo, hi).density, i, lo, hi))
        if not options:
            return current
        cost, _, lo, hi = min(options, key=lambda o: (o[0], o[1]))
        if cost > tolerance:
            return current
        low, high = lo, hi
