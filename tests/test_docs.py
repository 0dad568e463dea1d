"""The documentation cannot drift from the code.

* Every example in README.md and docs/ whose output is shown is run, and what it prints now must
  equal the saved text (rules in docs/_scripts/examples.py). Each page runs in its own sandbox,
  except the pages a reader follows in order (quick start, tutorial), which
  tests/test_docs_sequence.py runs once, in sequence, from a fresh clone. After a deliberate
  change, rewrite the saved outputs with `.venv/bin/python docs/_scripts/update_examples.py` and
  review the diff; these tests never rewrite anything.
* The site builds with `mkdocs build --strict`, which also generates the CLI and schema
  reference and the validation figures from the code (docs/_scripts/hooks.py).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "docs" / "_scripts"
UPDATE = ".venv/bin/python docs/_scripts/update_examples.py"


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"ikdsim_docs_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


examples = _load("examples")
PAGES = examples.documents()
# Pages a reader follows whole are run once, in the reader's order, by tests/test_docs_sequence.py
# (a stricter check than a fresh sandbox per page); every other page runs here on its own.
FOLLOWED = {ROOT / page for page, heading in examples.READER_PATH if heading is None}
ALONE = [page for page in PAGES if page not in FOLLOWED]


@pytest.mark.parametrize("page", ALONE, ids=[str(p.relative_to(ROOT)) for p in ALONE])
def test_examples_print_what_the_docs_show(page: Path) -> None:
    outcomes = examples.run_document(page)
    failures = [examples.describe_failure(o) for o in outcomes if not o.ok]
    assert not failures, (
        f"{len(failures)} example(s) in {page.relative_to(ROOT)} no longer print what the page shows.\n"
        f"If the change is intended, run `{UPDATE} {page.relative_to(ROOT)}` and review the diff.\n\n"
        + "\n\n".join(failures)
    )


def test_pages_with_output_have_examples() -> None:
    # A page that shows output must show it through checked examples: guard against a typo in a
    # fence (```consol) silently turning an example into unchecked text.
    for page in PAGES:
        for block in examples.parse_blocks(page, page.read_text(encoding="utf-8").splitlines()):
            assert block.lang in examples.KNOWN_LANGUAGES, (
                f"{block.where}: unknown code block language {block.lang!r}; "
                f"use one of {sorted(examples.KNOWN_LANGUAGES)}"
            )


def test_update_rewrites_exactly_what_the_test_compares(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```console\n$ echo one\nstale\n$ printf 'a\\nb\\n'\n```\n\n"
        "```python\nx = 6 * 7\nprint(x)\n```\n\n```text title=\"Output\"\n0\n```\n\n"
        "    ```console\n    $ echo indented\n    ```\n",
        encoding="utf-8",
    )
    before = examples.run_document(page)
    assert [o.ok for o in before] == [False, False, False]
    assert examples.rewrite(page, before)
    assert "$ echo one\none\n$ printf 'a\\nb\\n'\na\nb\n" in page.read_text(encoding="utf-8")
    assert "    $ echo indented\n    indented\n" in page.read_text(encoding="utf-8")
    after = examples.run_document(page)
    assert all(o.ok for o in after), [examples.describe_failure(o) for o in after]
    assert not examples.rewrite(page, after)


def test_site_builds_strictly(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**examples.command_env(), "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = tmp_path / "site"
    for page in ("reference/cli", "reference/schema", "reference/sweep", "reference/api", "validation"):
        assert (site / f"{page}.html").is_file(), page
    gen_figures = _load("gen_figures")
    for name in gen_figures.FIGURES:
        png = site / "img" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    from ikdsim.cli.app import app

    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"ikdsim {name.replace('_', '-')}" in cli, f"CLI reference misses ikdsim {name}"


def test_commands_shown_but_not_run_exist() -> None:
    # Shell blocks that are shown without output (```bash) are not executed; at least check
    # that every `ikdsim COMMAND --option` in them names a command and options that exist.
    import shlex

    import typer.main
    from typer._click import Context

    from ikdsim.cli.app import app

    root = typer.main.get_command(app)
    ctx = Context(root, info_name="ikdsim")
    commands = {name: root.get_command(ctx, name) for name in root.list_commands(ctx)}
    problems = []
    for page in PAGES:
        for block in examples.parse_blocks(page, page.read_text(encoding="utf-8").splitlines()):
            if block.lang not in {"bash", "sh", "console"}:
                continue
            text = "\n".join(line.removeprefix("$ ") for line in block.body).replace("\\\n", " ")
            for line in text.splitlines():
                command_line = line.split(" #")[0].split("|")[0]
                try:
                    words = shlex.split(command_line)
                except ValueError:  # an unbalanced quote in a comment or output line
                    words = command_line.split()
                for i, word in enumerate(words):
                    if not word.endswith("ikdsim") or i + 1 >= len(words) or words[i + 1].startswith("-"):
                        continue
                    name = words[i + 1]
                    command = commands.get(name)
                    if command is None:
                        problems.append(f"{block.where}: no command `ikdsim {name}`")
                        continue
                    known = {opt for p in command.params for opt in [*p.opts, *getattr(p, "secondary_opts", [])]}
                    for option in (w.split("=")[0] for w in words[i + 2 :] if w.startswith("--")):
                        if option not in known | {"--help"}:
                            problems.append(f"{block.where}: `ikdsim {name}` has no option {option}")
    assert not problems, "\n".join(problems)
