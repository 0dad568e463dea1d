"""Shared CLI plumbing: bad input becomes a message and exit code 2; interrupts clean up."""

from __future__ import annotations

import contextlib
import signal
import types
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ikdsim.errors import InputError

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
