"""Where runs execute: this process, a local process pool, a Dask LocalCluster or a Dask cluster.

Every engine is exposed as a `concurrent.futures.Executor` (Dask through
`Client.get_executor()`), so the code that schedules runs and stores results is the same for all
of them, and results cannot depend on the engine.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ikdsim._optional import require
from ikdsim.errors import InputError
from ikdsim.experiments.runner import default_workers

CONNECT_TIMEOUT = 5.0
PARENT_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Engine:
    """An open execution engine: `executor` is None when runs execute in this process."""

    executor: Executor | None
    workers: int
    description: str


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; only the parent should react, flush what has
    # finished and stop the pool, instead of every worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="ikdsim-parent-watch").start()


def _exit_with_parent(parent: int) -> None:
    """Pool workers never notice a parent killed by kill -9: each holds both ends of its task
    queue, so it waits for work forever (and keeps the fork server alive). Exit instead."""
    while _alive(parent):
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid now belongs to another user
        return False
    # A killed parent stays a zombie until its own parent reaps it, and signal 0 still reaches a
    # zombie; where /proc exists, ask for the state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _noop() -> None:
    return None


def _pool_context() -> Any:
    """forkserver where available: workers fork from a clean server process, so they inherit
    neither the parent's threads and locks nor its open files (a sweep's lock would outlive a
    killed parent). Like spawn, it imports the parent's __main__: scripts need the usual guard."""
    if sys.platform == "win32" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    # Import the model once in the server, so each worker starts warm.
    ctx.set_forkserver_preload(["ikdsim.experiments.runner", "ikdsim.model.engine"])
    return ctx


def check_workers(workers: int | None) -> int:
    if workers is None:
        return default_workers()
    if workers < 1:
        raise InputError(f"--workers {workers}: must be at least 1")
    return workers


@contextlib.contextmanager
def open_engine(
    workers: int | None = None,
    *,
    dask: bool = False,
    scheduler: str | None = None,
    processes: bool = True,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Iterator[Engine]:
    """Open an engine for the duration of a `with` block.

    Args:
        workers: local worker processes (default: number of cores); ignored with `scheduler`.
        dask: start a Dask `LocalCluster` with `workers` single-threaded workers.
        scheduler: address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        processes: Dask LocalCluster workers as processes (False: threads of this process,
            which is what tests use).
        connect_timeout: seconds to wait for `scheduler` before giving up with a clear message.
    """
    if dask and scheduler:
        raise InputError("give --dask (start a local Dask cluster) or --scheduler ADDRESS, not both")
    n = check_workers(workers)
    if scheduler:
        with _dask_client(scheduler, connect_timeout) as engine:
            yield engine
        return
    if dask:
        with _dask_local(n, processes) as engine:
            yield engine
        return
    if n == 1:
        yield Engine(None, 1, "this process")
        return
    pool = ProcessPoolExecutor(
        max_workers=n, mp_context=_pool_context(), initializer=_start_worker, initargs=(os.getpid(),)
    )
    try:
        # A pool that cannot start (say, a script without a __main__ guard) fails here, before
        # any output folder exists.
        pool.submit(_noop).result()
        yield Engine(pool, n, f"{n} local processes")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _dask_local(workers: int, processes: bool) -> Iterator[Engine]:
    distributed = require("distributed")
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=processes,
        dashboard_address=None,
        silence_logs=40,
    )
    try:
        client = distributed.Client(cluster, set_as_default=False)
        try:
            yield Engine(client.get_executor(), workers, f"Dask LocalCluster, {workers} workers")
        finally:
            client.close()
    finally:
        cluster.close()


@contextlib.contextmanager
def _dask_client(address: str, timeout: float) -> Iterator[Engine]:
    distributed = require("distributed")
    if "://" not in address and ":" not in address:
        raise InputError(f"--scheduler {address!r}: expected an address like tcp://host:8786")
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # a bad address fails in many ways (OSError, TimeoutError, parse errors)
        raise InputError(
            f"--scheduler {address}: cannot reach a Dask scheduler within {timeout:g} s ({_short(exc)}). "
            "Is `dask scheduler` running there, and is the port open?"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except Exception:  # distributed raises its own TimeoutError type
            raise InputError(
                f"--scheduler {address}: the scheduler has no workers after {timeout:g} s; start some "
                f"with `dask worker {address} --nthreads 1`"
            ) from None
        threads = sum(client.nthreads().values())
        yield Engine(client.get_executor(), threads, f"Dask scheduler {address}, {threads} worker threads")
    finally:
        client.close()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
