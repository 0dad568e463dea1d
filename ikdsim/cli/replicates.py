"""`run --replicates`: run many replicates, write the folder, print the uncertainty summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from ikdsim.cli.common import console, print_json, say
from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_REPLICATES

if TYPE_CHECKING:
    from ikdsim.scenario.schema import Scenario


def parse_replicates(text: str, precision: float | None) -> tuple[int | None, float | None]:
    """`N` or `auto` → (N, None) or (None, precision)."""
    if text.strip().lower() == "auto":
        precision = 0.005 if precision is None else precision
        if not 0 < precision < 1:
            raise InputError(f"--precision {precision}: must be a share between 0 and 1, e.g. 0.005")
        return None, precision
    try:
        n = int(text)
    except ValueError:
        raise InputError(f"--replicates {text!r}: expected a whole number or 'auto'") from None
    if not 1 <= n <= MAX_REPLICATES:
        raise InputError(f"--replicates {n}: must be from 1 to {MAX_REPLICATES:,} (see docs/limits.md)")
    if precision is not None:
        raise InputError("--precision applies to --replicates auto")
    return n, None


def run_replicates_cli(
    spec: Scenario,
    folder: Path,
    *,
    force: bool,
    seed: int | None,
    replicates: str,
    precision: float | None,
    max_replicates: int,
    workers: int | None,
    dask: bool,
    scheduler: str | None,
    by_district: bool = False,
    as_json: bool = False,
) -> None:
    """The `run --replicates` path: run, write the folder, print the uncertainty summary."""
    from ikdsim.experiments.executors import open_engine
    from ikdsim.experiments.progress import BarProgress
    from ikdsim.experiments.replicate_outputs import write_replicates
    from ikdsim.experiments.replicates import BANDS, run_replicates, run_until_precise

    n, precision = parse_replicates(replicates, precision)
    if max_replicates < 2:
        raise InputError(f"--max-replicates {max_replicates}: must be at least 2")
    started = time.perf_counter()
    with open_engine(workers, dask=dask, scheduler=scheduler) as engine:
        progress = BarProgress("replicates")
        if n is not None:
            (reps,) = run_replicates([spec], n, spec.seed if seed is None else seed, workers=engine.workers,
                                     executor=engine.executor, progress=progress, keep=BANDS)
        else:
            assert precision is not None
            reps = run_until_precise(
                spec, precision, engine, seed=seed, max_replicates=max_replicates, progress=progress
            )
        description = engine.description
    summary = write_replicates(reps, folder, force=force)
    if as_json:  # summary.json
        print_json(summary)
    else:
        _print_replicates(summary, reps.stopping.runs_discarded, description, time.perf_counter() - started)
        if by_district:
            from ikdsim.cli.districts import print_district_spread

            print_district_spread(reps)
    say(f"Results written to [bold]{folder}[/bold]", as_json)


def _print_replicates(s: dict[str, Any], discarded: int, engine: str, seconds: float) -> None:
    prob = s["prob_target_reached"]
    share = s["final_share"]
    date = s["date_target_reached"]
    table = Table(
        title=f"{s['scenario']}: {s['replicates']} replicates, chance of {s['target_share']:.0%} by {s['target_by']}",
        show_header=False,
        title_justify="left",
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row(
        "P(target reached)",
        f"{prob['estimate']:.1%}  (95 % CI {prob['ci95_low']:.1%} to {prob['ci95_high']:.1%})",
    )
    if share["ci95_low"] is None:
        table.add_row("Final share", f"{share['mean']:.2%}")
    else:
        table.add_row(
            "Final share, mean",
            f"{share['mean']:.2%}  (95 % CI {share['ci95_low']:.2%} to {share['ci95_high']:.2%})",
        )
    table.add_row("Final share, 5-95 % of replicates", f"{share['p05']:.2%} to {share['p95']:.2%}")
    table.add_row(
        "Date target reached",
        f"median {date['median'] or 'never'}  (5-95 %: {date['p05'] or 'never'} to {date['p95'] or 'never'})",
    )
    stopping = s["stopping"]
    if stopping["rule"] == "sequential":
        reached = "met" if stopping["precision_reached"] else "NOT met (max replicates reached)"
        table.add_row(
            "Sequential stopping",
            f"± {stopping['precision']} {reached} at n = {s['replicates']}"
            + (f" ({discarded} extra runs discarded)" if discarded else ""),
        )
    console.print(table)
    if (unc := s.get("uncertainty")) is not None:
        print_uncertainty(unc)
    # Timings stay out of the table: a duration's width would shift the table's alignment.
    console.print(f"{s['replicates']} replicates on {engine} in {seconds:.1f} s")


def print_uncertainty(unc: dict[str, Any]) -> None:
    """What the answer covers and which unknown matters most (the summary's "uncertainty")."""
    inputs = unc["final_share_variance_from_inputs"]
    if inputs is not None:
        console.print(
            f"The spread covers {len(unc['unknowns'])} uncertain input(s) and chance: "
            f"{inputs:.0%} of the final share's variance comes from the inputs, {1 - inputs:.0%} from chance."
        )
    table = Table(
        title="What matters most (measure these first): share of the spread each unknown explains",
        title_justify="left",
    )
    # Names never wrap mid-word: an analyst must tell the unknowns apart at 80 columns.
    table.add_column("unknown", no_wrap=True)
    table.add_column("final share", justify="right")
    table.add_column("P(target)", justify="right")
    table.add_column("EVPPI", justify="right")

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.0%}"

    for row in unc["ranking"]:
        table.add_row(row["unknown"], pct(row["first_order_final_share"]), pct(row["first_order_reached"]),
                      "n/a" if row["evppi_reach"] is None else f"+{row['evppi_reach']:.1%}")
    console.print(table)
    if unc["evpi_reach"] is not None:
        console.print(
            f"Knowing every input exactly would make a yes/no call on the target right {unc['evpi_reach']:.1%} "
            "more often (EVPI); EVPPI is that gain for one input."
        )
