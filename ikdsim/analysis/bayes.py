"""Bayesian calibration: the scenario's `uncertain:` block becomes a posterior given observed counts.

Observation model. A reported count y_j on date j is negative binomial around the simulated count
x_j(θ): mean x_j, variance x_j + (c·x_j)². The second term is the over-dispersion of reported
figures (Balikpapan's "about 38 thousand" and "7.34 % of 551,428 = 40,475" differ by 6 %); c is
a coefficient of variation, set (`dispersion`, default 0.05) or fitted with a log-uniform prior.
The simulated count comes from one run with fixed streams (common random numbers: the same seed
and replicate for every θ), so the likelihood is a deterministic function of θ; on a city the
run-to-run spread is far below c·x and is ignored.

Sampler. Tempered sequential Monte Carlo in the unit cube of the priors (θ = prior quantile of
u, so the prior density is 1): particles start from the prior, the likelihood is switched on in
steps β₀ = 0 < β₁ < … < 1 chosen so that the effective sample size after each step is half the
particles, then particles are resampled (systematic) and moved by random-walk Metropolis with the
particles' own covariance. Every simulation goes through the experiment runner, so workers and
Dask give the same posterior. We chose it over emcee (an ensemble sampler needs many serial
steps, each a round of simulations, and has no evidence or tempering for multimodal fits) and
over ABC (its tolerance schedule makes the posterior depend on a threshold, while this likelihood
is explicit and cheap once a run is done).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikdsim._optional import require
from ikdsim.analysis.observations import Observed, usable
from ikdsim.errors import InputError
from ikdsim.experiments.runner import RunTask, run_tasks
from ikdsim.model.rng import stable_key
from ikdsim.scenario.schema import Scenario
from ikdsim.scenario.uncertain import apply

STREAM = "calibration-smc"
DISPERSION = 0.05  # reported counts disagree by ~5 % (docs/uncertainty.md)
DISPERSION_PRIOR = (0.005, 0.3)  # log-uniform, when the dispersion is fitted
DISPERSION_NAME = "dispersion"
INFORMED = 0.9  # posterior sd below this share of the prior sd: the counts told us something


def nb_logpmf(y: np.ndarray, mean: np.ndarray, c: np.ndarray | float) -> np.ndarray:
    """log P(y) under a negative binomial with this mean and variance mean + (c·mean)²."""
    special = require("scipy.special")
    m = np.maximum(np.asarray(mean, dtype=float), 1e-9)
    r = 1.0 / np.maximum(np.asarray(c, dtype=float), 1e-6) ** 2
    y = np.asarray(y, dtype=float)
    out: np.ndarray = (
        special.gammaln(y + r) - special.gammaln(r) - special.gammaln(y + 1.0)
        + r * np.log(r / (r + m)) + y * np.log(m / (r + m))
    )
    return out


def nb_draw(rng: np.random.Generator, mean: np.ndarray, c: np.ndarray | float) -> np.ndarray:
    """Counts from the observation model (gamma-Poisson mixture)."""
    c_arr = np.broadcast_to(np.asarray(c, dtype=float), np.shape(mean))
    shape = 1.0 / np.maximum(c_arr, 1e-6) ** 2
    rate = rng.gamma(shape, np.maximum(mean, 1e-9) / shape)
    drawn: np.ndarray = rng.poisson(rate)
    return drawn


@dataclass(frozen=True)
class Stage:
    beta: float
    ess: float  # effective sample size after reweighting, before resampling
    acceptance: float  # share of Metropolis proposals accepted in this stage's moves
    moves: int


@dataclass
class SMCResult:
    """Equally weighted particles of the posterior, in the unit cube and in values."""

    names: list[str]
    units: np.ndarray  # particles × dimensions
    values: np.ndarray  # particles × dimensions
    simulated: np.ndarray  # particles × observations (the simulated counts of each particle)
    dispersion: np.ndarray  # one c per particle
    stages: list[Stage]
    evaluations: int
    log_evidence: float
    prior_draws: np.ndarray  # the starting particles' values (the prior), for comparison

    @property
    def weights(self) -> np.ndarray:
        return np.full(len(self.units), 1.0 / len(self.units))


class Simulator:
    """θ (unit cube) → simulated counts on the observation days, one fixed-stream run each."""

    def __init__(
        self,
        scenario: Scenario,
        observed: Sequence[Observed],
        seed: int,
        workers: int = 1,
        executor: Executor | None = None,
    ) -> None:
        self.base = scenario.model_copy(update={"posterior": None})
        self.names = list(scenario.uncertain)
        self.days = [(o.date - scenario.horizon.start).days for o in observed]
        self.seed = seed
        self.workers = workers
        self.executor = executor
        self.evaluations = 0

    def values(self, units: np.ndarray) -> np.ndarray:
        unknowns = [self.base.uncertain[n] for n in self.names]
        return np.array([[unk.ppf(float(u)) for unk, u in zip(unknowns, row, strict=True)] for row in units])

    def counts(self, units: np.ndarray) -> np.ndarray:
        values = self.values(units)
        tasks = [
            RunTask(i, apply(self.base, dict(zip(self.names, map(float, row), strict=True)), "calibration"),
                    self.seed, 0, keep_daily=("activated",))
            for i, row in enumerate(values)
        ]
        records = run_tasks(tasks, workers=self.workers, executor=self.executor)
        self.evaluations += len(tasks)
        failed = [r for r in records if r.error]
        if failed:
            raise InputError(f"calibration: a run failed: {failed[0].error}")
        return np.array([[float(r.daily["activated"][d]) for d in self.days] for r in records]).reshape(
            len(records), len(self.days)
        )


def _dispersion_of(units: np.ndarray, k: int, fit: bool, fixed: float) -> np.ndarray:
    if not fit:
        return np.full(len(units), fixed)
    low, high = DISPERSION_PRIOR
    out: np.ndarray = low * (high / low) ** units[:, k]
    return out


def _next_beta(loglik: np.ndarray, beta: float, target: float) -> float:
    """The largest step whose reweighting keeps the effective sample size at `target`."""

    def ess(b: float) -> float:
        logw = (b - beta) * loglik
        w = np.exp(logw - logw.max())
        return float(w.sum() ** 2 / (w**2).sum())

    if ess(1.0) >= target:
        return 1.0
    low, high = beta, 1.0
    for _ in range(60):
        mid = (low + high) / 2.0
        low, high = (mid, high) if ess(mid) >= target else (low, mid)
    return max(low, beta + 1e-12)


def _systematic(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    n = len(weights)
    positions = (rng.random() + np.arange(n)) / n
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    picked: np.ndarray = np.minimum(np.searchsorted(cum, positions, side="right"), n - 1)
    return picked


def smc(
    simulator: Simulator,
    y: np.ndarray,
    *,
    particles: int = 200,
    seed: int = 0,
    dispersion: float | None = DISPERSION,
    max_moves: int = 4,
    progress: Callable[[str], None] | None = None,
) -> SMCResult:
    """Sample the posterior of the scenario's unknowns given counts `y` (see the module doc).

    `dispersion=None` fits it. Same seed ⇒ same particles, whatever the workers.
    """
    say = progress or (lambda _: None)
    fit = dispersion is None
    k = len(simulator.names)
    dims = k + (1 if fit else 0)
    rng = np.random.default_rng(np.random.SeedSequence(entropy=[seed], spawn_key=(stable_key(STREAM),)))
    units = rng.random((particles, dims))
    sims = simulator.counts(units[:, :k])
    prior_values = simulator.values(units[:, :k])
    fixed = DISPERSION if dispersion is None else dispersion

    def loglik(u: np.ndarray, x: np.ndarray) -> np.ndarray:
        c = _dispersion_of(u, k, fit, fixed)
        total: np.ndarray = nb_logpmf(y[None, :], x, c[:, None]).sum(axis=1)
        return total

    ll = loglik(units, sims)
    beta, log_evidence = 0.0, 0.0
    stages: list[Stage] = []
    while beta < 1.0:
        new_beta = _next_beta(ll, beta, particles / 2.0)
        logw = (new_beta - beta) * ll
        top = logw.max()
        w = np.exp(logw - top)
        log_evidence += top + math.log(w.mean())
        w /= w.sum()
        ess = float(1.0 / (w**2).sum())
        beta = new_beta
        idx = _systematic(rng, w)
        units, sims, ll = units[idx], sims[idx], ll[idx]
        cov = np.atleast_2d(np.cov(units, rowvar=False)) * (2.38**2 / dims) + 1e-10 * np.eye(dims)
        accepted, proposed, moves = 0, 0, 0
        # Move until most particles have moved at least once (or max_moves): few moves leave
        # copies of the same particle, too many cost a round of simulations each.
        while moves < max_moves:
            moves += 1
            prop = units + rng.multivariate_normal(np.zeros(dims), cov, size=particles)
            inside = np.all((prop > 0.0) & (prop < 1.0), axis=1)
            draws = rng.random(particles)
            if inside.any():
                x_new = simulator.counts(prop[inside, :k])
                ll_new = np.full(particles, -np.inf)
                sims_new = sims.copy()
                sims_new[inside] = x_new
                ll_new[inside] = loglik(prop[inside], x_new)
                accept = inside & (np.log(draws) < beta * (ll_new - ll))
                units = np.where(accept[:, None], prop, units)
                sims = np.where(accept[:, None], sims_new, sims)
                ll = np.where(accept, ll_new, ll)
                accepted += int(accept.sum())
            proposed += particles
            rate = accepted / proposed
            if rate > 0 and (1.0 - rate) ** moves < 0.2:
                break
        stages.append(Stage(beta, ess, accepted / max(proposed, 1), moves))
        say(f"β = {beta:.3g}: effective sample {ess:.0f} of {particles}, acceptance {accepted / max(proposed, 1):.0%}")
    return SMCResult(
        simulator.names,
        units,
        simulator.values(units[:, :k]),
        sims,
        _dispersion_of(units, k, fit, fixed),
        stages,
        simulator.evaluations,
        log_evidence,
        prior_values,
    )


def weighted_quantiles(values: np.ndarray, qs: Sequence[float]) -> list[float]:
    return [float(v) for v in np.quantile(values, qs)]


@dataclass(frozen=True)
class InputCheck:
    name: str
    prior: tuple[float, float, float]  # 5, 50, 95 %
    posterior: tuple[float, float, float]
    sd_ratio: float  # posterior sd / prior sd
    informed: bool


def input_checks(scenario: Scenario, result: SMCResult) -> list[InputCheck]:
    """Prior against posterior for each unknown; `informed` is False when the counts barely
    narrowed it (posterior sd ≥ 0.9 of the prior's)."""
    grid = (np.arange(2000) + 0.5) / 2000
    out = []
    for i, name in enumerate(result.names):
        unk = scenario.uncertain[name]
        prior_values = np.array([unk.ppf(float(u)) for u in grid])
        post = result.values[:, i]
        p5, p50, p95 = weighted_quantiles(post, (0.05, 0.5, 0.95))
        prior_sd = float(prior_values.std())
        ratio = float(post.std() / prior_sd) if prior_sd > 0 else 1.0
        out.append(
            InputCheck(
                name,
                (unk.ppf(0.05), unk.ppf(0.5), unk.ppf(0.95)),
                (p5, p50, p95),
                ratio,
                ratio < INFORMED,
            )
        )
    return out


@dataclass(frozen=True)
class PredictiveCheck:
    observed: Observed
    low: float  # 5 % of the posterior predictive
    median: float
    high: float  # 95 %
    p_value: float  # P(replicated count ≤ observed): near 0 or 1 means the model misses it

    @property
    def inside(self) -> bool:
        return self.low <= self.observed.count <= self.high


def predictive(
    result: SMCResult, observed: Sequence[Observed], seed: int, draws: int = 20, simulated: np.ndarray | None = None
) -> list[PredictiveCheck]:
    """Posterior predictive check: replicated counts from each particle through the observation
    model, at the observations calibrated on or (with `simulated`, particles × observations) at others."""
    rng = np.random.default_rng(np.random.SeedSequence(entropy=[seed], spawn_key=(stable_key(STREAM + "-predictive"),)))
    sims = result.simulated if simulated is None else simulated
    out = []
    for j, obs in enumerate(observed):
        mean = np.repeat(sims[:, j], draws)
        c = np.repeat(result.dispersion, draws)
        rep = nb_draw(rng, mean, c).astype(float)
        lo, mid, hi = np.quantile(rep, (0.05, 0.5, 0.95))
        # Mid-p: ties count half, so a discrete count is not judged too early or too late.
        p = float(np.mean(rep < obs.count) + 0.5 * np.mean(rep == obs.count))
        out.append(PredictiveCheck(obs, float(lo), float(mid), float(hi), p))
    return out


def forecast(
    scenario: Scenario,
    result: SMCResult,
    held_out: Sequence[Observed],
    seed: int,
    workers: int = 1,
    executor: Executor | None = None,
) -> list[PredictiveCheck]:
    """Counts the calibration did not see, against its forecast: the posterior particles run to
    those dates (same fixed streams) and pass through the observation model."""
    if not held_out:
        return []
    sim = Simulator(scenario, held_out, seed, workers, executor)
    k = len(sim.names)
    return predictive(result, held_out, seed + 1, simulated=sim.counts(result.units[:, :k]))


@dataclass
class BayesCalibration:
    scenario: Scenario
    observed: list[Observed]
    result: SMCResult
    checks: list[InputCheck]
    predictive: list[PredictiveCheck]
    seed: int
    particles: int
    dispersion: float | None
    skipped: list[Observed] = field(default_factory=list)
    forecasts: list[PredictiveCheck] = field(default_factory=list)  # held-out counts

    @property
    def uninformed(self) -> list[str]:
        return [c.name for c in self.checks if not c.informed]

    def draws(self) -> list[list[float]]:
        return [[float(v) for v in row] for row in self.result.values]

    def summary(self) -> dict[str, Any]:
        r = self.result
        return {
            "method": "tempered sequential Monte Carlo (ikdsim.analysis.bayes)",
            "scenario": self.scenario.name,
            "seed": self.seed,
            "particles": self.particles,
            "simulations": r.evaluations,
            "observation_model": "negative binomial: variance = mean + (dispersion × mean)²",
            "dispersion": "fitted" if self.dispersion is None else self.dispersion,
            "dispersion_posterior": weighted_quantiles(r.dispersion, (0.05, 0.5, 0.95)),
            "log_evidence": r.log_evidence,
            "stages": [s.__dict__ for s in r.stages],
            "unique_particles": len(np.unique(r.units, axis=0)),
            "inputs": [
                {"name": c.name, "prior_5_50_95": list(c.prior), "posterior_5_50_95": list(c.posterior),
                 "sd_ratio": c.sd_ratio, "informed": c.informed}
                for c in self.checks
            ],
            "predictive": self.predictive_rows(),
            "skipped_first_day": [o.date.isoformat() for o in self.skipped],
        }

    def predictive_rows(self) -> list[dict[str, Any]]:
        return [
            {"date": p.observed.date.isoformat(), "use": use, "observed": p.observed.count,
             "predictive_5": round(p.low), "predictive_50": round(p.median), "predictive_95": round(p.high),
             "p_value": round(p.p_value, 4), "inside_90": p.inside}
            for use, checks in (("calibrated on", self.predictive), ("held out", self.forecasts))
            for p in checks
        ]


def calibrate_bayes(
    scenario: Scenario,
    observed: Sequence[Observed],
    *,
    particles: int = 200,
    seed: int | None = None,
    dispersion: float | None = DISPERSION,
    holdout: dt.date | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> BayesCalibration:
    """The posterior of the scenario's `uncertain:` unknowns given `observed` counts; counts on or
    after `holdout` are not used but checked against the forecast."""
    if not scenario.uncertain:
        raise InputError(
            f"{scenario.name}: no uncertain: block to calibrate; add one (docs/uncertainty.md) "
            "or use --method point --fit PATH"
        )
    if particles < 20:
        raise InputError(f"--particles {particles}: at least 20 are needed for a usable posterior")
    obs, skipped, held_out = usable(list(observed), scenario, holdout)
    root = scenario.seed if seed is None else seed
    sim = Simulator(scenario, obs, root, workers, executor)
    y = np.array([o.count for o in obs], dtype=float)
    result = smc(sim, y, particles=particles, seed=root, dispersion=dispersion, progress=progress)
    return BayesCalibration(
        scenario, obs, result, input_checks(scenario, result), predictive(result, obs, root),
        root, particles, dispersion, skipped, forecast(scenario, result, held_out, root, workers, executor),
    )
