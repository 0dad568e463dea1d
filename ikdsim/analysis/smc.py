"""Tempered sequential Monte Carlo over the simulator, and the observation model it weighs runs by.

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

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from ikdsim._optional import require
from ikdsim.analysis.observations import Observed
from ikdsim.errors import InputError
from ikdsim.experiments.runner import RunTask, run_tasks
from ikdsim.model.rng import stable_key
from ikdsim.scenario.schema import Scenario
from ikdsim.scenario.uncertain import apply

STREAM = "calibration-smc"
DISPERSION = 0.05  # reported counts disagree by ~5 % (docs/uncertainty.md)
DISPERSION_PRIOR = (0.005, 0.3)  # log-uniform, when the dispersion is fitted
DISPERSION_NAME = "dispersion"


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
