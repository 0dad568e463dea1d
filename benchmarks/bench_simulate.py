"""Benchmark one simulation in-process: time per replicate and peak memory vs population size.

Run: `python benchmarks/bench_simulate.py [--repeats 20] [--scenario balikpapan-2026]`.
Prints a table (median of the repeats, after one warm-up run) for population.total × 1, 10,
100 and 1000: first with capacities unchanged (queues grow by orders of magnitude), then with
counters, team capacity and reach scaled too (the same regime, more people). Cost should follow
segments and events, not people.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import ikdsim
from ikdsim.scenario.schema import Scenario


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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="balikpapan-2026")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--factors", default="1,10,100,1000")
    args = parser.parse_args()
    print(f"scenario {args.scenario}, median of {args.repeats} runs, ikdsim {ikdsim.__version__}")
    for capacity in (False, True):
        rows = []
        for factor in (int(f) for f in args.factors.split(",")):
            rows.append((factor, measure(scaled(args.scenario, factor, capacity), args.repeats)))
        base = rows[0][1]["median_ms"]
        print("\ncapacities " + ("scaled with the population" if capacity else "unchanged"))
        print(f"{'population ×':>12} {'segments':>9} {'days':>5} {'ms/run':>8} {'ms/year':>8} {'vs ×1':>6} "
              f"{'peak MiB':>9} {'peak queue':>11}")
        for factor, m in rows:
            print(f"{factor:>12} {m['segments']:>9} {m['days']:>5} {m['median_ms']:>8.1f} {m['ms_per_year']:>8.1f} "
                  f"{m['median_ms'] / base:>6.2f} {m['peak_mib']:>9.1f} {m['peak_waiting']:>11,}")


if __name__ == "__main__":
    main()
