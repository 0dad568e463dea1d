"""Load scenario files: YAML 1.2 with line numbers, overrides, and located error messages."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import math
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar, merge_attrib
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ikdsim.errors import InputError
from ikdsim.scenario import paths
from ikdsim.scenario.limits import MAX_FILE_BYTES, MAX_YAML_NODES
from ikdsim.scenario.schema import Scenario
from ikdsim.scenario.yamlsafe import DATE_HINT, prescan

Loc = tuple[str | int, ...]
# Tags the YAML core schema resolves by itself; anything else is an object tag we refuse.
_PLAIN_TAGS = {None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"}


class Document:
    """Plain data parsed from YAML plus the line of every field, for located messages."""

    def __init__(
        self,
        data: Any,
        lines: dict[Loc, int],
        origin: str,
        overrides: dict[Loc, str] | None = None,
        files: dict[Loc, str] | None = None,
    ) -> None:
        self.data = data
        self.lines = lines
        self.origin = origin
        self.overrides = overrides or {}  # field location -> the --set that gave its value
        self.files = files or {}  # field location -> the file it came from, where not `origin` (extends)

    def file_of(self, loc: Loc) -> str:
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.lines:
                return self.files.get(loc[:cut], self.origin)
        return self.origin

    def override_of(self, loc: Loc) -> str | None:
        for cut in range(len(loc), 0, -1):
            if (raw := self.overrides.get(loc[:cut])) is not None:
                return raw
        return None

    def where(self, loc: Loc) -> str:
        """`file:line: ` (or `--set PATH=VALUE: `) that a message about `loc` starts with."""
        if (raw := self.override_of(loc)) is not None:
            return f"--set {raw}: "
        line = self.line_of(loc)
        return f"{self.file_of(loc)}:{line}: " if line else f"{self.origin}: "

    def line_of(self, loc: Loc) -> int | None:
        # Model-level errors point at a parent: use the nearest ancestor we know a line for.
        for cut in range(len(loc), -1, -1):
            if (line := self.lines.get(loc[:cut])) is not None:
                return line
        return None


def parse_yaml(text: str, origin: str) -> Document:
    if len(text) > MAX_FILE_BYTES:
        raise InputError(f"{origin}: {len(text):,} characters; scenario and sweep files are at most {MAX_FILE_BYTES:,}")
    yaml = YAML(typ="rt")
    try:
        prescan(text, origin)  # bounds first: nothing is built from a hostile file
        root = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        raise InputError(f"{where}: YAML syntax error: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        raise InputError(f"{origin}: YAML error: {exc}") from None
    except ValueError as exc:  # ruamel builds dates eagerly (prescan names the line first)
        raise InputError(f"{origin}: invalid value in YAML: {exc}; {DATE_HINT}") from None
    except RecursionError:
        raise InputError(f"{origin}: nested too deeply") from None
    lines: dict[Loc, int] = {(): 1}
    data = _plain(root, (), lines, origin, [0])
    if data is None:
        data = {}
    return Document(data, lines, origin)


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    return getattr(tag, "value", tag) if tag is not None else None


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], origin: str, count: list[int]) -> Any:
    """Strip ruamel's round-trip types, recording the line of every key and item.

    `count` holds the nodes built so far: aliases share nodes in ruamel's tree but are expanded
    here, so this is where an alias bomb would grow and where it is stopped.
    """
    count[0] += 1
    if count[0] > MAX_YAML_NODES:
        raise InputError(
            f"{origin}: more than {MAX_YAML_NODES:,} values once YAML aliases (*name) are expanded; "
            "scenario files hold a few hundred"
        )
    if isinstance(node, TaggedScalar) or _tag(node) not in _PLAIN_TAGS:
        line = lines.get(loc, 0)
        raise InputError(
            f"{origin}:{line}: {dotted(loc) or 'document'}: YAML tag {_tag(node)!r} is not allowed "
            "(scenario files hold plain data only)"
        )
    if isinstance(node, CommentedMap):
        if getattr(node, merge_attrib, None):
            line = lines.get(loc, 0)
            raise InputError(f"{origin}:{line}: {dotted(loc) or 'document'}: YAML merge keys (<<) are not supported")
        out: dict[Any, Any] = {}
        for key in node:
            line = node.lc.key(key)[0] + 1
            lines[(*loc, str(key))] = line
            out[str(key) if not isinstance(key, str) else key] = _plain(
                node[key], (*loc, str(key)), lines, origin, count
            )
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            lines[(*loc, i)] = node.lc.item(i)[0] + 1
            items.append(_plain(item, (*loc, i), lines, origin, count))
        return items
    if isinstance(node, float):
        if not math.isfinite(node):
            line = lines.get(loc, 0)
            raise InputError(
                f"{origin}:{line}: {dotted(loc) or 'document'}: {node} is not a finite number; "
                "every number must be finite"
            )
        return float(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, str):
        return str(node)
    return node


def read_document(path: Path, extends: bool = True) -> Document:
    """Read a scenario file: bounded YAML, its posterior draws file, its `extends:` chain."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket cannot be a scenario file)")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: {info.st_size:,} bytes; scenario and sweep files are at most {MAX_FILE_BYTES:,} bytes"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a scenario file (.yaml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    doc = parse_yaml(text, str(path))
    if isinstance(doc.data, dict) and isinstance(doc.data.get("posterior"), str):
        # A calibrated scenario names its draws file.
        from ikdsim.scenario.posterior import read_posterior

        where = f"{path}:{doc.line_of(('posterior',))}: posterior"
        doc.data["posterior"] = read_posterior(beside(path, doc.data["posterior"]), where)
    _read_district_map(doc, path)
    if extends:
        from ikdsim.scenario.extends import resolve_extends

        doc = resolve_extends(doc, path)
    return doc


