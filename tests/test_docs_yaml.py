"""YAML shown in the docs is YAML a reader can paste (issue 11).

Every ```` ```yaml ```` block of README.md and docs/ parses on its own. A block titled with a
file of the repository (an excerpt or a copy, see docs/_scripts/examples.py) is also a part of
that file with its parent keys: each key it shows sits at the same place in the file, and items
of named lists are the file's items of that name. An excerpt that starts at `  - name: bansos`
without `services:` would parse as a list, not as a part of the scenario, and fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.test_docs import PAGES, ROOT, _load

examples = _load("examples")


def yaml_blocks() -> list[Any]:
    return [
        block
        for page in PAGES
        for block in examples.parse_blocks(page, page.read_text(encoding="utf-8").splitlines())
        if block.lang in {"yaml", "yml"}
    ]


BLOCKS = yaml_blocks()


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def misplaced(part: Any, whole: Any, path: str = "") -> list[str]:
    """Where `part` is not a part of `whole` (empty if it is)."""
    if isinstance(part, dict):
        if not isinstance(whole, dict):
            return [f"{path or 'top level'}: a mapping here, not in the file"]
        found = []
        for key, value in part.items():
            where = f"{path}.{key}" if path else str(key)
            found += misplaced(value, whole[key], where) if key in whole else [f"{where}: not in the file"]
        return found
    if isinstance(part, list) and all(isinstance(item, dict) and "name" in item for item in part):
        if not isinstance(whole, list):
            return [f"{path or 'top level'}: a list here, not in the file"]
        by_name = {item.get("name"): item for item in whole if isinstance(item, dict)}
        return [
            problem
            for item in part
            for problem in (
                misplaced(item, by_name[item["name"]], f"{path}[{item['name']}]")
                if item["name"] in by_name
                else [f"{path}[{item['name']}]: no item of that name in the file"]
            )
        ]
    if isinstance(part, list) and isinstance(whole, list):  # an excerpt may show some items of a list
        return [f"{path}: {item!r} is not in the file's list" for item in part if item not in whole]
    return [] if part == whole else [f"{path or 'top level'}: {part!r} where the file has {whole!r}"]


@pytest.mark.parametrize("block", BLOCKS, ids=[b.where for b in BLOCKS])
def test_yaml_block_parses(block: Any) -> None:
    try:
        load("\n".join(block.body))
    except Exception as exc:
        pytest.fail(f"{block.where}: not valid YAML on its own: {exc}")


TITLED = [b for b in BLOCKS if b.title and (ROOT / b.title).is_file()]


@pytest.mark.parametrize("block", TITLED, ids=[b.where for b in TITLED])
def test_excerpt_shows_its_parent_keys(block: Any) -> None:
    part = load("\n".join(block.body))
    whole = load((ROOT / block.title).read_text(encoding="utf-8"))
    assert isinstance(part, dict), f"{block.where}: starts inside {block.title}; show its parent keys"
    problems = misplaced(part, whole)
    assert not problems, f"{block.where}: not a part of {block.title}: " + "; ".join(problems)


def test_the_checks_catch_an_excerpt_without_parents_and_a_moved_key(tmp_path: Path) -> None:
    scenario = load((ROOT / "scenarios" / "balikpapan-2026.yaml").read_text(encoding="utf-8"))
    orphan = load("- name: bansos\n  encounters_per_year: 4\n")
    assert not isinstance(orphan, dict)
    assert misplaced({"services": orphan}, scenario) == []
    assert misplaced({"channels": {"services": orphan}}, scenario) != []
    assert misplaced({"services": [{"name": "no-such"}]}, scenario) != []
    # The excerpt rule: parts separated by `# …` must appear in the file in order.
    page = tmp_path / "page.md"
    page.write_text(
        '```yaml title="scenarios/balikpapan-2026.yaml"\nservices:\n  # …\n  - name: bansos\n```\n\n'
        '```yaml title="scenarios/balikpapan-2026.yaml"\n  - name: bansos\n  # …\nservices:\n```\n',
        encoding="utf-8",
    )
    good, bad = (examples.check_excerpt(e) for e in examples.parse_examples(page))
    assert good.ok and not bad.ok
