"""Executable examples in the Markdown docs: find them, run them, compare or rewrite their output.

The rules, for anyone writing a page (README.md and docs/**/*.md):

* A ```` ```console ```` block is a shell session. Each line starting with `$ ` is a command
  (a trailing backslash continues it on the next line); the lines after it, up to the next
  `$ `, are its expected output (stdout and stderr together).
* A ```` ```python ```` block is executed. If the next fenced block (blank lines between are
  fine) has the title `Output` (```` ```text title="Output" ````), it is the expected output of
  everything the Python block printed. Python blocks of one page share one namespace, in order.
* A ```` ```yaml title="scenarios/x.yaml" ```` block whose title names a file of the repository
  must be an excerpt of that file: consecutive lines, each equal to the file's line or to it
  without its trailing `# comment`, so a walk-through cannot drift from the file it explains.
  A line `# …` marks lines left out (so that an excerpt can show its parent keys, as
  `services:` / `# …` / `- name: bansos`), each part being consecutive lines, in order.
* `<!-- docs-test: whole file -->` on the line before such a block makes it a copy of the whole
  file, shown where a reader of the page or of the repository site needs it; the update script
  rewrites it from the file.
* `<!-- docs-test: skip -->` on the line before a block leaves it out (for commands that need
  other machines, like starting a Dask scheduler). Blocks in other languages (`bash`, `yaml`
  without a file title, …) are shown only: never put output in them.

Every page runs in a fresh temporary folder holding copies of `scenarios/` and `docs/examples/`
and a `.venv` link to the project's virtualenv, so commands that write (`--out results/x`)
never touch the checkout. Commands run through bash with the virtualenv first on PATH and a
fixed terminal (`COLUMNS=100`, no colour), which makes rich tables byte-stable.

Output is compared exactly, line by line (trailing spaces ignored), except for what depends on
the machine's speed or file-system details and nothing else: durations (`in 5.4 s`,
`about 0 s left`), rates (`3.7 runs/s`) and file sizes (`642 KiB`) are masked on both sides
before comparing (see VOLATILE), and progress lines printed part-way through are dropped. The
saved text keeps the values of the last update.

`tests/test_docs.py` compares; `python docs/_scripts/update_examples.py` rewrites the saved
outputs after a deliberate change. Tests never rewrite anything.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Where the scenarios the examples use come from: the checkout, or (update_examples.py --head)
# a worktree of the last commit.
SOURCE_ENV = "IKDSIM_DOCS_SOURCE"
VENV_BIN = Path(sys.executable).parent
SKIP_MARK = "<!-- docs-test: skip -->"
WHOLE_MARK = "<!-- docs-test: whole file -->"
ELISION = re.compile(r"^\s*# (?:…|\.\.\.)\s*$")
COMMAND_TIMEOUT = 300  # seconds; a docs command that takes longer is a bug in the docs
# What a new reader follows, in order, in one folder after `make run`: (page, heading of the
# section, or None for the whole page). tests/test_docs_sequence.py runs it from a fresh clone.
READER_PATH: list[tuple[str, str | None]] = [
    ("README.md", "Quick start"),
    ("docs/quickstart.md", None),
    ("docs/tutorial.md", None),
]

# Languages a page may use. console and python run; the others are shown as they are.
KNOWN_LANGUAGES = {"console", "python", "py", "text", "bash", "sh", "yaml", "yml", "json", "toml",
                   "csv", "ini", "javascript", ""}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
COMMENT = re.compile(r"\s+#.*$")
TITLE = re.compile(r"""title=["']([^"']*)["']""")


def documents() -> list[Path]:
    """Every Markdown file whose examples are checked: the README and the docs pages."""
    # experiments-notes.md is another engineer's working notes, not a page of the site.
    pages = sorted(
        p for p in DOCS.rglob("*.md") if "_scripts" not in p.parts and p.name != "experiments-notes.md"
    )
    return [ROOT / "README.md", *pages]


# -- parsing ------------------------------------------------------------------------------------


@dataclass
class Block:
    """One fenced code block: where it is, its info string and its body (fence indent removed)."""

    path: Path
    start: int  # index of the opening fence line
    end: int  # index of the closing fence line
    indent: str
    lang: str
    title: str | None
    body: list[str]
    skip: bool = False
    whole: bool = False  # a copy of the whole file its title names

    @property
    def where(self) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.start + 1}"


def parse_blocks(path: Path, lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"].strip()
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            j += 1
        if j == len(lines):
            raise ValueError(f"{path}:{i + 1}: code block is never closed")
        body = [
            line[len(indent) :] if line.startswith(indent) else line.lstrip()
            for line in lines[i + 1 : j]
        ]
        lang = info.split()[0].lstrip("{.").rstrip("}") if info else ""
        title = TITLE.search(info)
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        mark = lines[k].strip() if k >= 0 else ""
        blocks.append(Block(path, i, j, indent, lang, title[1] if title else None, body, mark == SKIP_MARK,
                            mark == WHOLE_MARK))
        i = j + 1
    return blocks


# -- examples -----------------------------------------------------------------------------------


@dataclass
class Command:
    text: str  # the command as a reader types it (continuation lines joined by newlines)
    expected: list[str]


@dataclass
class Example:
    """Something on a page that is executed (console, python) or checked (yaml excerpt)."""

    kind: str  # "console" | "python" | "excerpt" | "copy"
    block: Block
    output_block: Block | None = None  # for python: the Output block that follows
    commands: list[Command] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.block.where


def parse_console(block: Block) -> list[Command]:
    commands: list[Command] = []
    lines = block.body
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            if commands:
                commands[-1].expected.append(line)
            elif line.strip():
                raise ValueError(f"{block.where}: console block must start with a '$ ' command")
            i += 1
            continue
        parts = [line[2:]]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            parts.append(lines[i])
        commands.append(Command("\n".join(parts), []))
        i += 1
    for c in commands:
        while c.expected and not c.expected[-1].strip():
            c.expected.pop()
    return commands


def parse_examples(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = parse_blocks(path, lines)
    examples: list[Example] = []
    for n, block in enumerate(blocks):
        if block.skip:
            continue
        if block.lang == "console":
            examples.append(Example("console", block, commands=parse_console(block)))
        elif block.lang in {"python", "py"}:
            nxt = blocks[n + 1] if n + 1 < len(blocks) else None
            between = lines[block.end + 1 : nxt.start] if nxt else []
            if nxt is not None and nxt.title == "Output" and not any(s.strip() for s in between):
                examples.append(Example("python", block, output_block=nxt))
            else:
                examples.append(Example("python", block))
        elif block.lang in {"yaml", "yml"} and block.title and (ROOT / block.title).is_file():
            examples.append(Example("copy" if block.whole else "excerpt", block))
    return examples


# -- running ------------------------------------------------------------------------------------


def command_env() -> dict[str, str]:
    dropped = ("FORCE_COLOR", "CLICOLOR", "PYTEST", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        COLUMNS="100",
        LINES="40",
        NO_COLOR="1",
        TERM="dumb",
        PYTHONIOENCODING="utf-8",
        PYTHONHASHSEED="0",
        MPLBACKEND="Agg",
        TZ="UTC",
    )
    return env


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A fresh folder that looks like a checkout: scenarios/, docs/examples/ and .venv."""
    with tempfile.TemporaryDirectory(prefix="ikdsim-docs-") as tmp:
        folder = Path(tmp)
        source = Path(os.environ.get(SOURCE_ENV, ROOT))
        shutil.copytree(source / "scenarios", folder / "scenarios")
        if (DOCS / "examples").is_dir():
            shutil.copytree(DOCS / "examples", folder / "docs" / "examples")
        (folder / ".venv").symlink_to(VENV_BIN.parent, target_is_directory=True)
        yield folder


