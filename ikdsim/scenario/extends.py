"""Variants in a few lines: `extends: <bundled name or path>` plus only what changes.

Merge rule, written once: mappings merge key by key; a list whose items are mappings with a
`name` merges item by item (an item of the variant replaces the fields it gives of the base item
of the same name, an item with a new name is added); any other value, lists included, replaces
the base's. Two removals: a named item written `{name: x, remove: true}` removes item x, and
`null` in place of a mapping (an unknown of `uncertain:`, say) removes it. Every merged field
keeps the file and line it came from, so an error points into the file that wrote the value.
`scenario.resolved.yaml` records the full result.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikdsim.errors import InputError

if TYPE_CHECKING:
    from ikdsim.scenario.loader import Document, Loc

MAX_CHAIN = 10


def _named(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, dict) and "name" in i for i in items)


def merge(base: Document, over: Document) -> tuple[Any, dict[Loc, int], dict[Loc, str]]:
    """(data, lines, files) of `over` laid onto `base`."""
    lines: dict[Loc, int] = {}
    files: dict[Loc, str] = {}

    def take(doc: Document, src: Loc, dst: Loc, value: Any) -> Any:
        """Copy `value` from doc at `src` to `dst`, recording where every field came from."""
        if (line := doc.lines.get(src)) is not None:
            lines[dst], files[dst] = line, doc.files.get(src, doc.origin) if doc.files else doc.origin
        if isinstance(value, dict):
            return {k: take(doc, (*src, k), (*dst, k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [take(doc, (*src, i), (*dst, i), v) for i, v in enumerate(value)]
        return value

    def both(b: Any, o: Any, b_loc: Loc, o_loc: Loc, dst: Loc) -> Any:
        if isinstance(b, dict) and isinstance(o, dict):
            out = {k: take(base, (*b_loc, k), (*dst, k), v) for k, v in b.items() if k not in o}
            for k, v in o.items():
                if v is None and isinstance(b.get(k), dict):
                    continue  # null in place of a mapping removes it
                out[k] = (
                    both(b[k], v, (*b_loc, k), (*o_loc, k), (*dst, k))
                    if k in b
                    else take(over, (*o_loc, k), (*dst, k), v)
                )
            take(over, o_loc, dst, None)  # the mapping's own line: the variant's
            return dict(sorted(out.items(), key=lambda kv: list(b).index(kv[0]) if kv[0] in b else len(b)))
        if _named(b) and _named(o):
            names = [i["name"] for i in b]
            out_list: list[Any] = []
            for i, item in enumerate(b):
                match = next((j for j, x in enumerate(o) if x["name"] == item["name"]), None)
                dst_i = (*dst, len(out_list))
                if match is not None and o[match].get("remove") is True:
                    continue
                if match is None:
                    out_list.append(take(base, (*b_loc, i), dst_i, item))
                else:
                    out_list.append(both(item, o[match], (*b_loc, i), (*o_loc, match), dst_i))
            for j, item in enumerate(o):
                if item.get("remove") is True and item["name"] not in names:
                    line = over.lines.get((*o_loc, j), 0)
                    raise InputError(f"{over.origin}:{line}: remove: no item named {item['name']!r} in the base")
                if item["name"] not in names:
                    out_list.append(take(over, (*o_loc, j), (*dst, len(out_list)), item))
            take(over, o_loc, dst, None)
            return out_list
        return take(over, o_loc, dst, o)

    data = both(base.data, over.data, (), (), ())
    return data, lines, files


def resolve_extends(doc: Document, path: Path, chain: tuple[Path, ...] = ()) -> Document:
    """The document with its `extends:` chain merged in (a no-op without `extends`)."""
    from ikdsim.scenario.bundled import bundled
    from ikdsim.scenario.loader import Document, beside, read_document

    if not isinstance(doc.data, dict) or "extends" not in doc.data:
        return doc
    target = doc.data["extends"]
    where = f"{doc.origin}:{doc.line_of(('extends',))}: extends"
    if not isinstance(target, str) or not target.strip():
        raise InputError(f"{where}: expected the name of a bundled scenario or a path to a scenario file")
    candidate = beside(path, target) if (target.endswith((".yaml", ".yml")) or "/" in target) else None
    if candidate is None:
        known = bundled()
        if target not in known:
            raise InputError(f"{where}: no bundled scenario {target!r}; bundled: {', '.join(known)}")
        candidate = known[target]
    resolved = candidate.resolve()
    if resolved in chain or resolved == path.resolve():
        raise InputError(
            f"{where}: {target} extends itself (a cycle: {' → '.join(p.name for p in (*chain, resolved))})"
        )
    if len(chain) >= MAX_CHAIN:
        raise InputError(f"{where}: more than {MAX_CHAIN} files extend each other")
    base = resolve_extends(read_document(candidate, extends=False), candidate, (*chain, path.resolve()))
    over = Document(
        {k: v for k, v in doc.data.items() if k != "extends"}, doc.lines, doc.origin, doc.overrides, doc.files
    )
    data, lines, files = merge(base, over)
    lines[()] = 1
    return Document(data, lines, doc.origin, doc.overrides, files)
