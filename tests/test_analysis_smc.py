"""The sampler: the observation model against scipy, and simulation-based calibration
(Talts et al. 2018): posteriors from synthetic cities hold the truth as often as they claim."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from test_analysis_bayes import DATES, small_city

from ikdsim.analysis.observations import Observed
from ikdsim.analysis.smc import Simulator, nb_draw, nb_logpmf, smc
from ikdsim.experiments.executors import open_engine


def test_negative_binomial_matches_scipy() -> None:
    y = np.array([0, 3, 50, 980, 1_200])
    mean, c = 1_000.0, 0.1
    r = 1 / c**2
    expected = stats.nbinom.logpmf(y, r, r / (r + mean))
    assert np.allclose(nb_logpmf(y, np.full(5, mean), c), expected)


def test_observation_draws_have_the_model_variance() -> None:
    rng = np.random.default_rng(1)
    drawn = nb_draw(rng, np.full(200_000, 40_000.0), 0.05)
    assert drawn.mean() == pytest.approx(40_000, rel=0.002)
    assert drawn.var() == pytest.approx(40_000 + (0.05 * 40_000) ** 2, rel=0.02)


def test_simulation_based_calibration_covers_the_truth() -> None:
    """50 synthetic cities from the prior; 90 % posterior intervals should hold the truth in
    90 % of the 100 checks. 80-97 % allows for the binomial spread of 100 checks (sd 3 points)
    and the coarseness of a 48-particle posterior."""
    scenario = small_city()
    names = list(scenario.uncertain)
    truth_rng = np.random.default_rng(np.random.SeedSequence(2018))
    hits, checks = 0, 0
    with open_engine(2) as engine:
        for city in range(50):
            sim = Simulator(scenario, [Observed(d, 0, 50_000) for d in DATES], scenario.seed, executor=engine.executor)
            u = truth_rng.random((1, len(names)))
            # The data come from the model calibrated on: the same fixed-stream run, then reporting noise.
            y = nb_draw(truth_rng, sim.counts(u)[0], 0.05).astype(float)
            truth = sim.values(u)[0]
            post = smc(sim, y, particles=48, seed=city, max_moves=3)
            for i in range(len(names)):
                lo, hi = np.quantile(post.values[:, i], [0.05, 0.95])
                hits += int(lo <= truth[i] <= hi)
                checks += 1
    coverage = hits / checks
    assert 0.80 <= coverage <= 0.97, coverage
