"""Calibrate scenario parameters to observed counts by a binomial likelihood.

The observed count y_j on date j is taken as Binomial(N, m_j(θ)), N = population.total and
m_j(θ) the activated share on that date averaged over R replicates run with fixed seeds (common
random numbers make the objective a deterministic function of θ, so a derivative-free optimiser
can work on it). The objective is half the binomial deviance, 0 for a perfect fit.

Uncertainty is a profile likelihood interval: the values of one parameter, the others
re-optimised, whose deviance is within φ·χ²₁(0.95) of the best. φ ≥ 1 widens the binomial
interval for what the binomial ignores: the run-to-run spread of the simulated counts (the data
are one realisation of a stochastic process, and the mean comes from R replicates) and lack of
fit (Pearson χ² per degree of freedom). Observation dates are treated as independent; several
dates from one cumulative path carry less information than that, so keep the dates few and
spread out, and read the interval as a lower bound on the uncertainty.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.analysis.fit_parameters import FitParameter, parse_fit, widened
from ikdsim.analysis.levers import format_value
from ikdsim.analysis.observations import Observed, usable
from ikdsim.analysis.profile import profile_interval
from ikdsim.analysis.runs import with_overrides
from ikdsim.errors import InputError
from ikdsim.experiments.progress import Progress, tracked
from ikdsim.experiments.replicates import run_replicates
from ikdsim.scenario.schema import Scenario
from ikdsim.scenario.uncertain import fixed_inputs

LEVEL = 0.95
_WIDENINGS = 3  # a default range stretched fourfold up to three times covers 64 × its width


class CalibrationError(InputError):
    """The optimiser did not converge; the message says what was tried."""


@dataclass(frozen=True)
class Evaluation:
    values: tuple[float, ...]
    objective: float  # half the binomial deviance
    counts: np.ndarray  # replicates × observations: simulated activated counts


def half_deviance(observed: np.ndarray, total: float, share: np.ndarray) -> float:
    special = require("scipy.special")
    m = np.clip(share, 1e-12, 1.0 - 1e-12)
    y = observed.astype(float)
    expected = total * m
    dev = special.xlogy(y, y / expected) + special.xlogy(total - y, (total - y) / (total - expected))
    return float(dev.sum())


class Objective:
    """θ → half deviance, from R replicates with fixed seeds; results cached by θ."""

    def __init__(
        self,
        scenario: Scenario,
        params: Sequence[FitParameter],
        observed: Sequence[Observed],
        replicates: int,
        seed: int,
        workers: int = 1,
        executor: Executor | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.scenario = scenario
        self.progress = progress
        self.params = list(params)
        self.observed = list(observed)
        self.replicates = replicates
        self.seed = seed
        self.workers = workers
        self.executor = executor
        self.total = float(scenario.population.total)
        self.y = np.array([o.count for o in observed], dtype=float)
        self.days = [(o.date - scenario.horizon.start).days for o in observed]
        self.cache: dict[tuple[float, ...], Evaluation] = {}
        self.history: list[Evaluation] = []

    def variant(self, values: Sequence[float]) -> Scenario:
        return with_overrides(
            self.scenario, [f"{p.path}={format_value(float(v))}" for p, v in zip(self.params, values, strict=True)]
        )

    def evaluate(self, values: Sequence[float]) -> Evaluation:
        key = tuple(float(v) for v in values)
        if key in self.cache:
            return self.cache[key]
        runs = run_replicates(
            [self.variant(key)], self.replicates, self.seed, workers=self.workers, executor=self.executor,
            progress=self.progress,
        )[0]
        counts = runs.column("activated")[:, self.days].astype(float)
        share = counts.mean(axis=0) / self.total
        result = Evaluation(key, half_deviance(self.y, self.total, share), counts)
        self.cache[key] = result
        self.history.append(result)
        return result

    def at_unit(self, u: Sequence[float]) -> float:
        return self.evaluate([p.value(min(1.0, max(0.0, x))) for p, x in zip(self.params, u, strict=True)]).objective


@dataclass(frozen=True)
class ParameterFit:
    parameter: FitParameter
    estimate: float
    low: float
    high: float
    low_at_bound: bool  # the interval runs into the search range: the true end may be beyond
    high_at_bound: bool

    @property
    def at_bound(self) -> bool:
        span = self.parameter.high - self.parameter.low
        # A bounded optimiser stops a little inside a bound; 2 % of the range counts as on it.
        return min(abs(self.estimate - self.parameter.low), abs(self.parameter.high - self.estimate)) < 0.02 * span

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass
class Calibration:
    scenario: Scenario
    fits: list[ParameterFit]
    observed: list[Observed]
    best: Evaluation
    dispersion: dict[str, float]
    method: str
    message: str
    replicates: int
    seed: int
    evaluations: list[Evaluation]
    profile: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Observed] = field(default_factory=list)  # on the first day: the starting value

    def overrides(self) -> list[str]:
        return [f"{f.parameter.path}={format_value(f.estimate)}" for f in self.fits]

    def calibrated(self) -> Scenario:
        return with_overrides(self.scenario, self.overrides())

    def fit_rows(self) -> list[dict[str, Any]]:
        total = self.scenario.population.total
        shares = self.best.counts / total
        mean = shares.mean(axis=0)
        p05, p95 = np.quantile(shares, [0.05, 0.95], axis=0)
        rows = []
        for j, obs in enumerate(self.observed):
            m = float(mean[j])
            var = total * m * (1 - m)
            rows.append({
                "date": obs.date.isoformat(),
                "observed": obs.count,
                "observed_share": obs.share,
                "simulated_share": m,
                "simulated_p05": float(p05[j]),
                "simulated_p95": float(p95[j]),
                "simulated": m * total,
                "relative_error": (m * total - obs.count) / obs.count if obs.count else math.nan,
                "pearson_residual": (obs.count - m * total) / math.sqrt(var) if var > 0 else math.nan,
                "source": obs.source,
            })
        return rows

    def evaluation_rows(self) -> list[dict[str, Any]]:
        return [
            {"evaluation": i + 1, **{p.path: v for p, v in zip(self.parameters, e.values, strict=True)},
             "half_deviance": e.objective}
            for i, e in enumerate(self.evaluations)
        ]

    @property
    def parameters(self) -> list[FitParameter]:
        return [f.parameter for f in self.fits]

    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "method": self.method,
            "converged": self.message,
            "replicates_per_evaluation": self.replicates,
            "seed": self.seed,
            "evaluations": len(self.evaluations),
            "observations": len(self.observed),
            "observations_skipped_first_day": len(self.skipped),
            "half_deviance": self.best.objective,
            "dispersion": self.dispersion,
            "interval": f"profile likelihood, {LEVEL:.0%}, deviance within dispersion x chi2(1)",
            "parameters": [
                {
                    "path": f.parameter.path,
                    "estimate": f.estimate,
                    "low": f.low,
                    "high": f.high,
                    "low_at_search_bound": f.low_at_bound,
                    "high_at_search_bound": f.high_at_bound,
                    "estimate_at_search_bound": f.at_bound,
                    "search_range": [f.parameter.low, f.parameter.high],
                    "start": f.parameter.start,
                }
                for f in self.fits
            ],
        }


def calibrate(
    scenario: Scenario,
    fits: Sequence[str],
    observed: Sequence[Observed] | None = None,
    replicates: int = 4,
    seed: int | None = None,
    *,
    max_evals: int | None = None,
    xtol: float = 1e-3,
    ftol: float = 0.05,
    profile: bool = True,
    workers: int = 1,
    executor: Executor | None = None,
    on_stage: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> Calibration:
    """Fit parameters to observed activation counts by maximum binomial likelihood.

    Args:
        scenario: the scenario whose parameters are fitted.
        fits: parameter paths, optionally with a search range (`PATH=LOW:HIGH`).
        observed: observations (default: the scenario's `observations`).
        replicates: replicates averaged per evaluation (same seeds at every evaluation).
        seed: root seed (default: the scenario's).
        max_evals: cap on simulator evaluations.
        xtol: the optimiser's tolerance as a fraction of each parameter's search range.
        ftol: its tolerance on half the deviance (Nelder-Mead only).
        profile: compute profile-likelihood intervals.
        workers: local worker processes, when no `executor` is given.
        executor: any `concurrent.futures.Executor`.
        on_stage: called with a line of text as the search goes.
        progress: counts the runs of every evaluation as one piece of work.

    Returns:
        The fitted values with intervals and the fit against the data.

    Raises:
        CalibrationError: (an InputError) the optimiser stopped without converging.
    """
    if not fits:
        raise InputError("calibrate needs at least one --fit PATH")
    # The point fit is of the named fields with every other input at its point value: drawing
    # the uncertain inputs per replicate would overwrite a fitted field and make the objective noisy.
    original, scenario = scenario, fixed_inputs(scenario)
    params = [parse_fit(scenario, text) for text in fits]
    paths = [p.path for p in params]
    if len(set(paths)) != len(paths):
        raise InputError(f"--fit: a parameter is given twice ({', '.join(paths)})")
    say = on_stage or (lambda _: None)
    for name, unknown in original.uncertain.items():
        for path in set(unknown.fields) & set(paths):
            say(f"note: {path} is also driven by the uncertain input {name}; multi-run answers on the "
                "calibrated file still draw it (remove it from uncertain: or use --method bayes)")
    obs, skipped, _ = usable(list(observed) if observed is not None else None, scenario)
    if replicates < 1:
        raise InputError(f"--replicates {replicates}: must be at least 1")
    for p in params:  # both ends of every range must make a valid scenario before anything runs
        with_overrides(scenario, [f"{p.path}={format_value(p.low)}", f"{p.path}={format_value(p.high)}"])
    root = scenario.seed if seed is None else seed
    limit = max_evals or (60 if len(params) == 1 else 100 * len(params))
    # The optimiser's cap is the estimate: it usually stops well before, and profiling adds runs.
    with tracked(progress, limit * replicates) as tally:
        history: list[Evaluation] = []
        for _ in range(_WIDENINGS + 1):
            objective = Objective(scenario, params, obs, replicates, root, workers, executor, tally)
            best_u, method, message = _optimise(objective, params, limit, xtol, ftol)
            history.extend(objective.history)
            wider = [widened(p, u, xtol) for p, u in zip(params, best_u, strict=True)]
            if wider == params:
                break
            for old, new in zip(params, wider, strict=True):
                if new != old:
                    say(f"{old.path} fits at the end of its default range; searching again in "
                        f"{format_value(new.low)} to {format_value(new.high)}")
                    ends = [f"{new.path}={format_value(new.low)}", f"{new.path}={format_value(new.high)}"]
                    with_overrides(scenario, ends)
            params = wider
        objective.history = history
        say(f"fitted after {len(objective.history)} evaluations")
        best = objective.evaluate([p.value(u) for p, u in zip(params, best_u, strict=True)])
        dispersion = _dispersion(objective, best, len(params))
        fitted: list[ParameterFit] = []
        profile_points: list[dict[str, Any]] = []
        threshold = best.objective + dispersion["phi"] * _chi2(LEVEL) / 2.0
        for i, p in enumerate(params):
            if profile:
                say(f"profiling {p.path}")
                lo_u, hi_u, lo_open, hi_open, points = profile_interval(objective, params, best_u, i, threshold, xtol)
                profile_points.extend(points)
            else:
                lo_u = hi_u = best_u[i]
                lo_open = hi_open = False
            fitted.append(ParameterFit(p, _rounded(p, best_u[i], xtol), _rounded(p, lo_u, xtol),
                                       _rounded(p, hi_u, xtol), lo_open, hi_open))
        return Calibration(
            original, fitted, obs, best, dispersion, method, message, replicates, root,
            list(objective.history), profile_points, skipped,
        )


def _rounded(p: FitParameter, u: float, xtol: float) -> float:
    """The value at u, rounded to a tenth of the optimiser's resolution (readable, still exact
    enough that the scenario written out reproduces the fit)."""
    resolution = xtol * (p.high - p.low) / 10.0
    digits = max(0, math.ceil(-math.log10(resolution))) if resolution > 0 else 12
    return round(p.value(u), digits)


def _chi2(level: float) -> float:
    stats = require("scipy.stats")
    return float(stats.chi2.ppf(level, 1))


def _optimise(
    objective: Objective, params: Sequence[FitParameter], limit: int, xtol: float, ftol: float
) -> tuple[list[float], str, str]:
    optimize = require("scipy.optimize")
    start = [p.unit(p.start) for p in params]
    if len(params) == 1:
        method = "bounded Brent (scipy.optimize.minimize_scalar)"
        res = optimize.minimize_scalar(
            lambda u: objective.at_unit([u]), bounds=(0.0, 1.0), method="bounded",
            options={"xatol": xtol, "maxiter": limit},
        )
        ok = res.status == 0
        best = [float(res.x)]
    else:
        method = "Nelder-Mead with bounds (scipy.optimize.minimize)"
        simplex = [start] + [_nudge(start, i, 0.2) for i in range(len(params))]
        res = optimize.minimize(
            objective.at_unit, start, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(params),
            options={"xatol": xtol, "fatol": ftol, "maxfev": limit, "initial_simplex": simplex},
        )
        ok = bool(res.success)
        best = [float(x) for x in res.x]
    if not ok:
        tried = ", ".join(
            f"{p.path} from {format_value(p.start)} within {format_value(p.low)}:{format_value(p.high)}" for p in params
        )
        best_values = ", ".join(f"{p.path}={p.value(u):.6g}" for p, u in zip(params, best, strict=True))
        raise CalibrationError(
            f"calibration did not converge: {str(res.message).rstrip('.')}. Tried {method}: {tried}; "
            f"{objective.replicates} replicates per evaluation (seed {objective.seed}); "
            f"{len(objective.history)} evaluations (limit {limit}); best so far {best_values} "
            f"(half deviance {float(res.fun):.6g}). Try a larger --max-evals, a different range "
            "(--fit PATH=LOW:HIGH), more --replicates to smooth the objective, or fewer --fit parameters."
        )
    return best, method, str(res.message)


def _nudge(u: Sequence[float], i: int, step: float) -> list[float]:
    out = list(u)
    out[i] = out[i] + step if out[i] + step <= 1.0 else out[i] - step
    return out


def _dispersion(objective: Objective, best: Evaluation, k: int) -> dict[str, float]:
    total = objective.total
    m = np.clip(best.counts.mean(axis=0) / total, 1e-12, 1 - 1e-12)
    binomial = total * m * (1 - m)
    r = objective.replicates
    process = math.nan
    if r >= 2:
        # The data are one realisation and the mean comes from r: both add run-to-run variance.
        ratio = best.counts.var(axis=0, ddof=1) / binomial
        process = float(np.mean(ratio)) * (1.0 + 1.0 / r)
    df = len(objective.y) - k
    pearson = float(np.sum((objective.y - total * m) ** 2 / binomial) / df) if df > 0 else math.nan
    phi = max(1.0, *(x for x in (process, pearson) if math.isfinite(x)))
    return {"phi": phi, "process": process, "pearson": pearson, "pearson_df": float(df)}
