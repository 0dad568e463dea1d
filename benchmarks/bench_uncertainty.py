"""Benchmark the uncertainty work against the targets of the uncertainty issue (issue 10).

Run: `python benchmarks/bench_uncertainty.py [--workers 2] [--particles 200] [--cities 100]`.

Prints, each timed in this run and against its target (not a timed test: the figures depend on
the machine and what else runs on it):

1. `run --replicates 400` over the calibrated default's posterior: target ≤ 30 s on 2 cores,
   and its ratio to 400 runs at fixed inputs (the cost of drawing and applying inputs).
2. A 3-input posterior from the history scenario's counts (`calibrate`, SMC): target ≤ 3 min.
3. Simulation-based calibration on a city-sized scenario: synthetic Balikpapan histories drawn
   from the prior of two unknowns, calibrated on four simulated counts each; the share of 90 %
   intervals holding the truth should be near 90 % (80-97 % passes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from ikdsim.analysis.bayes import calibrate_bayes
from ikdsim.analysis.observations import Observed, from_scenario
from ikdsim.analysis.smc import Simulator, nb_draw, smc
from ikdsim.experiments.executors import open_engine
from ikdsim.experiments.replicates import run_replicates
from ikdsim.scenario.loader import load_scenario
from ikdsim.scenario.uncertain import fixed_inputs


def replicates_over_posterior(workers: int) -> None:
    scenario = load_scenario("balikpapan-2026-calibrated")
    with open_engine(workers) as engine:
        start = time.perf_counter()
        run_replicates([scenario], 400, scenario.seed, executor=engine.executor)
        posterior = time.perf_counter() - start
        start = time.perf_counter()
        run_replicates([fixed_inputs(scenario)], 400, scenario.seed, executor=engine.executor)
        fixed = time.perf_counter() - start
    print(f"run --replicates 400 over the posterior: {posterior:.1f} s (target ≤ 30 s); "
          f"at fixed inputs {fixed:.1f} s, ratio {posterior / fixed:.2f}")


def history_posterior(workers: int, particles: int) -> None:
    scenario = load_scenario("balikpapan-history")
    with open_engine(workers) as engine:
        start = time.perf_counter()
        result = calibrate_bayes(scenario, from_scenario(scenario), particles=particles, executor=engine.executor)
        seconds = time.perf_counter() - start
    print(f"3-input posterior from {len(result.observed)} counts, {particles} particles: {seconds:.0f} s "
          f"(target ≤ 180 s), {result.result.evaluations} simulations, final ESS {result.result.stages[-1].ess:.0f}")


def city_sbc(workers: int, cities: int, particles: int) -> None:
    full = load_scenario("balikpapan-history")
    # Two unknowns, as in the test: the service multiplier and the base rate.
    kept = {k: v for k, v in full.uncertain.items() if k != "on_site_conversion"}
    scenario = full.model_copy(update={"uncertain": kept})
    dates = [dt.date(2024, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 6, 30), dt.date(2025, 11, 17)]
    rng = np.random.default_rng(np.random.SeedSequence(2018))
    hits = checks = 0
    start = time.perf_counter()
    with open_engine(workers) as engine:
        for city in range(cities):
            sim = Simulator(scenario, [Observed(d, 0, scenario.population.total) for d in dates], scenario.seed,
                            executor=engine.executor)
            u = rng.random((1, len(sim.names)))
            y = nb_draw(rng, sim.counts(u)[0], 0.05).astype(float)
            truth = sim.values(u)[0]
            post = smc(sim, y, particles=particles, seed=city)
            for i in range(len(sim.names)):
                lo, hi = np.quantile(post.values[:, i], [0.05, 0.95])
                hits += int(lo <= truth[i] <= hi)
                checks += 1
    print(f"simulation-based calibration, {cities} Balikpapan histories × {len(sim.names)} unknowns: "
          f"{hits / checks:.0%} of 90 % intervals hold the truth (80-97 % passes), {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--particles", type=int, default=200)
    parser.add_argument("--cities", type=int, default=50)
    parser.add_argument("--skip-sbc", action="store_true")
    args = parser.parse_args()
    replicates_over_posterior(args.workers)
    history_posterior(args.workers, args.particles)
    if not args.skip_sbc:
        city_sbc(args.workers, args.cities, 64)


if __name__ == "__main__":
    main()
