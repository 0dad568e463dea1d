"""The documentation site reads the same with no network (issue 12).

The site is built once (`mkdocs build --strict`); the model and validation pages are opened from
disk in headless Chromium with host resolution disabled (the helpers of test_report.py), each as
a copy with a probe script at the top of its <head>. The probe records every element that fails
to load and every network request, and once the page and its fonts are loaded it writes what it
saw into the DOM, which --dump-dom returns: the visible text (innerText), the <math> elements,
the layout of their fractions and scripts (a numerator above its denominator, a raised
superscript: Chromium drew the MathML rather than showing its text in a row), the state of
every font. A control page with a missing image and a remote stylesheet checks that the probe
does catch failures.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_report import console_messages, open_page

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_scripts"))

import mathml  # noqa: E402  (docs/_scripts is not a package)

PAGES = ("model", "validation")
PROBE = """<script>
window.__failed = [];
addEventListener("error", e => {
  const t = e.target;
  if (t && t !== window) window.__failed.push((t.tagName || "?") + " " + (t.src || t.href || ""));
}, true);
addEventListener("load", async () => {
  await document.fonts.ready;
  const maths = [...document.querySelectorAll("math")];
  const box = el => el.getBoundingClientRect();
  const out = {
    failed: window.__failed,
    requests: performance.getEntriesByType("resource").map(r => r.name).filter(u => !u.startsWith("file:")),
    fonts: [...document.fonts].map(f => f.family + ": " + f.status),
    text: document.body.innerText,
    maths: maths.map(m => ({display: m.getAttribute("display"), width: box(m).width, height: box(m).height,
                            font: getComputedStyle(m).fontFamily})),
    // Laid out as MathML: numerators above denominators, superscripts raised, subscripts lowered.
    layout: [
      ...[...document.querySelectorAll("mfrac")].map(f => box(f.children[0]).bottom <= box(f.children[1]).top + 1),
      ...[...document.querySelectorAll("msup")].map(s => box(s.children[1]).top < box(s.children[0]).top),
      ...[...document.querySelectorAll("msub")].map(s => box(s.children[1]).bottom > box(s.children[0]).bottom),
    ],
  };
  const pre = document.createElement("pre");
  pre.id = "probe-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""
RESULT = re.compile(r'<pre id="probe-result">(.*?)</pre>', re.DOTALL)
# Equations in the Markdown source, in arithmatex's delimiters; code is removed first.
SOURCE_EQUATION = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.DOTALL)
FENCE = re.compile(r"^(\s*)(```|~~~).*?^\1\2\s*$", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"`[^`\n]*`")
RESOURCE = re.compile(r"<(?:link|script|img|iframe|source)\b[^>]*?\s(?:src|href)=\"([^\"]*)\"")


def source_equations(page: str) -> list[tuple[str, bool]]:
    """(TeX, display?) of every equation of docs/<page>.md, in order."""
    text = CODE_SPAN.sub("", FENCE.sub("", (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")))
    found = []
    for match in SOURCE_EQUATION.finditer(text):
        display_tex = match.group(1) or match.group(2)
        found.append((display_tex or match.group(3), display_tex is not None))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def probe(page: Path, profile: Path) -> tuple[dict[str, Any], list[str]]:
    """Open a copy of the page with the probe; what the probe saw and the console messages."""
    copy = page.with_name(f"_probe-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    # Virtual time lets the page's scripts and fonts finish before the DOM is dumped.
    done = open_page(copy, profile, "--virtual-time-budget=15000", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    found = RESULT.search(done.stdout)
    assert found is not None, f"the probe did not report on {page.name}:\n{done.stdout[:500]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result, console_messages(done.stderr)


def test_probe_catches_a_missing_file_and_a_network_request(site: Path, tmp_path: Path) -> None:
    control = site / "_control.html"
    control.write_text(
        (site / "model.html").read_text(encoding="utf-8").replace(
            "</body>", '<img src="no-such.png"><link rel="stylesheet" href="https://example.org/x.css"></body>'
        ),
        encoding="utf-8",
    )
    seen, _ = probe(control, tmp_path / "profile")
    assert any("no-such.png" in f for f in seen["failed"]), seen["failed"]
    assert any("example.org" in r for r in seen["requests"]), seen["requests"]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_every_equation_from_disk_without_network(site: Path, tmp_path: Path, name: str) -> None:
    expected = source_equations(name)
    assert expected, f"docs/{name}.md has no equations: the test would check nothing"
    seen, console = probe(site / f"{name}.html", tmp_path / "profile")
    assert seen["failed"] == [], f"files that failed to load: {seen['failed']}"
    assert seen["requests"] == [], f"network requests: {seen['requests']}"
    assert console == [], console
    assert seen["fonts"] and all(f.endswith(": loaded") for f in seen["fonts"]), seen["fonts"]
    for delimiter in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert delimiter not in seen["text"], f"raw LaTeX {delimiter} in the visible text of {name}"
    # One <math> per equation of the source, in the same display mode, drawn with a size.
    maths = seen["maths"]
    assert [m["display"] == "block" for m in maths] == [display for _, display in expected]
    assert all(m["width"] > 0 and m["height"] > 0 for m in maths)
    assert all(m["font"].startswith('"STIX Two Math"') for m in maths)
    assert len(seen["layout"]) >= len(maths) // 2 and all(seen["layout"]), "maths not laid out as MathML"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_only_files_of_the_site(site: Path, name: str) -> None:
    # Every resource a page or its stylesheets name is a relative path to a file of the site.
    page = site / f"{name}.html"
    wanted = RESOURCE.findall(page.read_text(encoding="utf-8"))
    assert wanted
    for url in wanted:
        assert not re.match(r"^([a-z]+:)?//", url), f"{name}.html fetches {url}"
        target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
        assert target.is_file(), f"{name}.html names {url}, which is not in the site"
        if target.suffix == ".css":
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", target.read_text(encoding="utf-8")):
                if not ref.startswith("data:"):
                    assert not re.match(r"^([a-z]+:)?//", ref), f"{target.name} fetches {ref}"
                    assert (target.parent / ref).is_file(), f"{target.name} names {ref}, not in the site"


@pytest.mark.parametrize("name", PAGES)
def test_every_equation_converts_cleanly(name: str) -> None:
    for tex, display in source_equations(name):
        converted = mathml.to_mathml(tex, display)
        assert converted.startswith("<math") and "\\" not in converted


def test_conversion_repairs_what_latex2mathml_gets_wrong() -> None:
    cases = mathml.to_mathml(r"\begin{cases} a & x \\[2pt] b & y \end{cases}", display=True)
    assert "2pt" not in cases and cases.count("<mtr>") == 2
    assert "negativethinmathspace" not in mathml.to_mathml(r"\exp\!\left(x\right)", display=False)
    text = mathml.to_mathml(r"\text{hours\_per\_day} + \texttt{word\_of\_mouth}", display=False)
    assert "hours_per_day" in text and "word_of_mouth" in text
    with pytest.raises(mathml.MathError, match=r"\\foo"):
        mathml.to_mathml(r"\foo x", display=False)
    page, count = mathml.render_page('<p><span class="arithmatex">\\(a &lt; b\\)</span></p>')
    assert count == 1 and "<mo>&#x0003C;</mo>" in page and "\\(" not in page
