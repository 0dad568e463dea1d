"""Benchmark sweeps: 1,000 runs of the default scenario on 1 and 2 workers, and parent memory.

Run: `python benchmarks/bench_experiments.py [--runs 1000] [--scenario balikpapan-2026]`.

Each measurement is a real `ikdsim sweep` (storage, chunks, final table) in a fresh Python
process, so start-up, pool start and consolidation are included. That process reports its own
peak resident memory (`ru_maxrss` of RUSAGE_SELF: the parent only, not its workers), measured
for several sweep sizes to show that results stream to disk instead of piling up in memory.

Targets (issue 3): 1,000 runs in ≤ 60 s with 2 workers; speed-up from 1 to 2 workers ≥ 1.7;
parent memory flat as the number of runs grows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# Runs inside the measured process: the CLI in-process, then its own peak memory.
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from ikdsim.cli.app import app
    start = time.perf_counter()
    try:
        app(sys.argv[1:], standalone_mode=False)
    finally:
        seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))
""")


def sweep_file(folder: Path, scenario: str, runs: int, replicates: int) -> Path:
    points = max(1, runs // replicates)
    path = folder / f"bench-{runs}.yaml"
    path.write_text(
        textwrap.dedent(f"""
            scenario: {scenario}
            replicates: {replicates}
            sampler: {{method: lhs, n: {points}}}
            parameters:
              adoption.base_rate: {{low: 0.010, high: 0.016}}
            outputs: [final_share, date_target_reached, target_reached, mean_wait_days]
            """),
        encoding="utf-8",
    )
    return path


def measure(path: Path, out: Path, workers: int) -> dict[str, float]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "sweep", str(path), "--out", str(out), "--workers", str(workers), "--force"],
        capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({proc.returncode}):\n{proc.stderr}\n{proc.stdout}")
    figures: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = wall
    return figures


def single_run_seconds(scenario: str, repeats: int = 5) -> float:
    import ikdsim

    spec = ikdsim.load_scenario(scenario)
    ikdsim.simulate(spec)
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        ikdsim.simulate(spec, replicate=r)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="balikpapan-2026")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--replicates", type=int, default=20, help="replicates per point")
    parser.add_argument("--memory-runs", type=int, nargs="*", default=[100, 250, 500],
                        help="extra sweep sizes (2 workers) for the memory curve; --runs is added")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    one = single_run_seconds(args.scenario)
    print(f"single run of {args.scenario}: {one:.3f} s in-process "
          f"(lower bound for {args.runs} runs on 2 workers: {args.runs * one / 2:.0f} s)")
    results: dict[str, object] = {"scenario": args.scenario, "single_run_seconds": one}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = sweep_file(folder, args.scenario, args.runs, args.replicates)
        timing = {}
        for workers in (1, 2):
            figures = measure(path, folder / f"out-{workers}", workers)
            timing[workers] = figures
            print(f"{args.runs} runs, {workers} worker(s): {figures['seconds']:.1f} s in the sweep "
                  f"({figures['wall_seconds']:.1f} s with start-up), {args.runs / figures['seconds']:.1f} runs/s, "
                  f"parent peak {figures['peak_mib']:.0f} MiB")
        speedup = timing[1]["seconds"] / timing[2]["seconds"]
        print(f"speed-up 1 → 2 workers: {speedup:.2f}×  (target ≥ 1.7)")
        print(f"2 workers, {args.runs} runs: {timing[2]['seconds']:.1f} s  (target ≤ 60 s)")
        memory = {args.runs: timing[2]["peak_mib"]}
        for runs in sorted(set(args.memory_runs) - {args.runs}):
            memory[runs] = measure(sweep_file(folder, args.scenario, runs, args.replicates), folder / f"m-{runs}", 2)[
                "peak_mib"
            ]
        print("parent peak memory vs runs (2 workers):")
        for runs in sorted(memory):
            print(f"  {runs:>6} runs: {memory[runs]:6.1f} MiB")
        results.update(
            runs=args.runs,
            timing={str(k): v for k, v in timing.items()},
            speedup=speedup,
            memory_mib={str(k): v for k, v in sorted(memory.items())},
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