def beside(path: Path, name: str) -> Path:
    """The file a scenario file names (draws, boundaries, a base to extend): a relative path is
    relative to the scenario file that writes it, so a variant in another folder that extends it
    still finds its files, whatever the working folder.

    A bare file name that is not beside the scenario but ships with the bundled scenarios is the
    shipped file: a copy of a bundled scenario (`cp scenarios/balikpapan-2026.yaml my-city.yaml`)
    keeps its map and its draws without copying them too.
    """
    here = path.parent / name
    if here.exists() or Path(name).name != name:
        return here
    from ikdsim.scenario.bundled import scenario_dir

    shipped = scenario_dir() / name
    return shipped if shipped.is_file() else here


def _read_district_map(doc: Document, path: Path) -> None:
    """Replace `population.district_map.geojson` (a path) by the shapes it holds, as `posterior`
    is replaced by its draws: here, per file, before `extends:` merges files from other folders."""
    block = doc.data.get("population") if isinstance(doc.data, dict) else None
    block = block.get("district_map") if isinstance(block, dict) else None
    if not isinstance(block, dict) or not isinstance(block.get("geojson"), str):
        return
    from ikdsim.scenario.geojson import FIELD, read_geojson

    name_property = block.get("name_property", "name")
    if not isinstance(name_property, str) or not name_property:
        return  # validation names the field
    where = f"{path}:{doc.line_of(FIELD)}: {dotted(FIELD)}"
    block["geojson"] = read_geojson(beside(path, block["geojson"]), name_property, where)


def validate(doc: Document, model: type[BaseModel] = Scenario, kind: str = "scenario") -> Any:
    """Validate a document against a model, turning pydantic errors into one located message.

    `kind` names the document in the message ("scenario", "sweep file", …).
    """
    if not isinstance(doc.data, dict):
        raise InputError(f"{doc.origin}:1: expected a mapping of fields at the top level")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [_describe(err, doc, model) for err in exc.errors(include_url=False)]
        raise InputError(f"{doc.origin}: invalid {kind} ({len(problems)} problem(s))", problems=problems) from None


