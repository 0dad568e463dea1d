"""The `ikdsim` command. Each command module adds its commands through `register(app)`."""

from __future__ import annotations

from typing import Annotated

import typer

from ikdsim.cli import attribute, calibration, compare, core, discover, experiments, report, solve
from ikdsim.cli.common import install_signal_handlers

app = typer.Typer(
    name="ikdsim",
    help="Simulate IKD (digital ID) adoption under service integrations, walk-in points and outreach.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are plain: install hints such as ikdsim[dask] must not be read as markup.
    rich_markup_mode=None,
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


# The order of the commands in `ikdsim --help`.
for module in (core, experiments, compare, attribute, solve, report, calibration, discover):
    module.register(app)


def main() -> None:
    install_signal_handlers()
    app()
