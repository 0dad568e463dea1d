"""Read the GeoJSON file of `population.district_map` into the districts' polygons.

Only what a choropleth needs is kept: for each district (named by a feature property) its
Polygon and MultiPolygon rings as (longitude, latitude). Every refusal names the scenario field
that points at the file, the file, and where in it (the JSON line for a syntax error, the JSON
path of the feature otherwise), so a wrong export is found without a GIS tool.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ikdsim.errors import InputError
from ikdsim.scenario.limits import MAX_GEOJSON_BYTES, MAX_MAP_POSITIONS

FIELD = ("population", "district_map", "geojson")


def read_geojson(path: Path, name_property: str, where: str) -> dict[str, Any]:
    """The `DistrictShapes` data of a GeoJSON file; InputError prefixed with `where`
    (`scenario.yaml:LINE: population.district_map.geojson`) for any fault."""
    try:
        if path.stat().st_size > MAX_GEOJSON_BYTES:
            raise InputError(
                f"{where}: {path}: larger than {MAX_GEOJSON_BYTES:,} bytes; simplify the boundaries "
                "(a district map needs no survey precision)"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{where}: {path}: is a folder, expected a GeoJSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: {path}: cannot read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: {path}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: {path}: nested too deeply to be GeoJSON") from None

    def fault(at: str, message: str) -> InputError:
        return InputError(f"{where}: {path}: {at}: {message}")

    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise fault("type", "expected a GeoJSON FeatureCollection (one feature per district)")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise fault("features", "expected a list with one feature per district")
    shapes: dict[str, list[Any]] = {}
    schematic = False
    count = 0
    for i, feature in enumerate(features):
        at = f"features[{i}]"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise fault(at, "expected a GeoJSON Feature")
        properties = feature.get("properties")
        name = properties.get(name_property) if isinstance(properties, dict) else None
        if not isinstance(name, str) or not name.strip():
            found = ", ".join(sorted(properties)) if isinstance(properties, dict) and properties else "none"
            raise fault(
                f"{at}.properties.{name_property}",
                f"no district name (properties here: {found}; population.district_map.name_property "
                "says which one names the district)",
            )
        schematic = schematic or (isinstance(properties, dict) and properties.get("schematic") is True)
        polygons = _polygons(feature.get("geometry"), f"{at}.geometry", fault)
        count += sum(len(ring) for polygon in polygons for ring in polygon)
        if count > MAX_MAP_POSITIONS:
            raise fault(at, f"more than {MAX_MAP_POSITIONS:,} positions in all; simplify the boundaries")
        # A district drawn as several features (islands exported one by one) is one district.
        shapes.setdefault(name.strip(), []).extend(polygons)
    return {"file": path.name, "schematic": schematic, "shapes": shapes}


def _polygons(geometry: Any, at: str, fault: Any) -> list[list[list[tuple[float, float]]]]:
    if not isinstance(geometry, dict):
        raise fault(at, "missing; a district needs a Polygon or MultiPolygon")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates, f"{at}.coordinates", fault)]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise fault(f"{at}.coordinates", "expected a list of polygons")
        return [_polygon(p, f"{at}.coordinates[{j}]", fault) for j, p in enumerate(coordinates)]
    raise fault(f"{at}.type", f"{kind!r}: a district map draws Polygon and MultiPolygon features only")


def _polygon(rings: Any, at: str, fault: Any) -> list[list[tuple[float, float]]]:
    if not isinstance(rings, list) or not rings:
        raise fault(at, "expected a list of rings (the outer boundary, then any holes)")
    out = []
    for k, ring in enumerate(rings):
        where = f"{at}[{k}]"
        if not isinstance(ring, list) or len(ring) < 4:
            raise fault(where, "a ring needs at least 4 positions, the last equal to the first")
        positions = [_position(p, f"{where}[{m}]", fault) for m, p in enumerate(ring)]
        if positions[0] != positions[-1]:
            raise fault(where, "the ring is not closed: its last position must repeat its first")
        out.append(positions)
    return out


def _position(value: Any, at: str, fault: Any) -> tuple[float, float]:
    ok = isinstance(value, list) and len(value) >= 2
    numbers = value[:2] if ok else []
    if not ok or not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                         for x in numbers):
        raise fault(at, f"expected [longitude, latitude] as numbers, got {json.dumps(value)[:60]}")
    return float(numbers[0]), float(numbers[1])
