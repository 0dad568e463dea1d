"""The `ikdsim` command. Each command module adds its commands through `register(app)`."""

from __future__ import annotations

from typing import Annotated

import typer

from ikdsim.cli import core, experiments, policy

app = typer.Typer(
    name="ikdsim",
    help="Simulate IKD (digital ID) adoption under service integrations, walk-in points and outreach.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        import ikdsim

        typer.echo(f"ikdsim {ikdsim.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """ikdsim: how digital-ID adoption responds to policy."""


for module in (core, experiments, policy):
    module.register(app)


def main() -> None:
    app()
