"""MkDocs hooks: figures and maths generated at every build.

* `img/validation-*.png` from simulations of docs/examples/ and the bundled scenarios
  (gen_figures.py);
* every equation of every page as MathML, and the math font and its stylesheet (mathml.py), so
  the site needs no network to show its maths.

The generated files exist only inside the build (virtual files), so they can never be stale.
The reference pages (docs/reference/cli.md, schema.md, sweep.md) are generated from the code
too, but committed, so that they read on the repository site: `gen_reference.py --write`
rewrites them and tests/test_docs_reference.py fails when one is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_figures
import mathml


def on_files(files: Files, config: Any) -> Files:
    generated: dict[str, str | bytes] = {f"img/{name}": png for name, png in gen_figures.render_all().items()}
    generated.update({mathml.CSS_URI: mathml.stylesheet(), mathml.FONT_URI: mathml.font_bytes()})
    for uri, content in generated.items():
        if files.get_file_from_path(uri) is not None:
            raise RuntimeError(f"docs/{uri} is generated at build time; delete the file from docs/")
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    rendered, _count = mathml.render_page(html, where=f"docs/{page.file.src_uri}")
    return rendered
