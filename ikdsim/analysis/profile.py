"""Profile likelihood intervals on a noisy, simulated objective.

The profile of one parameter is the objective with that parameter fixed and the others
re-optimised. Its interval is where the profile stays under a threshold. The objective comes
from simulations, so it is slightly rough at small scales: the search walks out from the
optimum in steps sized by a parabola through the points seen so far, and locates each crossing
by interpolation on the square-root scale (near linear for a parabola) rather than by bisection,
which would spend many evaluations chasing noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ikdsim._optional import require

if TYPE_CHECKING:
    from ikdsim.analysis.calibrate import Objective
    from ikdsim.analysis.fit_parameters import FitParameter

PROFILE_FIRST_STEP = 0.02  # of the search range: the first step out from the optimum
INNER_REACH = 0.2  # of the search range: how far the other parameters move per profile point
MAX_CROSSING_STEPS = 2


def _inner_minimum(
    objective: Objective,
    best_u: Sequence[float],
    index: int,
    u: float,
    others: list[int],
    warm: dict[int, float],
    tol: float,
) -> float:
    """The profile at u: the other parameters re-optimised, starting from the last profile
    point's optimum and searching near it (the profile path moves continuously)."""
    optimize = require("scipy.optimize")

    def inner(v: Sequence[float]) -> float:
        full = list(best_u)
        full[index] = u
        for j, x in zip(others, v, strict=True):
            full[j] = x
        return objective.at_unit(full)

    start = [warm[j] for j in others]
    if len(others) == 1:
        lo, hi = max(0.0, start[0] - INNER_REACH), min(1.0, start[0] + INNER_REACH)
        res = optimize.minimize_scalar(
            lambda x: inner([x]), bounds=(lo, hi), method="bounded", options={"xatol": tol, "maxiter": 15}
        )
        solution = [float(res.x)]
    else:
        res = optimize.minimize(
            inner, start, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(others),
            options={"xatol": tol, "fatol": 0.1, "maxfev": 20 * len(others)},
        )
        solution = [float(x) for x in res.x]
    warm.update(zip(others, solution, strict=True))
    return float(res.fun)


def _crossing(
    profile_at: Callable[[float], float], inside: float, outside: float, floor: float, threshold: float, tol: float
) -> float:
    """Where the profile crosses the threshold between a point inside and one outside.

    Near the optimum the profile is close to a parabola, so sqrt(profile - floor) is close to
    linear in the parameter: interpolating on that scale lands near the crossing in a step or
    two, where bisection on a noisy objective would need many.
    """
    target = math.sqrt(threshold - floor)

    def g(u: float) -> float:
        return math.sqrt(max(profile_at(u) - floor, 0.0)) - target

    g_in, g_out = g(inside), g(outside)
    for _ in range(MAX_CROSSING_STEPS):
        if abs(outside - inside) <= tol:
            break
        t = min(0.9, max(0.1, g_in / (g_in - g_out)))
        u = inside + t * (outside - inside)
        value = g(u)
        if value > 0:
            outside, g_out = u, value
        else:
            inside, g_in = u, value
    t = g_in / (g_in - g_out) if g_out != g_in else 0.5
    return inside + min(1.0, max(0.0, t)) * (outside - inside)


def _next_distance(distance: float, rise: float, allowed: float) -> float:
    """How far out to look next: where a parabola through the optimum and the last point would
    cross the threshold, a little beyond so the crossing is bracketed, at least 1.5 times and at
    most 8 times the last distance."""
    if rise <= 0:
        return distance * 4.0
    guess = 1.25 * distance * math.sqrt(allowed / rise)
    return min(max(guess, 1.5 * distance), 8.0 * distance)


def profile_interval(
    objective: Objective,
    params: Sequence[FitParameter],
    best_u: Sequence[float],
    index: int,
    threshold: float,
    xtol: float,
) -> tuple[float, float, bool, bool, list[dict[str, Any]]]:
    """The interval of parameter `index`, in unit coordinates of its search range.

    Returns (low, high, low reached the range's end, high reached it, the profile points
    evaluated). `best_u` is the optimum; `threshold` the objective value bounding the interval.
    """
    others = [j for j in range(len(params)) if j != index]
    warm = {j: best_u[j] for j in others}
    points: list[dict[str, Any]] = []
    # Interval ends matter to a few per cent of the range; the optimum itself was found finely.
    end_tol, inner_tol = max(10 * xtol, 0.01), max(10 * xtol, 0.01)

    cache: dict[float, float] = {}

    def profile_at(u: float) -> float:
        if u in cache:
            return cache[u]
        if not others:
            value = objective.at_unit([u])
        else:
            value = _inner_minimum(objective, best_u, index, u, others, warm, inner_tol)
        cache[u] = value
        points.append({"parameter": params[index].path, "value": params[index].value(u), "profile": value,
                       "inside": value <= threshold})
        return value

    centre = best_u[index]
    floor = objective.at_unit(best_u)
    ends: list[float] = []
    open_ends: list[bool] = []
    for direction in (-1.0, 1.0):
        warm.update({j: best_u[j] for j in others})  # each side walks out from the optimum
        inside, distance = centre, PROFILE_FIRST_STEP
        outside: float | None = None
        while True:
            u = min(1.0, max(0.0, centre + direction * distance))
            value = profile_at(u)
            if value > threshold:
                outside = u
                break
            inside = u
            if u in (0.0, 1.0):
                break
            distance = _next_distance(abs(u - centre), value - floor, threshold - floor)
        if outside is None:
            ends.append(inside)
            open_ends.append(True)
            continue
        ends.append(_crossing(profile_at, inside, outside, floor, threshold, end_tol))
        open_ends.append(False)
    return ends[0], ends[1], open_ends[0], open_ends[1], points
