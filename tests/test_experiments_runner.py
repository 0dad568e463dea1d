"""The one dispatcher of runs: records in task order whatever the workers or finishing order."""

from __future__ import annotations

from pathlib import Path

from ikdsim.experiments.executors import open_engine
from ikdsim.experiments.runner import RunTask, run_tasks, stream_batches
from ikdsim.scenario.loader import load_scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"


def tasks() -> list[RunTask]:
    scenario = load_scenario(SMALL, ["horizon.end=2026-01-20", "target.by=2026-01-20"])
    # Keys that do not sort (mixed types) and tasks of very different cost, so that batches
    # finish out of order on two workers.
    return [RunTask(("k", r) if r % 2 else f"k{r}", scenario, 5, r) for r in range(9)]


def test_run_tasks_returns_records_in_task_order_with_their_keys() -> None:
    todo = tasks()
    alone = run_tasks(todo, workers=1, batch_size=2)
    with open_engine(2) as engine:
        pooled = run_tasks(todo, engine.workers, engine.executor, batch_size=1)
    assert [r.key for r in alone] == [t.key for t in todo] == [r.key for r in pooled]
    assert [r.replicate for r in pooled] == list(range(9))
    assert [r.summary for r in alone] == [r.summary for r in pooled]
    assert len({r.summary["final_activated"] for r in alone}) > 1  # replicates differ: the order is tested


def test_stream_batches_yields_every_record_once() -> None:
    todo = tasks()
    seen = [r.replicate for batch in stream_batches(iter(todo), None, 4) for r in batch]
    assert seen == list(range(9))
