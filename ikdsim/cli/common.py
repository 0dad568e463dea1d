"""Shared CLI plumbing: turning InputError into a message and exit code 2."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer
from rich.console import Console

from ikdsim.errors import InputError

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_INPUT = 2


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report bad input as a clear message with exit code 2, never a traceback."""
    try:
        yield
    except InputError as exc:
        err_console.print(f"[bold red]error:[/bold red] {exc}", markup=True, highlight=False)
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def fail(message: str) -> None:
    raise InputError(message)


def is_tty() -> bool:
    return sys.stdout.isatty()
