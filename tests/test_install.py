"""One install, every command (issue 11): the core dependencies cover every command but Dask's.

A clean virtualenv per test run would need the network, so the check is in two parts: every
third-party module that ikdsim's source imports (statements, `require("...")` and
`importlib.import_module("...")`) must come from a core dependency in pyproject.toml unless
`ikdsim._optional.OPTIONAL` names it, and the CLI must start and show every command's help with
the optional and docs/test packages made unimportable.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

import pytest

from ikdsim._optional import OPTIONAL, install_hint

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "ikdsim"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LAZY_IMPORTERS = {"require", "import_module"}
# Packages that only the docs and tests use: the commands must run without them.
DOCS_AND_TEST = ["pytest", "hypothesis", "mkdocs", "mkdocstrings", "latex2mathml", "ziamath", "ruff", "mypy"]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _provided(requirement: str) -> set[str]:
    """Distributions a requirement installs by name: dask[distributed] gives dask and distributed."""
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", requirement)
    assert match, requirement
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return {_norm(match.group(1)), *map(_norm, extras)}


def _string_prefix(node: ast.expr) -> str | None:
    """The literal start of a module name: "SALib.sample." + method gives "SALib.sample."."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _string_prefix(node.left)
    return None


def imported_modules() -> dict[str, dict[str, set[str]]]:
    """Top-level third-party module -> {"statement" | "lazy": files that import it that way}."""
    found: dict[str, dict[str, set[str]]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            how = "statement"
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                prefix = _string_prefix(node.args[0])
                if called in LAZY_IMPORTERS and prefix:
                    names, how = [prefix], "lazy"
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"ikdsim", "__future__"}:
                    continue
                found.setdefault(top, {}).setdefault(how, set()).add(where)
    return found


def test_the_source_scan_sees_both_kinds_of_import() -> None:
    # Guards the scan itself: were it to find nothing, the coverage test below would pass vacuously.
    modules = imported_modules()
    assert "lazy" in modules["scipy"] and "statement" in modules["numpy"]
    assert "lazy" in modules["SALib"] and "lazy" in modules["distributed"]


def test_core_dependencies_cover_every_module_but_the_optional_ones() -> None:
    core = set().union(*map(_provided, PYPROJECT["project"]["dependencies"]))
    optional = PYPROJECT["project"]["optional-dependencies"]
    extras = {extra: set().union(*map(_provided, reqs)) for extra, reqs in optional.items()}
    distributions = importlib.metadata.packages_distributions()
    uncovered = []
    for module, ways in imported_modules().items():
        dists = {_norm(d) for d in distributions.get(module, [])}
        assert dists, f"{module} (imported in {sorted(set().union(*ways.values()))}) is not installed here"
        if module in OPTIONAL:
            extra = OPTIONAL[module]
            assert extras[extra] & dists, f"{module}: not in the [{extra}] extra"
            assert "statement" not in ways, f"optional {module} imported at module level in {ways['statement']}"
        elif not dists & core:
            uncovered.append(f"{module} ({', '.join(sorted(dists))}) in {sorted(set().union(*ways.values()))}")
    assert not uncovered, "imported but not a core dependency: " + "; ".join(uncovered)


def test_only_dask_stays_optional_and_old_extras_still_install() -> None:
    assert set(OPTIONAL.values()) == {"dask"}
    extras = PYPROJECT["project"]["optional-dependencies"]
    # Old install lines such as pip install 'ikdsim[sweep]' must keep resolving.
    for former in ("sweep", "sa", "plot", "analysis", "io"):
        assert extras[former] == [], former


def test_install_hints_name_the_extra_or_say_reinstall() -> None:
    assert "pip install 'ikdsim[dask]'" in install_hint("distributed")
    hint = install_hint("scipy.optimize")
    assert "'scipy'" in hint and "reinstall" in hint and "[" not in hint


# Installed as sitecustomize through PYTHONPATH, so it also holds in the processes a command
# starts (workers) and in commands run through a shell (tests/test_docs_sequence.py).
SITECUSTOMIZE = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {blocked!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"blocked for the test: {{name}}")
            return None
    sys.meta_path.insert(0, Block())
    """
)


def block_packages(folder: Path, blocked: list[str]) -> Path:
    """A folder to put on PYTHONPATH in which importing any of `blocked` fails as if not installed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE.format(blocked=sorted(blocked)), encoding="utf-8")
    return folder


def with_path(folder: Path) -> str:
    """PYTHONPATH with `folder` first and what was there kept (a checkout under test may be on it)."""
    return os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH", "")]))


def _cli_without(blocked: list[str], *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as tmp:
        site = block_packages(Path(tmp), blocked)
        return subprocess.run(
            [sys.executable, "-c", "from ikdsim.cli.app import main; main()", *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": with_path(site)},
        )


def test_the_blocker_blocks(tmp_path: Path) -> None:
    # Simulating needs numpy (validating a scenario no longer imports it).
    done = _cli_without(["numpy"], "run", "tests/data/small.yaml", "--out", str(tmp_path / "out"))
    assert done.returncode != 0 and "blocked for the test: numpy" in done.stderr


def _commands() -> list[str]:
    from typer.main import get_command

    from ikdsim.cli.app import app

    group = get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_every_command_starts_without_dask_or_the_docs_and_test_tools() -> None:
    blocked = [*OPTIONAL, *DOCS_AND_TEST]
    commands = _commands()
    assert {"run", "solve", "calibrate", "plot", "report", "sweep", "sensitivity"} <= set(commands)
    for command in commands:
        done = _cli_without(blocked, command, "--help")
        assert done.returncode == 0, f"ikdsim {command} --help: {done.stderr[-2000:]}"
        assert "Usage" in done.stdout


def test_dask_missing_prints_the_extra_intact(tmp_path: Path) -> None:
    # The hint's [dask] must survive the terminal's markup (issue 11: it printed 'ikdsim').
    sweep = ROOT / "docs" / "examples" / "sweep-teams.yaml"
    done = _cli_without([*OPTIONAL], "sweep", str(sweep), "--dask", "--out", str(tmp_path / "s"))
    assert done.returncode == 2, done.stderr
    assert "pip install 'ikdsim[dask]'" in done.stderr
    assert "Traceback" not in done.stderr
