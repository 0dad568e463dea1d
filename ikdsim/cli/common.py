"""Shared CLI plumbing: bad input becomes a message and exit code 2; interrupts clean up."""

from __future__ import annotations

import contextlib
import math
import signal
import types
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ikdsim.errors import InputError

if TYPE_CHECKING:
    from ikdsim.experiments.progress import Progress
    from ikdsim.scenario.schema import Scenario

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_INPUT = 2

# `--fixed-inputs` is these overrides: the scenario at its point values, chance only.
FIXED_INPUTS = ("uncertain={}", "posterior=null")
FixedInputsOpt = Annotated[
    bool,
    typer.Option(
        "--fixed-inputs",
        help="Ignore the scenario's uncertain inputs and posterior: point values, chance only.",
    ),
]


def with_fixed_inputs(overrides: list[str] | None, fixed: bool) -> list[str]:
    return [*(overrides or []), *(FIXED_INPUTS if fixed else ())]


def print_warnings(warnings: list[str]) -> None:
    """Plausibility warnings: on stderr, so they are seen but never mix into piped results."""
    for warning in warnings:
        err_console.print(f"[bold yellow]warning:[/bold yellow] {escape(warning)}", markup=True, highlight=False)

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM, what `timeout`, systemd and SLURM send


class Terminated(BaseException):
    """SIGTERM as an exception, so that `finally` blocks remove temporary files."""


def _on_sigterm(signum: int, frame: types.FrameType | None) -> None:
    raise Terminated


def install_signal_handlers() -> None:
    """Called once by the `ikdsim` entry point (never at import: tests import the app)."""
    signal.signal(signal.SIGTERM, _on_sigterm)


@contextlib.contextmanager
def user_errors(hint: str | None = None) -> Iterator[None]:
    """Report bad input as a clear message with exit code 2, never a traceback.

    `hint` is printed after an interruption (e.g. how to resume a sweep).
    """
    try:
        yield
    except InputError as exc:
        # Escaped: messages contain brackets (`pip install 'ikdsim[dask]'`, list indices).
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}", markup=True, highlight=False)
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        err_console.print("interrupted" + (f"; {hint}" if hint else ""), markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Terminated:
        err_console.print("terminated" + (f"; {hint}" if hint else ""), markup=False)
        raise typer.Exit(EXIT_TERMINATED) from None


@contextlib.contextmanager
def started_engine(workers: int | None, dask: bool, scheduler: str | None) -> Iterator[Any]:
    from ikdsim.experiments.executors import open_engine

    with open_engine(workers, dask=dask, scheduler=scheduler) as opened:
        yield opened


def bar(label: str) -> Progress:
    """Progress for a command whose piped output is documented: a bar on a terminal, else silent."""
    from ikdsim.experiments.progress import BarProgress

    return BarProgress(label, lines=False, console=err_console)


def load(sources: Sequence[str], overrides: Sequence[str]) -> list[Scenario]:
    """The scenarios every command runs, with their plausibility warnings printed (never fatal)."""
    from ikdsim.scenario.plausible import load_with_warnings

    specs = []
    for source in sources:
        spec, warnings = load_with_warnings(source, overrides)
        print_warnings(warnings)
        specs.append(spec)
    return specs


def source_path(source: str) -> Path | None:
    """The scenario's file when it is one (its comments are kept when it is edited), else None."""
    from ikdsim.scenario.bundled import resolve

    path = resolve(source)
    return path if path.is_file() else None


def out_folder(out: Path | None, name: str, command: str, force: bool) -> Path:
    """The output folder, refused before any run is spent when it exists without --force."""
    from ikdsim.io.folders import check_destination, default_folder

    folder = out or default_folder(name, command, what="scenario name")
    check_destination(folder, force)
    return folder


def write_rows(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    from ikdsim.io.tables import write_csv

    header = list(rows[0]) if rows else []
    write_csv(path, header, ([r[h] for h in header] for r in rows))


def num(x: float | None, fmt: str) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def print_json(data: Any) -> None:
    """`--json`: the summary alone on stdout, so that a script can read it whole."""
    from ikdsim.io.tables import json_text

    typer.echo(json_text(data), nl=False)


def say(text: str, as_json: bool = False) -> None:
    """A closing line (where the results went): on stderr under `--json`, to keep stdout parseable."""
    (err_console if as_json else console).print(text)
