"""Benchmark one simulation in-process: against a bare numpy loop, and vs population size.

Run: `python benchmarks/bench_simulate.py [--repeats 20] [--scenario balikpapan-2026]`.

First the ratio that does not depend on how loaded the machine is: one simulated year of the
scenario against a bare numpy loop over 500 segments with three binomial draws a day (decide,
be served, give up), the two timed back to back in the same run (the median of the pairs' ratios). Then a table (median
of the repeats, after one warm-up run) for population.total × 1, 10, 100 and 1000: first with
capacities unchanged (queues grow by orders of magnitude), then with counters, team capacity and
reach scaled too (the same regime, more people). Cost should follow segments and events, not
people: the last line gives × 1000 against × 100, from the two timed back to back (median ratio).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

import ikdsim
from ikdsim.scenario.schema import Scenario

LOOP_SEGMENTS = 500


def bare_loop(days: int = 365, segments: int = LOOP_SEGMENTS) -> None:
    """The floor a daily model of counts cannot go under: three binomial draws a day, no logic."""
    rng = np.random.default_rng(1)
    idle = np.full(segments, 1_000, dtype=np.int64)
    waiting = np.zeros(segments, dtype=np.int64)
    p = np.full(segments, 2e-4)  # about 7 % of people decide in a year, as in the default scenario
    for _ in range(days):
        decided = rng.binomial(idle, p)
        served = rng.binomial(waiting, 0.5)
        left = rng.binomial(waiting - served, 1 / 30)
        idle += left - decided
        waiting += decided - served - left


def against_loop(scenario: Scenario, repeats: int) -> tuple[float, float, float]:
    """Median ms per simulated year of the scenario and of the bare loop, and the median of their
    ratio pair by pair: the two are timed back to back, so that a machine whose speed drifts
    (other jobs) slows both alike."""
    years = scenario.horizon.days / 365.0
    ikdsim.simulate(scenario)
    bare_loop()
    model, loop = [], []
    for r in range(repeats):
        start = time.perf_counter()
        ikdsim.simulate(scenario, replicate=r)
        model.append((time.perf_counter() - start) * 1e3 / years)
        start = time.perf_counter()
        bare_loop()
        loop.append((time.perf_counter() - start) * 1e3)
    return statistics.median(model), statistics.median(loop), _paired(model, loop)


def alternately(first: Scenario, second: Scenario, repeats: int) -> tuple[float, float, float]:
    """Median seconds of a run of each scenario and the median ratio second/first, pair by pair."""
    ikdsim.simulate(first)
    ikdsim.simulate(second)
    times: tuple[list[float], list[float]] = ([], [])
    for r in range(repeats):
        for scenario, out in zip((first, second), times, strict=True):
            start = time.perf_counter()
            ikdsim.simulate(scenario, replicate=r)
            out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1]), _paired(times[1], times[0])


def _paired(numerators: list[float], denominators: list[float]) -> float:
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


def scaled(name: str, factor: int, capacity: bool) -> Scenario:
    base = ikdsim.load_scenario(name)
    pop = base.population
    overrides = [f"population.total={pop.total * factor}"]
    if pop.initial_activated is not None:
        overrides.append(f"population.initial_activated={pop.initial_activated * factor}")
    if capacity:
        for point in base.channels.service_points:
            if point.daily_capacity is not None:
                overrides.append(f"channels.service_points.{point.name}.daily_capacity={point.daily_capacity * factor}")
            else:
                overrides.append(f"channels.service_points.{point.name}.counters={point.counters * factor}")
        for team in base.channels.outreach:
            overrides.append(f"channels.outreach.{team.name}.capacity_per_event={team.capacity_per_event * factor}")
            for venue, spec in team.venues.items():
                overrides.append(f"channels.outreach.{team.name}.venues.{venue}.reach={spec.reach * factor}")
    return ikdsim.load_scenario(name, overrides)


def measure(scenario: Scenario, repeats: int) -> dict[str, float]:
    ikdsim.simulate(scenario)  # warm-up: imports, caches
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        result = ikdsim.simulate(scenario, replicate=r)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    ikdsim.simulate(scenario)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times)
    years = scenario.horizon.days / 365.0
    return {
        "segments": result.segments,
        "days": scenario.horizon.days,
        "median_ms": median * 1e3,
        "ms_per_year": median * 1e3 / years,
        "peak_mib": peak / 2**20,
        "peak_waiting": result.summary["peak_waiting"],
        # Days the longest-waiting person served waited: about how many daily cohorts a queue
        # holds, each a category of the daily draw of who gives up.
        "longest_wait": int(np.flatnonzero(result.wait_histogram)[-1]) if result.wait_histogram.any() else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="balikpapan-2026")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--factors", default="1,10,100,1000")
    args = parser.parse_args()
    print(f"scenario {args.scenario}, median of {args.repeats} runs, ikdsim {ikdsim.__version__}")
    model, loop, ratio = against_loop(ikdsim.load_scenario(args.scenario), args.repeats)
    print(f"\none simulated year: {model:.1f} ms; bare numpy loop ({LOOP_SEGMENTS} segments, 3 binomial draws a day): "
          f"{loop:.1f} ms; ratio {ratio:.2f} (target ≤ 3)")
    for capacity in (False, True):
        rows = []
        for factor in (int(f) for f in args.factors.split(",")):
            rows.append((factor, measure(scaled(args.scenario, factor, capacity), args.repeats)))
        base = rows[0][1]["median_ms"]
        print("\ncapacities " + ("scaled with the population" if capacity else "unchanged"))
        print(f"{'population ×':>12} {'segments':>9} {'days':>5} {'ms/run':>8} {'ms/year':>8} {'vs ×1':>6} "
              f"{'peak MiB':>9} {'peak queue':>11} {'longest wait':>13}")
        for factor, m in rows:
            print(f"{factor:>12} {m['segments']:>9} {m['days']:>5} {m['median_ms']:>8.1f} {m['ms_per_year']:>8.1f} "
                  f"{m['median_ms'] / base:>6.2f} {m['peak_mib']:>9.1f} {m['peak_waiting']:>11,} "
                  f"{m['longest_wait']:>13}")
        factors = [factor for factor, _ in rows]
        if 100 in factors and 1000 in factors:
            _, _, ratio = alternately(scaled(args.scenario, 100, capacity), scaled(args.scenario, 1000, capacity),
                                      args.repeats)
            print(f"× 1000 against × 100, timed alternately: {ratio:.2f} (target ≤ 1.1)")


if __name__ == "__main__":
    main()
