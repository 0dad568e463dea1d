"""Global sensitivity analysis (SALib) run through the sweep machinery.

SALib samples the unit hypercube, one dimension per swept parameter; the sweep's axes decode
each column to field values exactly as for an ordinary sweep (integers and dates by whole steps,
value lists as categories), and the runs go through `run_sweep`, so they are stored, resumable
and identical on any engine. The model output of a sample is its mean over replicates
(`target_reached`: the probability; `date_target_reached`: days from the start, with 'never'
counted as the day after the horizon).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ikdsim._optional import require
from ikdsim.errors import InputError
from ikdsim.experiments.design import Design
from ikdsim.experiments.sweep import OUTPUTS
from ikdsim.model.rng import stable_key

SaMethod = Literal["sobol", "morris"]
HEADERS: dict[str, list[str]] = {
    "sobol": ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
    "morris": ["output", "parameter", "mu_star", "mu_star_conf", "mu", "sigma"],
}
# Below these sample sizes indices move a lot from one seed to the next.
STABLE_SOBOL_N = 512
STABLE_MORRIS_R = 10
WIDE_CONF = 0.1


@dataclass
class Indices:
    method: SaMethod
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def derived_seed(seed: int, purpose: str) -> int:
    # SALib takes an int seed and ignores 0; derive a non-zero one by SeedSequence, not arithmetic.
    state = np.random.SeedSequence(entropy=seed, spawn_key=(stable_key(purpose),)).generate_state(1)
    return int(state[0]) | 1


def problem(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sample(method: SaMethod, names: Sequence[str], n: int, seed: int, levels: int = 4) -> np.ndarray:
    """SALib's design in [0, 1]^d: Sobol' (Saltelli scheme, n·(d+2) rows) or Morris (n·(d+1) rows)."""
    salib = require("SALib.sample." + method)
    spec = problem(names)
    if method == "sobol":
        if n < 2 or n & (n - 1):
            below = 1 << max(n.bit_length() - 1, 1)
            raise InputError(
                f"--n {n}: Sobol' sampling needs a power of 2 as base sample size; use {below} or {below * 2}"
            )
        seeded = derived_seed(seed, "sa.sample")
        return np.asarray(salib.sample(spec, n, calc_second_order=False, scramble=True, seed=seeded))
    if n < 2:
        raise InputError(f"--n {n}: Morris needs at least 2 trajectories")
    return np.asarray(salib.sample(spec, n, num_levels=levels, seed=derived_seed(seed, "sa.sample")))


def responses(table: Any, design: Design, output: str) -> np.ndarray:
    """Mean of an output over the replicates of each point, NaN where every run failed."""
    points = np.asarray(table.column("point").to_numpy())
    errors = np.array([e is not None for e in table.column("error").to_pylist()])
    values = table.column(output).to_pylist()
    kind = OUTPUTS[output]
    if kind == "date":
        start, days = design.base.horizon.start, design.base.horizon.days
        numbers = np.array([days if v is None else (v - start).days for v in values], dtype=float)
    else:
        numbers = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    numbers[errors] = np.nan
    y = np.full(len(design.points), np.nan)
    for p in range(len(design.points)):
        chosen = numbers[points == p]
        chosen = chosen[~np.isnan(chosen)]
        if len(chosen):
            y[p] = chosen.mean()
    return y


def analyse(method: SaMethod, design: Design, unit: np.ndarray, table: Any, n: int, levels: int = 4) -> Indices:
    analyser = require("SALib.analyze." + method)
    names = [a.path for a in design.axes]
    spec = problem(names)
    result = Indices(method, HEADERS[method])
    seed = derived_seed(design.seed, "sa.analyse")
    for output in design.outputs:
        y = responses(table, design, output)
        if np.isnan(y).any():
            result.warnings.append(f"{output}: {int(np.isnan(y).sum())} sample(s) have no value; indices not computed")
            continue
        if np.ptp(y) == 0:
            result.warnings.append(f"{output}: the same value in every sample; no parameter has any effect on it")
            for name in names:
                result.rows.append([output, name, 0.0, 0.0, 0.0, 0.0])
            continue
        if method == "sobol":
            si = analyser.analyze(spec, y, calc_second_order=False, num_resamples=200, conf_level=0.95, seed=seed)
            for j, name in enumerate(names):
                result.rows.append([output, name, *(float(si[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf"))])
        else:
            si = analyser.analyze(spec, unit, y, num_levels=levels, num_resamples=200, conf_level=0.95, seed=seed)
            for j, name in enumerate(names):
                keys = ("mu_star", "mu_star_conf", "mu", "sigma")
                result.rows.append([output, name, *(float(si[k][j]) for k in keys)])
    result.warnings += _stability(method, result.rows, n)
    return result


def _stability(method: SaMethod, rows: list[list[Any]], n: int) -> list[str]:
    warnings: list[str] = []
    if method == "sobol":
        widest = max((max(r[3], r[5]) for r in rows), default=0.0)
        if n < STABLE_SOBOL_N or widest > WIDE_CONF:
            warnings.append(
                f"the sample is small for stable Sobol' indices: base size n={n} "
                f"(widest 95 % half-width {widest:.3f}); use n ≥ {max(STABLE_SOBOL_N, 2 * n)} for stable indices"
            )
        return warnings
    top = max((r[2] for r in rows), default=0.0)
    loose = [r for r in rows if top > 0 and r[2] >= 0.1 * top and r[3] > 0.5 * r[2]]
    if n < STABLE_MORRIS_R or loose:
        warnings.append(
            f"the sample is small for a stable Morris ranking: {n} trajectories"
            + (f", and {len(loose)} index(es) with a confidence half-width above half their value" if loose else "")
            + f"; use at least {max(STABLE_MORRIS_R, 2 * n)} trajectories"
        )
    return warnings


def runs_needed(method: SaMethod, dims: int, n: int, replicates: int) -> int:
    rows = n * (dims + 2) if method == "sobol" else n * (dims + 1)
    return rows * replicates


def fmt_index(value: float, conf: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.3f} ± {conf:.3f}"
