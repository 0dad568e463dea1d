"""MkDocs hooks: pages and figures generated from the code at every build.

* `reference/cli.md` from the typer app, `reference/schema.md` and `reference/sweep.md` from
  the pydantic models (gen_reference.py);
* `img/validation-*.png` from simulations of docs/examples/ and the bundled scenarios
  (gen_figures.py);
* every equation of every page as MathML, and the math font and its stylesheet (mathml.py), so
  the site needs no network to show its maths.

They exist only inside the build (virtual files), so they can never be stale and nothing
generated is committed. The scripts run on their own too, to inspect their output.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_figures
import gen_reference
import mathml


def on_files(files: Files, config: Any) -> Files:
    generated: dict[str, str | bytes] = {
        "reference/cli.md": gen_reference.cli_markdown(),
        "reference/schema.md": gen_reference.schema_markdown(),
        "reference/sweep.md": gen_reference.sweep_markdown(),
    }
    generated.update({f"img/{name}": png for name, png in gen_figures.render_all().items()})
    generated.update({mathml.CSS_URI: mathml.stylesheet(), mathml.FONT_URI: mathml.font_bytes()})
    for uri, content in generated.items():
        if files.get_file_from_path(uri) is not None:
            raise RuntimeError(f"docs/{uri} is generated at build time; delete the file from docs/")
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    rendered, _count = mathml.render_page(html, where=f"docs/{page.file.src_uri}")
    return rendered
