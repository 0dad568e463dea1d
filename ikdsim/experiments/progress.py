"""Progress of many runs across all workers: runs done, rate and time left.

The parent process counts runs as their batches come back, so one bar covers every worker
and every engine (local pool or Dask). On a terminal it is a rich progress bar; elsewhere (a
log file, a batch job) a plain line every `every` seconds, or nothing for the commands whose
piped output is documented and compared.

Work made of several batches of runs (a search, an optimiser, a report) reports through
`tracked`: one bar for the whole, whose total grows when a stage needs more runs than expected.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as RichProgress,
)
from rich.text import Text


class Progress(Protocol):
    def start(self, total: int, skipped: int = 0) -> None: ...

    def advance(self, runs: int) -> None: ...

    def retotal(self, total: int) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    def start(self, total: int, skipped: int = 0) -> None:
        return None

    def advance(self, runs: int) -> None:
        return None

    def retotal(self, total: int) -> None:
        return None

    def stop(self) -> None:
        return None


class RunsRate(ProgressColumn):
    """Runs per second since the start (rich's own speed column is for bytes)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:.1f} runs/s", style="progress.data.speed")


class BarProgress:
    """A rich bar on a terminal, periodic plain lines otherwise (both on stderr).

    `lines=False` keeps it silent off a terminal. Pass the console the command prints its
    other stderr lines with, so that they appear above the bar instead of through it.
    """

    def __init__(
        self, label: str = "runs", every: float = 30.0, *, lines: bool = True, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.label = label
        self.every = every
        self.lines = lines
        self._bar: Any = None
        self._task: Any = None
        self._done = 0
        self._total = 0
        self._t0 = 0.0
        self._last = 0.0

    def start(self, total: int, skipped: int = 0) -> None:
        self._total, self._done, self._t0 = total, 0, time.monotonic()
        self._last = self._t0
        if skipped:
            self.console.print(f"{skipped:,} finished runs found and skipped")
        if self.console.is_terminal:
            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                RunsRate(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)

    def advance(self, runs: int) -> None:
        self._done += runs
        if self._bar is not None:
            self._bar.advance(self._task, runs)
            return
        if not self.lines:
            return
        now = time.monotonic()
        if now - self._last >= self.every or self._done == self._total:
            self._last = now
            rate = self._done / max(now - self._t0, 1e-9)
            left = (self._total - self._done) / rate if rate > 0 else float("inf")
            print(
                f"{self.label}: {self._done:,}/{self._total:,} done, {rate:.1f} runs/s, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )

    def retotal(self, total: int) -> None:
        """A sequential rule or a search learns the number of runs as it goes."""
        self._total = total
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class Tracked:
    """A progress over several batches of runs: counts them and grows the total when needed."""

    def __init__(self, inner: Progress, total: int) -> None:
        self.inner = inner
        self.total = total
        self.done = 0

    def expect(self, runs: int) -> None:
        """`runs` more are about to start: the total is at least what is done plus them."""
        if self.done + runs > self.total:
            self.total = self.done + runs
            self.inner.retotal(self.total)

    def start(self, total: int, skipped: int = 0) -> None:
        self.expect(total)

    def advance(self, runs: int) -> None:
        self.done += runs
        self.inner.advance(runs)

    def retotal(self, total: int) -> None:
        self.expect(total)

    def stop(self) -> None:
        return None


@contextmanager
def tracked(progress: Progress | None, total: int) -> Iterator[Tracked]:
    """Report `total` runs (an estimate is fine) on `progress` from here to the end of the block.

    Inside another `tracked` block the runs join the outer bar, so a report or a search shows
    one bar. At the end the total is set to the runs done: a search that stopped early ends full.
    """
    if isinstance(progress, Tracked):
        progress.expect(total)
        yield progress
        return
    inner = progress or NoProgress()
    tally = Tracked(inner, total)
    inner.start(total)
    try:
        yield tally
    finally:
        if tally.done != tally.total:
            inner.retotal(tally.done)
        inner.stop()
