"""Run many simulations and get the results back in task order, whatever the executor.

A task is (scenario, seed, replicate) plus a key that orders it; a record is the run's summary
and, on request, a few daily columns. Results never depend on the number of workers or on the
order in which they finish: each run draws from its own streams, and records come back sorted
by task position.
"""

from __future__ import annotations

import os
import traceback
from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np

from ikdsim.scenario.schema import Scenario


@dataclass(frozen=True)
class RunTask:
    key: Hashable
    scenario: Scenario
    seed: int
    replicate: int
    keep_daily: tuple[str, ...] = ()


@dataclass
class RunRecord:
    key: Hashable
    seed: int
    replicate: int
    summary: dict[str, Any] = field(default_factory=dict)
    daily: dict[str, np.ndarray] = field(default_factory=dict)
    error: str | None = None
    inputs: dict[str, float] = field(default_factory=dict)  # the uncertain inputs this replicate drew
    districts: dict[str, float] = field(default_factory=dict)  # final activated share by district


def execute(task: RunTask) -> RunRecord:
    """Run one task; an exception becomes the record's `error` so one bad run never stops a batch."""
    from ikdsim.model.engine import simulate
    from ikdsim.scenario.uncertain import for_replicate

    try:
        # The one place where a replicate's inputs are drawn: every multi-run answer integrates
        # over the scenario's uncertain inputs (or its posterior) through here.
        scenario, inputs = for_replicate(task.scenario, task.seed, task.replicate)
        result = simulate(scenario, seed=task.seed, replicate=task.replicate)
        daily = {c: result.daily[c] for c in task.keep_daily}
        districts = {name: float(v) for name, v in zip(result.districts, result.district_shares()[-1], strict=True)}
    except Exception as exc:  # a sweep records failures and goes on
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return RunRecord(task.key, task.seed, task.replicate, error=detail)
    return RunRecord(
        task.key, task.seed, task.replicate, summary=result.summary, daily=daily, inputs=inputs, districts=districts
    )


def _execute_batch(tasks: Sequence[RunTask]) -> list[RunRecord]:
    return [execute(t) for t in tasks]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_tasks(
    tasks: Sequence[RunTask],
    workers: int = 1,
    executor: Executor | None = None,
    batch_size: int | None = None,
) -> list[RunRecord]:
    """Run tasks and return their records in task order: `stream_batches`, gathered and sorted.

    With `executor` given (a ProcessPoolExecutor, a Dask `client.get_executor()`, …) it is used
    as is; otherwise `workers` > 1 starts a local process pool and 1 runs in this process.
    """
    if not tasks:
        return []
    if executor is None and workers > 1:
        # The engines' own pool: its workers exit if this process dies.
        from ikdsim.experiments.executors import open_engine

        with open_engine(workers) as engine:
            return run_tasks(tasks, engine.workers, engine.executor, batch_size)
    # Records come back in finishing order; each task's position, carried as its key, puts them back.
    numbered = [replace(task, key=i) for i, task in enumerate(tasks)]
    out: list[RunRecord | None] = [None] * len(tasks)
    size = batch_size or batch_size_for(len(tasks), workers)
    for records in stream_batches(numbered, executor, size, max_pending=2 * workers + 2):
        for record in records:
            position = cast(int, record.key)
            out[position] = replace(record, key=tasks[position].key)
    return [r for r in out if r is not None]


def batch_size_for(runs: int, workers: int, largest: int = 16) -> int:
    """Runs per batch: about 16 batches per worker for load balance, at most `largest` runs.

    A run of the default scenario takes ~0.05 s and a batch costs a few milliseconds to ship
    (pickling, a Dask task), so 16 runs keep overhead near 1 % while the last batches, which
    leave other workers idle, stay short (under a second) and progress reports stay frequent.
    """
    return max(1, min(largest, runs // (16 * max(workers, 1))))


def stream_batches(
    tasks: Iterable[RunTask],
    executor: Executor | None,
    batch_size: int,
    max_pending: int = 4,
) -> Iterator[list[RunRecord]]:
    """Yield the records of each batch as soon as it finishes (completion order).

    `tasks` is consumed lazily and at most `max_pending` batches are in flight, so the memory of
    the calling process does not grow with the number of runs. Callers that need an order sort
    by the task key; nothing here depends on timing except the order batches arrive in.
    """
    batches = _lazy_batches(tasks, batch_size)
    if executor is None:
        for batch in batches:
            yield _execute_batch(batch)
        return
    pending: deque[Future[list[RunRecord]]] = deque()
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < max_pending:
                try:
                    batch = next(batches)
                except StopIteration:
                    exhausted = True
                    break
                pending.append(executor.submit(_execute_batch, batch))
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in [f for f in pending if f in done]:
                pending.remove(future)
                yield future.result()
    finally:
        for future in pending:
            future.cancel()


def _lazy_batches(tasks: Iterable[RunTask], size: int) -> Iterator[list[RunTask]]:
    batch: list[RunTask] = []
    for task in tasks:
        batch.append(task)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
