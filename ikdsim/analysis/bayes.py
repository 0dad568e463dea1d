"""Bayesian calibration: the scenario's `uncertain:` block becomes a posterior given observed
counts, with its diagnostics (prior against posterior, posterior predictive checks, forecasts of
held-out counts). The observation model and the sampler are in `ikdsim.analysis.smc`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikdsim.analysis.observations import Observed, usable
from ikdsim.analysis.smc import DISPERSION, STREAM, Simulator, SMCResult, nb_draw, smc
from ikdsim.errors import InputError
from ikdsim.model.rng import stable_key
from ikdsim.scenario.schema import Scenario

INFORMED = 0.9  # posterior sd below this share of the prior sd: the counts told us something


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
