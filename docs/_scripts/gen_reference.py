"""Generate the reference pages from the code: the CLI from the typer app, the schema from pydantic.

The pages are committed in docs/reference/ (cli.md, schema.md, sweep.md), so that they read on
the repository site as in the built docs; tests/test_docs_reference.py fails when one is stale.
After changing a command, an option or a scenario field:

    .venv/bin/python docs/_scripts/gen_reference.py --write     # rewrite the stale pages
    .venv/bin/python docs/_scripts/gen_reference.py --check     # exit 1 if one is stale
    .venv/bin/python docs/_scripts/gen_reference.py cli         # one page on stdout
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import json
import pathlib
import sys
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ikdsim.scenario.paths import constraints, nested_models


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


# -- CLI ----------------------------------------------------------------------------------------
# typer (0.29+) runs on its own copy of click, so parameters are read by duck typing rather than
# through click's classes.


def cli_markdown() -> str:
    import typer.main
    from typer._click import Context

    from ikdsim.cli.app import app

    root = typer.main.get_command(app)
    out = [
        "# Command line",
        "",
        "Generated from the `ikdsim` typer app (`docs/_scripts/gen_reference.py --write`);",
        "`ikdsim COMMAND --help` prints the same in the terminal. `python -m ikdsim` is the same",
        "program. Exit codes: 0 success, 2 bad input (the message names the file, the field and",
        "the line where known, and nothing is written), 130 interrupted.",
        "",
    ]
    out += _command_section(root, Context(root, info_name="ikdsim"), "ikdsim", level=2)
    return "\n".join(out) + "\n"


def _command_section(cmd: Any, ctx: Any, path: str, level: int) -> list[str]:
    from typer._click import Context
    from typer.core import TyperArgument, TyperOption

    out = [f"{'#' * level} `{path}`", ""]
    if cmd.help:
        out += [_help_text(cmd.help), ""]
    pieces = " ".join(cmd.collect_usage_pieces(ctx))
    out += ["```text", f"{path} {pieces}".rstrip(), "```", ""]
    arguments = [p for p in cmd.params if isinstance(p, TyperArgument)]
    options = [p for p in cmd.params if isinstance(p, TyperOption) and not p.hidden]
    if arguments:
        out += ["| Argument | Type | Required | Description |", "|---|---|---|---|"]
        for arg in arguments:
            out.append(
                f"| `{cell(arg.name)}` | {cell(_param_type(arg))} | "
                f"{'yes' if arg.required else 'no'} | {cell(arg.help or '')} |"
            )
        out.append("")
    if options:
        out += ["| Option | Type | Default | Description |", "|---|---|---|---|"]
        for opt in options:
            names = ", ".join(f"`{n}`" for n in [*opt.opts, *opt.secondary_opts])
            kind, default, text = _param_type(opt), _default(opt), opt.help or ""
            out.append(f"| {names} | {cell(kind)} | {cell(default)} | {cell(text)} |")
        out.append("")
    if hasattr(cmd, "list_commands"):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            sub_ctx = Context(sub, info_name=name, parent=ctx)
            # Commands of the root sit beside it (##); commands of a sub-group go one level down.
            sub_level = level if path == "ikdsim" else level + 1
            out += _command_section(sub, sub_ctx, f"{path} {name}", sub_level)
    return out


def _help_text(text: str) -> str:
    # Keep paragraphs; drop click's \\b (no-rewrap) markers.
    return "\n".join(line for line in text.strip().splitlines() if line.strip() != "\b")


def _param_type(param: Any) -> str:
    if getattr(param, "is_flag", False):
        return "flag"
    annotation = param.type_descriptor.annotation
    if typing.get_origin(annotation) is list:
        return f"{_type(typing.get_args(annotation)[0])}, repeatable"
    bounds = [f"{sym} {v}" for sym, v in (("≥", param.min), ("≤", param.max)) if v is not None]
    return _type(annotation) + (f" ({', '.join(bounds)})" if bounds else "")


def _default(opt: Any) -> str:
    default = opt.default
    if default is None or default == () or default == [] or (opt.is_flag and default is False):
        return ""
    if callable(default):
        return "(computed)"
    return str(default)


# -- scenario schema ----------------------------------------------------------------------------


def schema_markdown() -> str:
    from ikdsim.scenario.schema import Scenario

    out = [
        "# Scenario file",
        "",
        "Generated from the pydantic models in `ikdsim/scenario/schema.py`",
        "(`docs/_scripts/gen_reference.py --write`). A scenario is a YAML file; unknown keys are errors.",
        "Every field below can be overridden on the command line with `--set PATH=VALUE`",
        "(`VALUE` is read as YAML); items of a list of named entries are addressed by their",
        "`name`, e.g. `--set services.bpjs_kesehatan.integrated_from=2026-03-01` or",
        "`--set channels.outreach.jemput-bola.teams=4`.",
        "",
        "Shares are fractions (0.3, not 30). Dates are ISO (`2026-02-18`). `all` in a",
        "district or group selection means every district or group of the population.",
        "",
    ]
    for path, model in nested_models(Scenario):
        out += _model_section(path or "(top level)", model, "Scenario")
    schema = json.dumps(Scenario.model_json_schema(), indent=2)
    out += [
        "## JSON Schema",
        "",
        "`ikdsim schema` prints this JSON Schema (draft 2020-12), for editors that validate YAML",
        "against a schema.",
        "",
        # <details> rather than Material's `???`: it folds on the repository site too.
        "<details markdown>",
        "<summary>JSON Schema of a scenario</summary>",
        "",
        "```json",
        *schema.splitlines(),
        "```",
        "",
        "</details>",
        "",
    ]
    return "\n".join(out) + "\n"


def sweep_markdown() -> str:
    from ikdsim.experiments.sweep import OUTPUTS, SweepSpec

    out = [
        "# Sweep file",
        "",
        "Generated from the pydantic models in `ikdsim/experiments/sweep.py`",
        "(`docs/_scripts/gen_reference.py --write`). A sweep file is read by `ikdsim sweep` and",
        "`ikdsim sensitivity` (which replaces the `sampler` by SALib's); the",
        "[guide for researchers](../guide.md#sweeps) shows one in use. Parameter paths are",
        "scenario fields as for `--set` (see [the scenario file](schema.md)); they, their bounds",
        "and their values are checked against the scenario before anything runs.",
        "",
        "Outputs that can be stored: " + ", ".join(f"`{name}` ({kind})" for name, kind in OUTPUTS.items())
        + ".",
        "",
    ]
    for path, model in nested_models(SweepSpec):
        out += _model_section(path or "(top level)", model, "Sweep file")
    return "\n".join(out) + "\n"


def _model_section(path: str, model: type[BaseModel], top: str) -> list[str]:
    title = top if path == "(top level)" else f"`{path}`"
    out = [f"## {title}", ""]
    doc = (model.__doc__ or "").strip()
    if doc and not doc.startswith(("A base class", "Usage docs")):
        out += [doc.splitlines()[0], ""]
    out += ["| Field | Type | Default | Description |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        kind, default = type_name(info.annotation, info), _field_default(info)
        text = info.description
        out.append(f"| `{name}` | {cell(kind)} | {cell(default)} | {cell(text or '')} |")
    out.append("")
    return out


def _constraints(metadata: list[Any]) -> str:
    parts = []
    for m in constraints(metadata):
        for attr, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(m, attr, None)
            if value is not None:
                parts.append(f"{sym} {value}")
        if getattr(m, "min_length", None):
            parts.append(f"at least {m.min_length}")
        if getattr(m, "pattern", None):
            parts.append("a name")
    return ", ".join(parts)


def type_name(annotation: Any, info: FieldInfo | None = None) -> str:
    base = _type(annotation)
    extra = _constraints(info.metadata) if info is not None else ""
    if extra.endswith("a name"):
        return "name"
    return f"{base} ({extra})" if extra else base


def _type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if annotation is typing.Any:
        return "any value"
    if origin is typing.Annotated:
        inner = _type(args[0])
        extra = _constraints(list(args[1:]))
        if extra.endswith("a name"):
            return "name"
        return f"{inner} ({extra})" if extra else inner
    if origin is typing.Literal:
        return " | ".join(f'"{a}"' for a in args)
    if origin in (typing.Union, types.UnionType):
        literal_all = [a for a in args if typing.get_origin(a) is typing.Literal]
        rest = [a for a in args if a not in literal_all]
        names = [_type(a) for a in literal_all] + [_type(a) for a in rest]
        return " | ".join(names)
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"map of {_type(args[0])} → {_type(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping (below)"
    if annotation is dt.date:
        return "date"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " | ".join(str(m.value) for m in annotation)
    if annotation is pathlib.Path:
        return "path"
    return getattr(annotation, "__name__", str(annotation))


def _field_default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "(defaults below)"
        return json.dumps(value, default=str)
    if info.default is PydanticUndefined:
        return "required"
    return json.dumps(info.default, default=str)


# -- the committed pages ------------------------------------------------------------------------

REFERENCE = pathlib.Path(__file__).resolve().parents[1] / "reference"
NOTICE = "<!-- Generated by docs/_scripts/gen_reference.py --write from the code: do not edit. -->\n"


def pages() -> dict[str, str]:
    """File name in docs/reference/ → the content it must have."""
    makers = {"cli.md": cli_markdown, "schema.md": schema_markdown, "sweep.md": sweep_markdown}
    return {name: NOTICE + make() for name, make in makers.items()}


def stale() -> dict[str, str]:
    """The pages whose committed file differs from what the code generates now."""
    return {
        name: text
        for name, text in pages().items()
        if not (REFERENCE / name).is_file() or (REFERENCE / name).read_text(encoding="utf-8") != text
    }


def main(argv: list[str]) -> int:
    single = {"cli": cli_markdown, "schema": schema_markdown, "sweep": sweep_markdown}
    if argv in (["--write"], ["--check"]):
        out_of_date = stale()
        for name, text in out_of_date.items():
            if argv == ["--write"]:
                (REFERENCE / name).write_text(text, encoding="utf-8")
            print(f"docs/reference/{name}: {'rewritten' if argv == ['--write'] else 'stale'}")
        return 1 if out_of_date and argv == ["--check"] else 0
    if len(argv) != 1 or argv[0] not in single:
        print(f"usage: gen_reference.py {{--write|--check|{'|'.join(single)}}}", file=sys.stderr)
        return 2
    sys.stdout.write(single[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