# Machine-dependent parts of an output, masked before comparing (never in what is saved).
VOLATILE = [
    (re.compile(r"\b\d+(?:\.\d+)? runs/s\b"), "<rate> runs/s"),
    (re.compile(r"\b\d+(?:\.\d+)? ?(?:s|ms|min)\b"), "<time>"),
    (re.compile(r"\b\d+(?:\.\d+)? (?:KiB|MiB|kB|MB)\b"), "<size>"),
]


# A progress line printed part-way (every 30 s when piped) appears or not with the machine's load;
# the lines at the end of each phase (N/N done) are kept.
PART_WAY = re.compile(r"^[\w-]+: (\d[\d,]*)/(\d[\d,]*) done, ")


def mask(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if (m := PART_WAY.match(line)) and m[1] != m[2]:
            continue
        for pattern, replacement in VOLATILE:
            line = pattern.sub(replacement, line)
        out.append(line)
    return out


def clean(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@dataclass
class Outcome:
    example: Example
    actual: list[list[str]]  # console: one output per command; python: one output
    error: str | None = None

    @property
    def expected(self) -> list[list[str]]:
        ex = self.example
        if ex.kind == "console":
            return [c.expected for c in ex.commands]
        if ex.kind == "python":
            return [clean("\n".join(ex.output_block.body))] if ex.output_block else [[]]
        if ex.kind == "copy":
            return [clean("\n".join(ex.block.body))]
        return [[]]

    @property
    def ok(self) -> bool:
        if self.example.kind == "copy":  # exact: nothing in a copied file is volatile
            return self.error is None and self.expected == self.actual
        expected = [mask(clean("\n".join(e))) for e in self.expected]
        return self.error is None and expected == [mask(a) for a in self.actual]


def run_console(example: Example, folder: Path) -> Outcome:
    outputs = []
    for command in example.commands:
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command.text],
            cwd=folder,
            env=command_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        outputs.append(clean(proc.stdout))
    return Outcome(example, outputs)


def run_python(example: Example, folder: Path, namespace: dict[str, object]) -> Outcome:
    source = "\n".join(example.block.body) + "\n"
    buffer = io.StringIO()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        code = compile(source, example.where, "exec")
        with contextlib.redirect_stdout(buffer):
            exec(code, namespace)
    except Exception:
        return Outcome(example, [clean(buffer.getvalue())], error=traceback.format_exc())
    finally:
        os.chdir(previous)
    return Outcome(example, [clean(buffer.getvalue())])


def check_excerpt(example: Example) -> Outcome:
    block = example.block
    assert block.title is not None
    source = clean((ROOT / block.title).read_text(encoding="utf-8"))
    if example.kind == "copy":
        return Outcome(example, [source])
    parts: list[list[str]] = [[]]
    for line in clean("\n".join(block.body)):
        if ELISION.match(line):
            parts.append([])
        else:
            parts[-1].append(line)

    def same(shown: str, line: str) -> bool:
        return shown == line or shown == COMMENT.sub("", line)

    def find(part: list[str], start: int) -> int | None:
        n = len(part)
        for i in range(start, len(source) - n + 1):
            if all(same(shown, line) for shown, line in zip(part, source[i : i + n], strict=True)):
                return i + n
        return None

    position: int | None = 0
    for part in (p for p in parts if p):
        position = find(part, position) if position is not None else None
    error = None if position is not None else f"{block.where}: not an excerpt of {block.title} any more"
    return Outcome(example, [[]], error=error)


def run_examples(examples: list[Example], folder: Path) -> list[Outcome]:
    """Run examples in order in `folder`; the Python blocks of one page share one namespace."""
    outcomes: list[Outcome] = []
    namespaces: dict[Path, dict[str, object]] = {}
    for ex in examples:
        if ex.kind == "console":
            outcomes.append(run_console(ex, folder))
        elif ex.kind == "python":
            # Like a script run with `python`: `if __name__ == "__main__":` blocks run.
            namespace = namespaces.setdefault(ex.block.path, {"__name__": "__main__"})
            outcomes.append(run_python(ex, folder, namespace))
        else:
            outcomes.append(check_excerpt(ex))
    return outcomes


def run_document(path: Path) -> list[Outcome]:
    """Run every example of one page, in order, in one fresh sandbox."""
    examples = parse_examples(path)
    if not examples:
        return []
    with sandbox() as folder:
        return run_examples(examples, folder)


def describe_failure(outcome: Outcome) -> str:
    import difflib

    ex = outcome.example
    if outcome.error:
        return f"{ex.where}: {ex.kind} example failed\n{outcome.error}"
    parts = []
    for i, (want, got) in enumerate(zip(outcome.expected, outcome.actual, strict=True)):
        want = clean("\n".join(want))
        if mask(want) == mask(got):
            continue
        if ex.kind == "console":
            label = f"$ {ex.commands[i].text}"
        else:
            label = f"the copy of {ex.block.title}" if ex.kind == "copy" else "python block"
        # Diff the masked lines: parts that are never compared (durations…) show as <time>.
        diff = difflib.unified_diff(
            mask(want), mask(got), "saved in the docs", "printed now", lineterm="", n=2
        )
        parts.append(f"{ex.where}: output of {label!r} differs:\n" + "\n".join(diff))
    return "\n".join(parts)


# -- rewriting ----------------------------------------------------------------------------------


def rewrite(path: Path, outcomes: list[Outcome]) -> bool:
    """Write the actual output of every out-of-date example into the page.

    Examples that match (after masking durations and sizes) are left alone, so an update does
    not churn timings. Returns whether the file changed.
    """
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    # Replace from the bottom up so earlier line numbers stay valid.
    edits: list[tuple[int, int, str, list[str]]] = []
    for outcome in outcomes:
        ex = outcome.example
        if outcome.error is not None:
            raise RuntimeError(describe_failure(outcome))
        if outcome.ok:
            continue  # up to date (maybe with other durations): leave the page as it is
        if ex.kind == "console":
            body: list[str] = []
            for command, output in zip(ex.commands, outcome.actual, strict=True):
                first, *rest = command.text.split("\n")
                body += [f"$ {first}", *rest, *output]
            edits.append((ex.block.start + 1, ex.block.end, ex.block.indent, body))
        elif ex.kind == "copy":
            edits.append((ex.block.start + 1, ex.block.end, ex.block.indent, outcome.actual[0]))
        elif ex.kind == "python" and ex.output_block is not None:
            out = ex.output_block
            edits.append((out.start + 1, out.end, out.indent, outcome.actual[0]))
        elif ex.kind == "python" and outcome.actual[0]:
            raise RuntimeError(
                f"{ex.where}: the block prints output but has no Output block after it; add "
                '```text title="Output"``` right after it and run the update again'
            )
    for start, end, indent, body in sorted(edits, reverse=True):
        lines[start:end] = [f"{indent}{line}" if line else "" for line in body]
    text = "\n".join(lines) + "\n"
    if text != original:
        path.write_text(text, encoding="utf-8")
        return True
    return False
