"""HTML building blocks of the report: the style sheet, escaping, inlined figures and tables.

Images are PNGs inlined as data URIs and the style sheet is inline, so the page fetches nothing.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

from ikdsim.reporting import plots

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1a1a1a;
background:#fafafa;line-height:1.45}
main{max-width:1040px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.7em;margin:0.2em 0}h2{font-size:1.3em;margin-top:1.8em;border-bottom:2px solid #2166ac;
padding-bottom:4px}h3{font-size:1.05em;margin-top:1.2em}.question{font-size:1.15em;color:#333}
table{border-collapse:collapse;width:100%;margin:0.6em 0;font-size:0.92em}
th,td{border:1px solid #d0d0d0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.answer{font-size:1.05em;background:#eef3f8;border-left:5px solid #2166ac;padding:8px 14px;margin:0.6em 0}
.bad{border-left-color:#b2182b;background:#fbeeee}.good{border-left-color:#1b7837;background:#eef7ee}
.covers{font-size:0.95em;color:#333;margin:0.4em 0 1em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #e0e0e0}
figcaption{font-size:0.88em;color:#555}.small{font-size:0.85em;color:#555}.source{font-size:0.85em;color:#555}
code{background:#f2f2f2;padding:0 3px;border-radius:3px}
.kind-source{color:#1b7837}.kind-derived{color:#2166ac}.kind-assumption,.kind-note{color:#b35806}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def png(fig: Any) -> str:
    buf = io.BytesIO()
    plots.save(fig, buf)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure(fig: Any, alt: str, caption: str, source: str) -> str:
    """An inlined figure with its caption and, under it, what it rests on."""
    return (f'<figure><img src="{png(fig)}" alt="{e(alt)}"><figcaption>{e(caption)}'
            f'<br><span class="source">{e(source)}</span></figcaption></figure>')


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """A table; cells are HTML already (escape text with `e`), headers are plain text."""
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
