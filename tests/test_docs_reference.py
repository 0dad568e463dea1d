"""The reference pages live in the repository and read there as on the site (issue 11).

docs/reference/cli.md, schema.md and sweep.md are generated from the code and committed; this
test fails when one is stale. No page includes another file at build time (`--8<--`): a reader
of the repository site would see the directive instead of the file, so pages show synced
copies instead (`<!-- docs-test: whole file -->`, checked by tests/test_docs.py).
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from tests.test_docs import PAGES, ROOT, _load

gen_reference = _load("gen_reference")
WRITE = ".venv/bin/python docs/_scripts/gen_reference.py --write"


def test_reference_pages_are_current() -> None:
    stale = sorted(gen_reference.stale())
    assert not stale, (
        f"docs/reference/{', '.join(stale)} no longer match the code: run `{WRITE}` and commit the result"
    )


def test_write_fixes_a_stale_page(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in gen_reference.pages():
        (tmp_path / name).write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(gen_reference, "REFERENCE", tmp_path)
    assert sorted(gen_reference.stale()) == ["cli.md", "schema.md", "sweep.md"]
    assert gen_reference.main(["--check"]) == 1
    assert gen_reference.main(["--write"]) == 0
    assert gen_reference.stale() == {}
    assert gen_reference.main(["--check"]) == 0


def test_no_page_includes_files_at_build_time() -> None:
    for page in PAGES:
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            assert "--8<--" not in line, f"{page.relative_to(ROOT)}:{n}: show a synced copy or link the file"


def test_every_page_of_the_site_is_a_file_of_the_repository() -> None:
    config = YAML(typ="safe").load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, list):
            return [p for item in nav for p in pages(item)]
        if isinstance(nav, dict):
            return [p for value in nav.values() for p in pages(value)]
        return []

    listed = pages(config["nav"])
    assert "reference/cli.md" in listed
    missing = [p for p in listed if not (ROOT / "docs" / p).is_file()]
    assert not missing, f"pages in the nav that are not files in docs/: {missing}"
