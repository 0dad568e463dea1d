"""The docs' commands work in the order a reader types them, from a fresh clone (issue 11).

tests/test_docs.py runs each page in a fresh sandbox; a reader does not. This test clones the
repository (its last commit), runs `make run`, then every command of README.md's quick start,
docs/quickstart.md and docs/tutorial.md in the order shown, in that one folder, with nothing
reset in between (no `--force` added, folders written earlier stay), and compares what each
prints with the page, by the rules of docs/_scripts/examples.py (durations and sizes masked).
Python blocks run there too, and file excerpts are checked against their files: this is the only
test of the quick start and tutorial pages (tests/test_docs.py leaves them to it), so each of
their examples runs once per suite, as the reader runs it.

The path is `READER_PATH` in docs/_scripts/examples.py; the examples are read from the pages of
the checkout under test, so the test follows the docs as they change. Blocks shown without
output (```` ```bash ````) are alternatives or long runs and are not run; tests/test_docs.py
checks that their commands and options exist.

The clone uses the project's virtualenv, whose stamp make sees as up to date, so `make run`
does not reinstall (a fresh machine's install is what `make test` in CI exercises anyway). What
that virtualenv has beyond `make run`'s install (Dask, the docs and test tools) is made
unimportable for the commands, so the pages must work with the core install alone.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ikdsim._optional import OPTIONAL
from tests.test_docs import ROOT, UPDATE, _load
from tests.test_install import DOCS_AND_TEST, block_packages, with_path

examples = _load("examples")
pytestmark = pytest.mark.slow


def section_lines(text: str, heading: str | None) -> range:
    lines = text.splitlines()
    if heading is None:
        return range(len(lines))
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"#+ {re.escape(heading)}\s*", line))
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"#{{1,{level}}} ", lines[i])),
        len(lines),
    )
    return range(start, end)


def reader_examples() -> list[Any]:
    found = []
    for name, heading in examples.READER_PATH:
        page = ROOT / name
        within = section_lines(page.read_text(encoding="utf-8"), heading)
        found += [ex for ex in examples.parse_examples(page) if ex.block.start in within]
    return found


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reader") / "ikdsim"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True, timeout=120)
    venv = examples.VENV_BIN.parent
    (folder / ".venv").symlink_to(venv, target_is_directory=True)
    # The stamps must be newer than the clone's pyproject.toml, or make would reinstall ikdsim
    # into the shared virtualenv from the clone.
    assert (venv / ".installed").is_file(), "the virtualenv was not made by make (no .venv/.installed)"
    old = min((venv / ".installed").stat().st_mtime, (folder / "pyproject.toml").stat().st_mtime) - 60
    os.utime(folder / "pyproject.toml", (old, old))
    return folder


def test_reader_examples_are_found() -> None:
    found = reader_examples()
    assert {"README.md", "quickstart.md", "tutorial.md"} <= {ex.block.path.name for ex in found}
    assert {"console", "python", "excerpt"} <= {ex.kind for ex in found}
    assert sum(len(ex.commands) for ex in found if ex.kind == "console") >= 10


def test_docs_commands_in_sequence_from_a_fresh_clone(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One install, every command: the pages' commands must run without Dask or the docs and test
    # tools, which the shared virtualenv has but `make run` does not install.
    blocker = block_packages(tmp_path / "site", [*OPTIONAL, *DOCS_AND_TEST])
    monkeypatch.setenv("PYTHONPATH", with_path(blocker))
    env = examples.command_env()
    plan = subprocess.run(["make", "-n", "run"], cwd=clone, env=env, capture_output=True, text=True, check=True)
    assert "pip" not in plan.stdout, f"make run would reinstall ikdsim into the shared virtualenv:\n{plan.stdout}"
    made = subprocess.run(["make", "run"], cwd=clone, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    outcomes = examples.run_examples(reader_examples(), clone)
    failures = [examples.describe_failure(o) for o in outcomes if not o.ok]
    assert not failures, (
        f"{len(failures)} example(s) print something else when the docs are followed in order from a fresh "
        f"clone after `make run`. If the change is intended, run `{UPDATE} PAGE` and review the diff:\n\n"
        + "\n\n".join(failures)
    )
