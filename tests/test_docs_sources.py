"""Every source the project cites is readable in the project (issue 11).

Scenario comments, pages and tests cite their figures' sources by a heading of the Sources
section of docs/assumptions.md (`docs/assumptions.md#national-counts`) or by a publication's
site name; both must be written out there. Nothing may point to the research notes the figures
were first collected in, which are not part of the repository.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

from markdown.extensions.toc import slugify

ROOT = Path(__file__).resolve().parents[1]
ASSUMPTIONS = ROOT / "docs" / "assumptions.md"
NOTES = "FACTS" + ".md"  # spelt in two pieces so that this file does not cite it either
CITATION = re.compile(r"docs/assumptions\.md#([a-z0-9-]+)")
SITE = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|id|org|net)\b")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = []
    for name in names.splitlines():
        path = ROOT / name
        if path.is_file() and path.suffix not in {".png", ".ttf", ".parquet", ".gz"}:
            found.append(path)
    return found


def sources_section() -> str:
    text = ASSUMPTIONS.read_text(encoding="utf-8")
    start = text.index("\n## Sources\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def anchors() -> set[str]:
    headings = re.findall(r"^#{1,6} (.+?)\s*$", ASSUMPTIONS.read_text(encoding="utf-8"), re.MULTILINE)
    return {slugify(h, "-") for h in headings}


def test_nothing_cites_notes_outside_the_repository() -> None:
    files = tracked_text_files()
    assert len(files) > 20
    citing = [str(p.relative_to(ROOT)) for p in files if NOTES in p.read_text(encoding="utf-8", errors="replace")]
    assert not citing, f"{NOTES} is not in the repository; cite docs/assumptions.md#<source> instead: {citing}"


def test_every_cited_heading_exists() -> None:
    known = anchors()
    assert {"sources", "national-counts", "officer-time-and-throughputs", "population-and-phones"} <= known
    cited = 0
    for path in tracked_text_files():
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for anchor in CITATION.findall(line):
                cited += 1
                assert anchor in known, f"{path.relative_to(ROOT)}:{n}: docs/assumptions.md has no heading #{anchor}"
    assert cited >= 10  # the scenarios cite their sources this way


def test_every_site_a_scenario_cites_is_written_out() -> None:
    sources = sources_section()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            comment = line.partition("#")[2]
            for site in SITE.findall(comment):
                assert site in sources, f"{path.relative_to(ROOT)}:{n}: {site} is not in the Sources of assumptions.md"


def test_national_counts_are_the_ones_written_out() -> None:
    section = sources_section()
    national = section[section.index("### National counts") :]
    with (ROOT / "tests" / "data" / "obs_national.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        count = int(row["activated"])
        exact = f"{count:,}"
        rounded = f"{count / 1e6:.3g} M".replace(".0 M", " M")
        assert exact in national or rounded in national, f"{row} is not in docs/assumptions.md#national-counts"