def _describe(err: Any, doc: Document, model: type[BaseModel]) -> str:
    loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    # pydantic adds the union member it tried (e.g. 'list[str]') to the location; drop those.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"literal['all']"})))
    msg = err["msg"].removeprefix("Value error, ")
    # Our validators name the field they blame, relative to where pydantic reports the error.
    if err["type"] == "value_error" and (m := _BLAMED.match(msg)):
        loc = loc + _parse_path(m["path"])
        msg = m["rest"]
    where = doc.where(loc)
    path = dotted(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        known = paths.field_names(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        msg = f"unknown field{hint} Allowed here: {', '.join(sorted(known))}"
    elif err["type"] == "missing":
        msg = "required field is missing"
    elif not isinstance(err.get("input"), dict | list) and err["type"] != "value_error":
        msg = f"{msg} (got {err.get('input')!r})"
    if err["type"].startswith("date"):
        msg = f"{msg}; {DATE_HINT}"
    return f"{where}{path}: {msg}"


_BLAMED = re.compile(r"^(?P<path>(?:[A-Za-z_][\w\-]*|\[\d+\])(?:\[\d+\]|\.[\w\- ]+)*): (?P<rest>.*)$", re.S)


def _parse_path(text: str) -> Loc:
    parts: list[str | int] = []
    for token in re.finditer(r"\[(\d+)\]|([^.\[\]]+)", text):
        parts.append(int(token[1]) if token[1] is not None else token[2])
    return tuple(parts)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------------------------------------
# Overrides: --set PATH=VALUE


def apply_overrides(doc: Document, assignments: Iterable[str], model: type[BaseModel] = Scenario) -> Document:
    """Apply `PATH=VALUE` overrides to a parsed document (before validation).

    Paths are dotted; items of a list of named entries are addressed by their `name`
    (`services.bpjs_kesehatan.integrated_from`), other list items by index. VALUE is read as
    YAML, so `null`, numbers, dates and `[a, b]` lists work.
    """
    data = json.loads(json.dumps(doc.data, default=str))  # deep copy; dates survive as ISO strings
    overrides = dict(doc.overrides)
    for raw in assignments:
        path, value = parse_assignment(raw)
        overrides[paths.set_value(data, path, value, model, origin=f"--set {raw}")] = raw
    return Document(data, doc.lines, doc.origin, overrides, doc.files)


def parse_assignment(raw: str) -> tuple[list[str], Any]:
    if "=" not in raw:
        raise InputError(f"--set {raw!r}: expected PATH=VALUE, e.g. --set adoption.base_rate=0.05")
    path_text, value_text = raw.split("=", 1)
    try:
        path = paths.split(path_text)
    except InputError:
        raise InputError(f"--set {raw!r}: the path {path_text!r} is empty or has an empty part") from None
    try:
        value = parse_yaml(f"v: {value_text}" if value_text.strip() else "v: null", "--set").data["v"]
    except InputError as exc:
        raise InputError(f"--set {raw!r}: the value {value_text!r} is not valid YAML ({exc})") from None
    return path, value


# ---------------------------------------------------------------------------------------------


def load_scenario(source: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load and validate a scenario from a path or the name of a bundled scenario.

    Args:
        source: a YAML file, or the name of a bundled scenario (see `ikdsim scenarios`).
        overrides: `PATH=VALUE` assignments applied before validation, as with `--set`.

    Returns:
        The validated, frozen scenario.

    Raises:
        InputError: the file cannot be read or parsed, or a field is invalid; the message names
            the file, the field path and the line.
    """
    scenario: Scenario = validate(load_document(source, overrides))
    return scenario


def load_document(source: str | Path, overrides: Iterable[str] = ()) -> Document:
    """The document `load_scenario` validates: the file (or bundled name) with `--set` applied."""
    from ikdsim.scenario.bundled import resolve

    doc = read_document(resolve(source))
    return apply_overrides(doc, overrides) if overrides else doc


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=False)
    # Optional blocks that are absent stay absent: a scenario without uncertain inputs resolves,
    # hashes and prints exactly as it did before they existed.
    if not data.get("title"):
        data.pop("title", None)
    if data.get("costs") is None:
        data.pop("costs", None)
    if not data.get("uncertain"):
        data.pop("uncertain", None)
    if data.get("posterior") is None:
        data.pop("posterior", None)
    if data["population"].get("district_map") is None:
        data["population"].pop("district_map", None)
    # The explicit days, not the country: results must not hinge on the holidays package's version.
    data["calendar"] = {"holidays": [d.isoformat() for d in scenario.holiday_dates]}
    return data


def scenario_sha256(scenario: Scenario) -> str:
    canonical = json.dumps(scenario_to_data(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def dump_yaml(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
